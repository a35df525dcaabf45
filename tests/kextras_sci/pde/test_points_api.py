"""The public points / residual API of PINN (condition, points, set_points,
condition_residual, pointwise_residuals), checked against closed-form residuals of a
linear network."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde import balancing as bal

A, B, C = 0.7, -1.3, 0.4  # u(x, t) = A x + B t + C


def make_pinn(n=16, sa=False):
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    net.layers[-1].set_weights([np.array([[A], [B]]), np.array([C])])
    geom = pde.SpaceTime(pde.Interval(-1.0, 1.0), pde.TimeInterval(0.0, 1.0))
    res = pde.PDEResidual(lambda u, u_t, u_x: u_t + u * u_x, geom, num_points=n, include_boundary=False)
    if sa:
        res = bal.SelfAdaptiveWeights(res)
    bc = pde.DirichletBC(geom, lambda x: x[:, :1] ** 2, num_points=6, name="bc")
    pinn = pde.PINN(net, [res, bc], domain=geom)
    pinn.compile(keras.optimizers.SGD(0.0), steps_per_execution=1)  # lr 0: the network stays fixed
    return pinn, res, bc


def burgers_residual(x):
    """u_t + u u_x for u = A x + B t + C (NumPy, independent of the code under test)."""
    u = A * x[:, 0] + B * x[:, 1] + C
    return (B + u * A)[:, None]


def test_condition_lookup_by_name_and_object():
    pinn, res, bc = make_pinn()
    assert pinn.condition("pde") is res and pinn.condition(bc) is bc
    assert pinn.num_points("pde") == 16 and pinn.num_points(bc) == 6
    with pytest.raises(ValueError, match=r"`condition` must name a term of the PINN. Received: condition='nope'"):
        pinn.condition("nope")
    other = pde.DirichletBC(pde.Interval(0.0, 1.0), 0.0, num_points=2)
    with pytest.raises(ValueError, match=r"one of the PINN's conditions"):
        pinn.points(other)


def test_points_returns_copies_and_targets():
    pinn, _, _ = make_pinn()
    arrays = pinn.points("bc")
    assert set(arrays) == {"x", "y"} and arrays["x"].shape == (6, 2) and arrays["y"].shape == (6, 1)
    np.testing.assert_allclose(arrays["y"][:, 0], arrays["x"][:, 0] ** 2, rtol=1e-14)
    arrays["x"][:] = 99.0  # a copy: the model is unchanged
    assert not np.any(pinn.points("bc")["x"] == 99.0)
    np.testing.assert_array_equal(pinn.collocation_points("pde"), pinn.points("pde")["x"])


def test_condition_residual_matches_the_formula():
    pinn, res, _ = make_pinn()
    x = pinn.points("pde")["x"]
    r = pinn.condition_residual("pde")
    assert isinstance(r, tf.Tensor) and r.shape == (16, 1)
    np.testing.assert_allclose(r.numpy(), burgers_residual(x), rtol=1e-12)
    xn = np.array([[0.5, 0.25], [-0.9, 0.75]])
    np.testing.assert_allclose(pinn.condition_residual(res, xn).numpy(), burgers_residual(xn), rtol=1e-12)
    # boundary term with explicit targets: u(x) - y
    y = np.array([[1.0], [2.0]])
    got = pinn.condition_residual("bc", {"x": xn, "y": y}).numpy()
    np.testing.assert_allclose(got, (A * xn[:, :1] + B * xn[:, 1:] + C) - y, rtol=1e-12)


def test_condition_residual_is_differentiable_inside_tf_function():
    pinn, _, _ = make_pinn()
    kernel = pinn.net.layers[-1].kernel

    @tf.function
    def grad():
        with tf.GradientTape() as tape:
            r = pinn.condition_residual("pde")
            loss = tf.reduce_mean(tf.square(r))
        return tape.gradient(loss, kernel.value)

    g = grad().numpy()
    # d/dA mean (B + A u)^2 with u = A x + B t + C: mean 2 r (u + A x); d/dB: mean 2 r (1 + A t)
    x = pinn.points("pde")["x"]
    r = burgers_residual(x)[:, 0]
    u = A * x[:, 0] + B * x[:, 1] + C
    expected = np.array([[np.mean(2 * r * (u + A * x[:, 0]))], [np.mean(2 * r * (1 + A * x[:, 1]))]])
    np.testing.assert_allclose(g, expected, rtol=1e-10)


def test_pointwise_residuals_in_batches():
    pinn, _, _ = make_pinn()
    x = np.random.default_rng(1).uniform([-1, 0], [1, 1], (1000, 2))
    r = pinn.pointwise_residuals("pde", x, batch_size=300)  # 4 batches, the last one short
    assert r.shape == (1000, 1)
    np.testing.assert_allclose(r, burgers_residual(x), rtol=1e-12)
    np.testing.assert_allclose(pinn.pointwise_residuals("pde"), burgers_residual(pinn.points("pde")["x"]), rtol=1e-12)
    with pytest.raises(ValueError, match=r"`batch_size` must be a positive integer. Received: batch_size=0"):
        pinn.pointwise_residuals("pde", x, batch_size=0)
    with pytest.raises(ValueError, match=r"`points` must be \[n, 2\]"):
        pinn.pointwise_residuals("pde", x[:, :1])


def test_set_points_is_used_by_training_without_recompiling():
    pinn, _, _ = make_pinn()
    pinn.fit(epochs=1, steps_per_epoch=1, verbose=0)
    train_function = pinn.train_function
    new = np.random.default_rng(2).uniform([-1, 0], [1, 1], (40, 2))  # more points than before
    pinn.set_points("pde", new)
    assert pinn.num_points("pde") == 40
    np.testing.assert_array_equal(pinn.points("pde")["x"], new)
    hist = pinn.fit(epochs=1, steps_per_epoch=1, verbose=0)
    assert pinn.train_function is train_function
    # (the logged metric is a float32 Mean)
    assert hist.history["pde"][0] == pytest.approx(np.mean(burgers_residual(new) ** 2), rel=1e-6)
    # conditions with targets take a dict
    xb = np.array([[-1.0, 0.5], [1.0, 0.2], [-1.0, 0.9]])
    yb = np.array([[0.0], [1.0], [2.0]])
    pinn.set_points("bc", {"x": xb, "y": yb})
    _, terms = pinn.compute_terms()
    ub = A * xb[:, :1] + B * xb[:, 1:] + C
    assert float(terms["bc"]) == pytest.approx(np.mean((ub - yb) ** 2), rel=1e-12)


@pytest.mark.parametrize(
    "cond, points, match",
    [
        ("bc", np.zeros((3, 2)), r"carries the arrays \['x', 'y'\]: pass `points` as a dict"),
        ("bc", {"x": np.zeros((3, 2))}, r"`points` must have the keys \['x', 'y'\]"),
        ("pde", np.zeros((3, 3)), r"`points\['x'\]` must have shape \[n, 2\] with n >= 1. Received: shape=\(3, 3\)"),
        ("pde", np.zeros((0, 2)), r"`points\['x'\]` must have shape \[n, 2\] with n >= 1"),
        ("bc", {"x": np.zeros((3, 2)), "y": np.zeros((2, 1))}, r"`points\['y'\]` must have shape \(3, 1\)"),
        ("pde", np.array([[0.0, np.nan]]), r"`points\['x'\]` must be finite"),
    ],
)
def test_set_points_bad_input(cond, points, match):
    pinn, _, _ = make_pinn()
    before = pinn.points(cond)
    with pytest.raises(ValueError, match=match):
        pinn.set_points(cond, points)
    for k, v in pinn.points(cond).items():
        np.testing.assert_array_equal(v, before[k])


def test_set_points_refused_by_self_adaptive_weights_when_the_count_changes():
    pinn, res, _ = make_pinn(sa=True)
    same = np.random.default_rng(3).uniform([-1, 0], [1, 1], (16, 2))
    pinn.set_points(res, same)  # same count: accepted
    np.testing.assert_array_equal(pinn.points("pde")["x"], same)
    with pytest.raises(ValueError, match=r"the number of points cannot change \(16 -> 20\)"):
        pinn.set_points(res, np.zeros((20, 2)))
