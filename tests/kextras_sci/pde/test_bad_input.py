"""Clear errors for bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde

GEOM = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))


def net(inputs=2, dtype="float32"):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((inputs,), dtype=dtype), keras.layers.Dense(8, "tanh"), keras.layers.Dense(1)])


def ok_residual(u_t, u_x):
    return u_t + u_x


def test_points_outside_the_domain():
    pts = np.array([[0.0, 0.5], [1.5, 0.2]])
    with pytest.raises(ValueError, match=r"PDEResidual 'pde': 1 of 2 `points` lie outside the domain.*\[1.5, 0.2\]"):
        pde.PINN(net(), [pde.PDEResidual(ok_residual, pts)], domain=GEOM)
    with pytest.raises(ValueError, match="PointData 'data': 1 of 2 `points` lie outside"):
        pde.PINN(net(), [pde.PointData(pts, [0.0, 1.0])], domain=GEOM)


def test_wrong_coordinate_dimension():
    with pytest.raises(ValueError, match=r"PDEResidual 'pde': its points have 3 coordinate\(s\) but the model takes 2 \(x, t\)"):
        pde.PINN(net(), [pde.PDEResidual(ok_residual, np.zeros((4, 3)))], domain=GEOM)
    with pytest.raises(ValueError, match="network cannot be evaluated on points with 2 coordinate"):
        pde.PINN(net(inputs=3), [], domain=GEOM)
    with pytest.raises(ValueError, match=r"`points` must have shape \[n, dim\].*x\[:, None\]"):
        pde.PDEResidual(ok_residual, np.zeros(5))
    pinn = pde.PINN(net(), [pde.PDEResidual(ok_residual, GEOM, num_points=8)], domain=GEOM)
    with pytest.raises(ValueError, match=r"`x` must have shape \[n, 2\] \(x, t\)"):
        pinn.predict(np.zeros((3, 1)))


def test_residual_returning_wrong_shape():
    pinn = pde.PINN(net(), [pde.PDEResidual(lambda u_t: tf.reduce_mean(u_t, keepdims=True), GEOM, num_points=16)], domain=GEOM)
    pinn.compile(keras.optimizers.Adam())
    with pytest.raises(ValueError, match=r"PDEResidual 'pde': the residual must have shape \(7,\) or \(7, 1\).*Received: shape=\(1, 1\)"):
        pinn.fit(epochs=1, steps_per_epoch=1, verbose=0)
    pinn = pde.PINN(net(), [pde.PDEResidual(lambda u_t: u_t[:, :, None], GEOM, num_points=16)], domain=GEOM)
    with pytest.raises(ValueError, match=r"shape \(7,\) or \(7, 1\).*\(7, 1, 1\)"):
        pinn.validate()


def test_unknown_argument_name():
    with pytest.raises(ValueError, match=r"argument `u_q` of the residual function is not a coordinate \('x', 't'\)"):
        pde.PINN(net(), [pde.PDEResidual(lambda u_q: u_q, GEOM, num_points=4)], domain=GEOM)
    with pytest.raises(ValueError, match=r"name its arguments explicitly"):
        pde.PDEResidual(lambda *a: a[0], GEOM, num_points=4)


def test_nan_loss_stops_with_the_term_name():
    pinn = pde.PINN(
        net(),
        [
            pde.PDEResidual(lambda u_x: u_x, GEOM, num_points=16),
            pde.DirichletBC(GEOM, 0.0, num_points=8, name="walls"),
            pde.InitialCondition(GEOM, 0.0, num_points=8),
        ],
        domain=GEOM,
    )
    pinn.compile(keras.optimizers.SGD(1e-3))
    pinn.term_weights["walls"].assign(float("nan"))  # NaN reaches the total only
    with pytest.raises(FloatingPointError, match=r"epoch 1, step \d+: loss term 'loss' = nan"):
        pinn.fit(epochs=1, steps_per_epoch=5, verbose=0)
    bad = pde.PINN(net(), [pde.PDEResidual(lambda u_x, u: u_x, GEOM, num_points=16),
                           pde.PDEResidual(lambda u: tf.math.log(u - 1e6), GEOM, num_points=8, name="logterm")],
                   domain=GEOM)
    bad.compile(keras.optimizers.SGD(1e-3))
    with pytest.raises(FloatingPointError, match=r"loss term 'logterm' = nan is not finite"):
        bad.fit(epochs=1, steps_per_epoch=5, verbose=0)
    with pytest.raises(FloatingPointError, match=r"L-BFGS stopped at evaluation 1: loss term 'logterm'"):
        pde.minimize_lbfgs(bad, maxiter=3, verbose=0)


def test_zero_collocation_points():
    with pytest.raises(ValueError, match=r"PDEResidual: `num_points` must be a positive integer.*num_points=0"):
        pde.PDEResidual(ok_residual, GEOM, num_points=0)
    with pytest.raises(ValueError, match="DirichletBC: `num_points` must be a positive integer.*None"):
        pde.DirichletBC(GEOM, 0.0)
    with pytest.raises(ValueError, match=r"PDEResidual: `points` has zero points.*\(0, 2\)"):
        pde.PDEResidual(ok_residual, np.zeros((0, 2)))
    with pytest.raises(ValueError, match="has no conditions to train on"):
        p = pde.PINN(net(), [], domain=GEOM)
        p.compile(keras.optimizers.Adam())
        p.fit(epochs=1, steps_per_epoch=1, verbose=0)
    with pytest.raises(ValueError, match="`where` selects none"):
        pde.PINN(net(), [pde.DirichletBC(GEOM, 0.0, num_points=4, where=lambda x: x[:, 0] > 5)], domain=GEOM)


def test_other_argument_errors():
    with pytest.raises(ValueError, match="`method` must be one of"):
        pde.PDEResidual(ok_residual, GEOM, num_points=4, method="grid")
    with pytest.raises(ValueError, match="`weight` must be a finite number in \\[0, inf\\)"):
        pde.DirichletBC(GEOM, 0.0, num_points=4, weight=-1)
    with pytest.raises(ValueError, match=r"`value` must give one value per point, shape \[3\]"):
        pde.DirichletBC(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="`component` must be one of the fields"):
        pde.PINN(net(), [pde.DirichletBC(GEOM, 0.0, num_points=4, component="v")], domain=GEOM)
    with pytest.raises(ValueError, match="do not pass `x`/`y`"):
        pde.PINN(net(), [pde.PDEResidual(ok_residual, GEOM, num_points=4)], domain=GEOM).fit(np.zeros((3, 2)))
    p = pde.PINN(net(), [pde.PDEResidual(ok_residual, GEOM, num_points=4)], domain=GEOM)
    p.compile(keras.optimizers.Adam(), steps_per_execution=5)
    with pytest.raises(ValueError, match=r"`steps_per_epoch` must be a multiple of `steps_per_execution` \(5\).*=7"):
        p.fit(epochs=1, steps_per_epoch=7)
    with pytest.raises(ValueError, match="`initial` must lie within `bounds`"):
        pde.Parameter("nu", 2.0, bounds=(0, 1))
    with pytest.raises(ValueError, match="clashes with a coordinate or field"):
        pde.PINN(net(), [], domain=GEOM, parameters={"t": 1.0})
    with pytest.raises(ValueError, match="need `normals=` or a model `domain=`"):
        pde.PINN(net(), [pde.NeumannBC(np.zeros((2, 2)), 0.0)], input_dim=2)
    with pytest.raises(ValueError, match="`derivative` must be 0 or 1"):
        pde.InitialCondition(GEOM, 0.0, num_points=3, derivative=2)
    with pytest.raises(ValueError, match="`coordinate` must be an integer in"):
        pde.PeriodicBC(GEOM, coordinate=2, num_points=3)
