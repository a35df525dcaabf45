"""Strict shapes and names: broadcasting residuals, off-boundary points, duplicate names."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde

SQ = pde.Rectangle([0, 0], [1, 1])


def net(d=2, m=1):
    return keras.Sequential([keras.Input((d,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(m)])


def test_the_issue_broadcasting_residual_is_an_error():
    # [n, 1] + [n] broadcasts to [n, n]; it used to train silently
    res = pde.PDEResidual(lambda u_xx, u_yy, x: u_xx + u_yy + tf.sin(np.pi * x[:, 0]), SQ, num_points=32)
    pinn = pde.PINN(net(), [res, pde.DirichletBC(SQ, 0.0, num_points=32)], domain=SQ)
    pinn.compile("adam")
    msg = r"PDEResidual 'pde': the residual must have shape \[n\] or \[n, 1\] per equation.*\(7, 7\) on 7 points, \(8, 8\) on 8.*expected \(8,\) or\s+\(8, 1\)"
    with pytest.raises(ValueError, match=msg):
        pinn.fit(epochs=1, steps_per_epoch=1, verbose=0)
    with pytest.raises(ValueError, match=msg):
        pinn.validate()


def test_the_column_form_trains():
    res = pde.PDEResidual(lambda u_xx, u_yy, x: u_xx + u_yy + tf.sin(np.pi * x[:, 0:1]), SQ, num_points=32)
    pinn = pde.PINN(net(), [res, pde.DirichletBC(SQ, 0.0, num_points=32)], domain=SQ)
    pinn.compile("adam")
    h = pinn.fit(epochs=1, steps_per_epoch=2, verbose=0)
    assert np.isfinite(h.history["pde"][-1])


def test_list_residual_elements_are_strict():
    bad = pde.PDEResidual(lambda u1, u2, u1_x: [u1_x - u2, u1[:, 0] + u2], SQ, num_points=16)
    pinn = pde.PINN(net(m=2), [bad], domain=SQ)
    with pytest.raises(ValueError, match=r"residual 1 of the list must have shape \(7,\) or \(7, 1\).*\(7, 7\)"):
        pinn.validate()
    good = pde.PDEResidual(lambda u1, u2, u1_x: [u1_x - u2, u1[:, 0] + u2[:, 0]], SQ, num_points=16)
    pde.PINN(net(m=2), [good], domain=SQ).validate()


def test_a_system_in_one_tensor_keeps_its_width():
    sys2 = pde.PDEResidual(lambda u1, u2: tf.concat([u1, u2], axis=1), SQ, num_points=16)
    pinn = pde.PINN(net(m=2), [sys2], domain=SQ)
    pinn.validate()
    assert tuple(pinn.condition_residual("pde").shape) == (16 + int(np.ceil(4 * 16 ** 0.5)), 2)


def test_boundary_value_and_observation_shapes():
    with pytest.raises(ValueError, match=r"`value` must give one value per point, shape \[4\] or \[4, 1\]. Received: shape=\(4, 4\)"):
        pde.DirichletBC(np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float), lambda x: x[:, :1] + x[:, 0]).sample(0)
    with pytest.raises(ValueError, match=r"`y` must have one row per point"):
        pde.PointData(np.zeros((3, 2)), np.zeros((4,)))


def test_dirichlet_points_off_the_boundary_are_an_error_unless_opted_out():
    x = np.array([[0.0, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"DirichletBC 'dirichlet': 1 of 2 points do not lie on the boundary of .*first one: \[0.5, 0.5\] \(row 1\).*check_boundary=False"):
        pde.PINN(net(), [pde.DirichletBC(x, 0.0)], domain=SQ)
    pde.PINN(net(), [pde.DirichletBC(x, 0.0, check_boundary=False)], domain=SQ)
    # within the tolerance (1e-6 of the diameter) is on the boundary
    pde.PINN(net(), [pde.DirichletBC(np.array([[1e-9, 0.3]]), 0.0)], domain=SQ)
    with pytest.raises(ValueError, match="NeumannBC 'neumann'"):
        pde.PINN(net(), [pde.NeumannBC(x, 0.0)], domain=SQ)


def test_initial_points_off_t0_are_an_error():
    st = pde.SpaceTime(pde.Interval(0, 1), pde.TimeInterval(0, 1))
    with pytest.raises(ValueError, match=r"InitialCondition 'initial': 1 of 2 points do not lie on the initial slice"):
        pde.PINN(net(), [pde.InitialCondition(np.array([[0.2, 0.0], [0.3, 0.1]]), 0.0)], domain=st)


def test_duplicate_names_are_errors_and_defaults_are_numbered():
    a = pde.DirichletBC(SQ, 0.0, num_points=8, name="wall")
    b = pde.DirichletBC(SQ, 1.0, num_points=8, name="wall")
    with pytest.raises(ValueError, match=r"Condition names must be distinct; \['wall'\]"):
        pde.PINN(net(), [a, b], domain=SQ)
    p = pde.PINN(net(), [pde.DirichletBC(SQ, 0.0, num_points=8), pde.DirichletBC(SQ, 1.0, num_points=8)], domain=SQ)
    assert p.term_names == ("dirichlet", "dirichlet_1")
    # numbering skips explicit names, and is the same when the conditions are set again
    conds = [pde.DirichletBC(SQ, 0.0, num_points=8), pde.DirichletBC(SQ, 0.0, num_points=8),
             pde.DirichletBC(SQ, 0.0, num_points=8, name="dirichlet_1"), pde.DirichletBC(SQ, 0.0, num_points=8, name="dirichlet")]
    p = pde.PINN(net(), conds, domain=SQ)
    assert p.term_names == ("dirichlet_2", "dirichlet_3", "dirichlet_1", "dirichlet")
    p.set_conditions(conds)
    assert p.term_names == ("dirichlet_2", "dirichlet_3", "dirichlet_1", "dirichlet")
    with pytest.raises(ValueError, match=r"Condition names must be distinct; \['dirichlet'\]"):
        pde.PINN(net(), [pde.DirichletBC(SQ, 0.0, num_points=8, name="dirichlet"), pde.NeumannBC(SQ, 0.0, num_points=8, name="dirichlet")], domain=SQ)


def test_a_condition_cannot_take_a_parameter_name():
    with pytest.raises(ValueError, match=r"cannot be named 'k'"):
        pde.PINN(net(), [pde.DirichletBC(SQ, 0.0, num_points=8, name="k")], domain=SQ, parameters={"k": 1.0})
