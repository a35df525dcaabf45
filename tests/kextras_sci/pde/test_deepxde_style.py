"""What DeepXDE users reach for: (x, y) residuals, pde.grad, ODE time, parameter logs, anchors, OperatorBC."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde

SQ = pde.Rectangle([0, 0], [1, 1])


class Known(keras.layers.Layer):
    """y = [sin(x0) x1^2, x0 x1] (no weights)."""

    def call(self, x):
        return tf.concat([tf.sin(x[:, :1]) * x[:, 1:2] ** 2, x[:, :1] * x[:, 1:2]], axis=1)


def net(d=2, m=1, seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((d,)), keras.layers.Dense(8, "tanh"), keras.layers.Dense(m)])


def test_grad_jacobian_and_hessian_against_formulas():
    p = np.random.default_rng(0).uniform(0, 1, (9, 2))
    x0, x1 = p[:, :1], p[:, 1:]
    with pde.grad.Recorder(tf.constant(p)) as x:
        y = Known(dtype="float64")(x)
        j01 = pde.grad.jacobian(y, x, i=0, j=1)
        row = pde.grad.jacobian(y, x, i=1)
        h00 = pde.grad.hessian(y, x, component=0, i=0, j=0)
        h01 = pde.grad.hessian(y, x, component=0, i=0, j=1)
        h11 = pde.grad.hessian(y, x, component=1, i=1, j=1)
    np.testing.assert_allclose(j01, 2 * x1 * np.sin(x0), rtol=1e-12)
    np.testing.assert_allclose(row, np.concatenate([x1, x0], 1), rtol=1e-12)
    np.testing.assert_allclose(h00, -np.sin(x0) * x1**2, rtol=1e-12)
    np.testing.assert_allclose(h01, 2 * x1 * np.cos(x0), rtol=1e-12)
    np.testing.assert_allclose(h11, np.zeros_like(x0), atol=1e-14)


def test_grad_outside_a_residual_and_bad_indices():
    x = tf.zeros((3, 2))
    with pytest.raises(ValueError, match=r"pde.grad.jacobian: `x` must be the points of the residual"):
        pde.grad.jacobian(x, x)
    with pde.grad.Recorder(x) as xr:
        y = xr * 2.0
        with pytest.raises(ValueError, match=r"`i` must be an integer in \[0, 1\]. Received: i=2"):
            pde.grad.jacobian(y, xr, i=2)


def test_deepxde_style_residual_equals_the_named_one():
    def dde_pde(x, y):
        return pde.grad.hessian(y, x, i=0, j=0) + pde.grad.hessian(y, x, i=1, j=1) + pde.grad.jacobian(y, x, i=1, j=0)

    named = pde.PDEResidual(lambda u1_xx, u1_yy, u2_x: u1_xx + u1_yy + u2_x, SQ, num_points=16, name="named")
    dde = pde.PDEResidual(dde_pde, SQ, num_points=16, name="dde")
    m = keras.Sequential([keras.Input((2,), dtype="float64"), Known(dtype="float64")])
    pinn = pde.PINN(m, [named, dde], domain=SQ)
    pts = SQ.sample_interior(20, seed=1)
    a = pinn.pointwise_residuals("named", pts)
    b = pinn.pointwise_residuals("dde", pts)
    expected = -np.sin(pts[:, :1]) * pts[:, 1:] ** 2 + 2 * np.sin(pts[:, :1]) + pts[:, 1:]
    np.testing.assert_allclose(a, expected, rtol=1e-10)
    np.testing.assert_allclose(b, expected, rtol=1e-10)


def test_deepxde_style_in_2d_trains_with_coordinates_named_x_y():
    # (x, y) are also the coordinate names here: no field is named, so it is the DeepXDE form
    def poisson(x, y):
        return pde.grad.hessian(y, x, i=0, j=0) + pde.grad.hessian(y, x, i=1, j=1) + 1.0

    pinn = pde.PINN(net(), [pde.PDEResidual(poisson, SQ, num_points=32), pde.DirichletBC(SQ, 0.0, num_points=32)], domain=SQ)
    pinn.compile(keras.optimizers.Adam(1e-2))
    before = [w.numpy().copy() for w in pinn.trainable_weights]
    h = pinn.fit(epochs=1, steps_per_epoch=3, verbose=0)
    assert np.isfinite(h.history["pde"][0])
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(before, pinn.trainable_weights))


def test_deepxde_style_with_a_parameter_and_bad_extra_argument():
    dom = pde.Interval(0, 1)
    c = pde.PDEResidual(lambda x, y, k: pde.grad.jacobian(y, x) - k * y, dom, num_points=8)
    pinn = pde.PINN(net(1), [c], domain=dom, parameters={"k": 2.0})
    pinn.validate()
    with pytest.raises(ValueError, match=r"arguments after \(x, y\) must name PDE parameters"):
        pde.PINN(net(1), [pde.PDEResidual(lambda x, y, z: y, dom, num_points=8, style="deepxde")], domain=dom)
    with pytest.raises(ValueError, match="uses no field or derivative"):
        pde.PINN(net(1), [pde.PDEResidual(lambda x: x, dom, num_points=8)], domain=dom)


def test_bare_time_interval_names_t_and_takes_an_initial_condition():
    T = pde.TimeInterval(0, 2)
    ode = pde.PDEResidual(lambda u1, u2, u1_t, u2_t: [u1_t - u2, u2_t + u1], T, num_points=16)
    ic = [pde.InitialCondition(T, 0.0, component="u1", name="ic1"), pde.InitialCondition(T, 1.0, component="u2", name="ic2")]
    pinn = pde.PINN(net(1, 2), [ode] + ic, domain=T)
    assert pinn.coords == ("t",) and pinn.fields == ("u1", "u2")
    np.testing.assert_array_equal(pinn.points("ic1")["x"], [[0.0]])
    # derivative form on the bare interval
    v = pde.InitialCondition(T, 3.0, derivative=1, num_points=2)
    np.testing.assert_array_equal(v.sample(0)["x"], [[0.0], [0.0]])
    # the initial residual of a known field u = [sin t, cos t]: zero
    m = keras.Sequential([keras.Input((1,), dtype="float64"),
                          keras.layers.Lambda(lambda t: tf.concat([tf.sin(t), tf.cos(t)], 1), dtype="float64")])
    exact = pde.PINN(m, [ode] + ic, domain=T)
    np.testing.assert_allclose(exact.pointwise_residuals("pde"), 0.0, atol=1e-12)
    np.testing.assert_allclose(exact.pointwise_residuals("ic2"), 0.0, atol=1e-12)


def test_parameters_are_logged_every_epoch_and_per_lbfgs_iteration():
    dom = pde.Interval(0, 1)
    x = np.linspace(0, 1, 9)[:, None]
    conds = [pde.PDEResidual(lambda u, u_x, k: u_x - k * u, dom, num_points=16),
             pde.PointData(x, np.exp(0.5 * x))]
    pinn = pde.PINN(net(1), conds, domain=dom, parameters=[pde.Parameter("k", 1.0)])
    pinn.compile(keras.optimizers.Adam(1e-2))
    values = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            values.append(pinn.parameters["k"])

    h = pinn.fit(epochs=3, steps_per_epoch=5, verbose=0, callbacks=[Spy()])
    assert h.history["k"] == pytest.approx(values) and len(values) == 3
    rec = pde.ParameterLog(pinn)
    res = pde.minimize_lbfgs(pinn, maxiter=4, verbose=0, callback=rec)
    assert len(rec.history["k"]) == res.iterations
    assert rec.history["k"][-1] == pytest.approx(pinn.parameters["k"])


def test_anchors_are_kept_when_the_rest_is_resampled():
    anchors = np.array([[0.5, 0.5], [0.25, 0.75]])
    c = pde.PDEResidual(lambda u_xx: u_xx, SQ, num_points=16, anchors=anchors)
    pinn = pde.PINN(net(), [c], domain=SQ, resample_every=1)
    first = pinn.points("pde")["x"]
    pinn.resample()
    second = pinn.points("pde")["x"]
    np.testing.assert_array_equal(first[:2], anchors)
    np.testing.assert_array_equal(second[:2], anchors)
    assert not np.array_equal(first[2:], second[2:])
    with pytest.raises(ValueError, match="`anchors` lie outside"):
        pde.PINN(net(), [pde.PDEResidual(lambda u_xx: u_xx, SQ, num_points=4, anchors=[[2.0, 0.0]])], domain=SQ)


def test_operator_bc_on_boundary_points_with_resampling():
    # residual u2_x - x1 (u2 = x0 x1) vanishes everywhere; u1_y - 2 x1 sin(x0) too
    m = keras.Sequential([keras.Input((2,), dtype="float64"), Known(dtype="float64")])
    op = pde.OperatorBC(lambda u1_y, x, y: u1_y - 2 * y * tf.sin(x), SQ, num_points=12, where=lambda p: p[:, 0] == 1.0)
    dde = pde.OperatorBC(lambda x, y: pde.grad.jacobian(y, x, i=1, j=0) - x[:, 1:2], SQ, num_points=12, name="op2")
    pinn = pde.PINN(m, [op, dde], domain=SQ)
    pts = pinn.points("operator_bc")["x"]
    assert pts.shape == (12, 2) and np.all(pts[:, 0] == 1.0)
    assert SQ.on_boundary(pinn.points("op2")["x"]).all()
    np.testing.assert_allclose(pinn.pointwise_residuals("operator_bc"), 0.0, atol=1e-12)
    np.testing.assert_allclose(pinn.pointwise_residuals("op2"), 0.0, atol=1e-12)
    pinn.resample()
    assert not np.array_equal(pts, pinn.points("operator_bc")["x"])
    with pytest.raises(ValueError, match="OperatorBC 'operator_bc': 1 of 1 points do not lie on the boundary"):
        pde.PINN(m, [pde.OperatorBC(lambda u1: u1, np.array([[0.5, 0.5]]))], domain=SQ)


def test_early_stopping_on_a_term_needs_no_mode():
    dom = pde.Interval(0, 1)
    pinn = pde.PINN(net(1), [pde.PDEResidual(lambda u_x: u_x - 1.0, dom, num_points=8), pde.DirichletBC(dom, 0.0, num_points=2)], domain=dom)
    pinn.compile("adam")
    es = keras.callbacks.EarlyStopping(monitor="pde", patience=1)
    pinn.fit(epochs=2, steps_per_epoch=2, verbose=0, callbacks=[es])
    assert es.mode == "min"
    x = np.linspace(0, 1, 5)[:, None]
    es2 = keras.callbacks.EarlyStopping(monitor="val_rel_l2", patience=1)
    pinn.fit(epochs=2, steps_per_epoch=2, verbose=0, callbacks=[es2], validation_data=(x, x))
    assert es2.mode == "min"
