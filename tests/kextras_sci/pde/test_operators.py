"""Operators against analytic derivatives, in float64."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from kextras_sci.pde import operators as op


def field(x):
    """u0 = sin(a) exp(b) c, u1 = a^3 b^2 + c; coordinates (a, b, c)."""
    a, b, c = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    return tf.concat([tf.sin(a) * tf.exp(b) * c, a**3 * b**2 + c], axis=1)


def analytic(x):
    a, b, c = x[:, 0], x[:, 1], x[:, 2]
    s, co, e = np.sin(a), np.cos(a), np.exp(b)
    jac = np.stack(
        [
            np.stack([co * e * c, s * e * c, s * e], 1),
            np.stack([3 * a**2 * b**2, 2 * a**3 * b, np.ones_like(a)], 1),
        ],
        1,
    )
    h0 = np.stack(
        [
            np.stack([-s * e * c, co * e * c, co * e], 1),
            np.stack([co * e * c, s * e * c, s * e], 1),
            np.stack([co * e, s * e, np.zeros_like(a)], 1),
        ],
        1,
    )
    h1 = np.stack(
        [
            np.stack([6 * a * b**2, 6 * a**2 * b, 0 * a], 1),
            np.stack([6 * a**2 * b, 2 * a**3, 0 * a], 1),
            np.zeros((len(a), 3)),
        ],
        1,
    )
    return jac, h0, h1


@pytest.fixture
def x():
    return tf.constant(np.random.default_rng(0).uniform(-1.5, 1.5, (7, 3)))


def test_gradient_jacobian_hessian(x):
    jac, h0, h1 = analytic(x.numpy())
    np.testing.assert_allclose(op.gradient(field, x, 0).numpy(), jac[:, 0], rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(op.gradient(field, x, component=1).numpy(), jac[:, 1], rtol=1e-13, atol=1e-13)
    for mode in ("reverse", "forward", "auto"):
        np.testing.assert_allclose(op.jacobian(field, x, mode=mode).numpy(), jac, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(op.hessian(field, x, 0).numpy(), h0, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(op.hessian(field, x, 1).numpy(), h1, rtol=1e-13, atol=1e-13)


def test_laplacian_divergence(x):
    _, h0, h1 = analytic(x.numpy())
    np.testing.assert_allclose(op.laplacian(field, x, 0).numpy()[:, 0], np.trace(h0, axis1=1, axis2=2), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(op.laplacian(field, x, 1).numpy()[:, 0], np.trace(h1, axis1=1, axis2=2), rtol=1e-13, atol=1e-13)
    # div of (x0 x1, x1^2, sin x2) = x1 + 2 x1 + cos x2
    f = lambda p: tf.stack([p[:, 0] * p[:, 1], p[:, 1] ** 2, tf.sin(p[:, 2])], 1)  # noqa: E731
    xn = x.numpy()
    np.testing.assert_allclose(op.divergence(f, x).numpy()[:, 0], 3 * xn[:, 1] + np.cos(xn[:, 2]), rtol=1e-13)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_higher_order_and_mixed(x, mode):
    a, b, c = (x.numpy()[:, i] for i in range(3))
    cases = {
        (0, 0, 0): (0, -np.cos(a) * np.exp(b) * c),
        (1, 0, 0): (0, -np.sin(a) * np.exp(b) * c),
        (0, 1): (0, np.cos(a) * np.exp(b) * c),
        (0, 0, 1, 1): (1, 12 * a),
        (2,): (1, np.ones_like(a)),
        (): (1, a**3 * b**2 + c),
    }
    for orders, (comp, want) in cases.items():
        if mode == "forward" and len(orders) > 2:
            continue
        got = op.derivative(field, x, orders, component=comp, mode=mode).numpy()
        assert got.shape == (7, 1)
        np.testing.assert_allclose(got[:, 0], want, rtol=1e-12, atol=1e-12, err_msg=str(orders))


def test_derivatives_one_pass_matches_single_calls(x):
    calls = []

    def counted(p):
        calls.append(1)
        return field(p)

    reqs = [(0, ()), (0, (0,)), (0, (1,)), (0, (0, 0)), (1, (0, 1)), (1, (1, 0))]
    y, out = op.derivatives(counted, x, reqs)
    assert len(calls) == 1  # one forward pass for everything
    np.testing.assert_allclose(y.numpy(), field(x).numpy())
    for comp, orders in reqs:
        key = (comp, tuple(sorted(orders)))
        np.testing.assert_allclose(out[key].numpy(), op.derivative(field, x, orders, comp).numpy(), rtol=1e-13)


def test_float32_and_1d_output():
    x = tf.constant([[0.5], [1.0]], tf.float32)
    got = op.derivative(lambda p: tf.sin(p[:, 0]), x, (0, 0))
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy()[:, 0], -np.sin([0.5, 1.0]), rtol=1e-6)


def test_unused_coordinate_gives_zero(x):
    got = op.derivative(lambda p: p[:, :1] ** 2, x, (1, 2))
    np.testing.assert_array_equal(got.numpy(), 0.0)


@settings(max_examples=10)
@given(
    st.lists(st.integers(0, 1), min_size=1, max_size=3),
    st.floats(-2, 2),
    st.floats(-2, 2),
)
def test_polynomial_derivatives_property(orders, a, b):
    # u = x0^4 x1^3: d/dx0^i dx1^j = (4!/(4-i)!) (3!/(3-j)!) x0^(4-i) x1^(3-j)
    from math import factorial

    x = tf.constant([[a, b]], tf.float64)
    i, j = orders.count(0), orders.count(1)
    want = factorial(4) / factorial(4 - i) * factorial(3) / factorial(3 - j) * a ** (4 - i) * b ** (3 - j)
    for mode in ("reverse", "forward") if len(orders) <= 2 else ("reverse",):
        got = op.derivative(lambda p: p[:, 0] ** 4 * p[:, 1] ** 3, x, tuple(orders), mode=mode).numpy()[0, 0]
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_errors(x):
    with pytest.raises(ValueError, match="`orders` must be in"):
        op.derivative(field, x, (3,))
    with pytest.raises(ValueError, match="`component` must be in"):
        op.derivative(field, x, (0,), component=2)
    with pytest.raises(ValueError, match=r"shape \[n, d\]"):
        op.gradient(field, tf.zeros((2, 3, 1), tf.float64))
    with pytest.raises(ValueError, match="floating point"):
        op.gradient(field, tf.zeros((2, 3), tf.int32))
    with pytest.raises(ValueError, match="up to order 2"):
        op.derivative(field, x, (0, 0, 0), mode="forward")
    with pytest.raises(ValueError, match="`mode` must be"):
        op.jacobian(field, x, mode="sideways")
    with pytest.raises(ValueError, match="one component per coordinate"):
        op.divergence(field, x)
    with pytest.raises(ValueError, match="shape \\[n\\] or \\[n, m\\]"):
        op.gradient(lambda p: tf.zeros((2, 2, 2), p.dtype), x)
