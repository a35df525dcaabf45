"""TimeMarching: exact chained initial conditions, dispatch, warm start, an analytic ODE."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde.marching import LocalTime, TimeMarching, WindowTransform


def _geom(t1=1.0):
    return pde.SpaceTime(pde.Interval(0.0, 1.0), pde.TimeInterval(0.0, t1))


def _net(units=8, dtype=None):
    return keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(units, "tanh", dtype=dtype), keras.layers.Dense(1, dtype=dtype)]
    )


def _decay(u, u_t):  # u_t = -u
    return u_t + u


def _initial(x):  # u(x, 0) = 1 + x
    return 1.0 + x[:, :1]


def _march(windows=3, t1=1.0, **kwargs):
    kwargs.setdefault("build_net", lambda k: _net())
    return TimeMarching(
        _geom(t1),
        windows,
        build_conditions=lambda w, k: [pde.PDEResidual(_decay, w, num_points=64)],
        initial=_initial,
        **kwargs,
    )


def _untrained(march):
    return march.fit(train_fn=lambda pinn, k: None)


def _grid(t):
    x = np.linspace(0.0, 1.0, 7)
    return np.stack([x, np.full_like(x, t)], axis=1)


def test_boundaries_and_window_domains():
    m = _march(windows=4)
    np.testing.assert_allclose(m.boundaries, [0.0, 0.25, 0.5, 0.75, 1.0])
    assert m.num_windows == 4
    w = m.window_domain(2)
    assert (w.time.t0, w.time.t1) == (0.5, 0.75)
    m2 = _march(windows=[0.0, 0.1, 1.0])
    np.testing.assert_allclose(m2.boundaries, [0.0, 0.1, 1.0])


@pytest.fixture(scope="module")
def three():
    return _untrained(_march(windows=3))


def test_initial_condition_exact_and_chain_continuous(three):
    m = three
    assert len(m.pinns) == 3
    x0 = _grid(0.0)
    np.testing.assert_allclose(m.pinns[0](x0).numpy(), 1.0 + x0[:, :1], rtol=0, atol=1e-6)
    for k in (1, 2):
        xb = _grid(m.boundaries[k])
        prev = m.pinns[k - 1](xb).numpy()
        here = m.pinns[k](xb).numpy()
        np.testing.assert_allclose(here, prev, rtol=0, atol=1e-6)
        # random nets: the solution really changes inside a window
        assert np.abs(prev - (1.0 + xb[:, :1])).max() > 1e-3
        # the chain carries the spatial derivatives too (what the PDE residual sees)
        req = [(0, (0,)), (0, (0, 0))]
        _, d_prev = pde.derivatives(m.pinns[k - 1], tf.constant(xb, tf.float32), req)
        _, d_here = pde.derivatives(m.pinns[k], tf.constant(xb, tf.float32), req)
        for key in d_prev:
            np.testing.assert_allclose(d_here[key].numpy(), d_prev[key].numpy(), rtol=1e-4, atol=1e-5)


def test_predict_dispatches_to_the_window_of_each_time(three):
    m = three
    ts = np.array([0.0, 0.2, 1 / 3, 0.5, 0.9, 1.0])
    pts = np.stack([np.linspace(0.1, 0.9, ts.size), ts], axis=1)
    got = m.predict(pts)
    for i, t in enumerate(ts):
        k = min(int(np.searchsorted(m.boundaries, t, side="right")) - 1, 2)
        np.testing.assert_allclose(got[i], m.pinns[k](pts[i : i + 1]).numpy()[0], rtol=1e-5, atol=1e-6)


def test_network_sees_local_time_and_warm_start_copies_weights():
    m = _untrained(_march(windows=2))
    for a, b in zip(m.pinns[0].net.net.get_weights(), m.pinns[1].net.net.get_weights()):
        np.testing.assert_array_equal(a, b)
    # identical weights and local time: N_1(x, t) = N_0(x, t - 1/2)
    x = np.array([[0.3, 0.6], [0.8, 0.9]], np.float32)
    np.testing.assert_allclose(
        m.pinns[1].net(x).numpy(), m.pinns[0].net(x - np.array([0.0, 0.5], np.float32)).numpy(), rtol=1e-6
    )
    cold = _untrained(_march(windows=2, warm_start=False))
    w0, w1 = cold.pinns[0].net.net.get_weights()[0], cold.pinns[1].net.net.get_weights()[0]
    assert not np.allclose(w0, w1)


def test_frozen_previous_windows_are_not_trained():
    m = _march(windows=2)
    m.fit(train_fn=lambda pinn, k: None, windows=1)
    before = [w.copy() for w in m.pinns[0].get_weights()]
    m.fit(epochs=1, steps_per_epoch=5)
    assert len(m.pinns) == 2
    assert len(m.pinns[1].trainable_weights) == len(m.pinns[1].net.net.trainable_weights)
    for a, b in zip(before, m.pinns[0].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_layers_formulas():
    x = tf.constant([[0.2, 0.5], [0.7, 0.75]])
    y = tf.constant([[2.0], [4.0]])
    out = WindowTransform(lambda p: 3.0 * p[:, :1], 0.5, 1.0)([x, y]).numpy()
    np.testing.assert_allclose(out, [[0.6 + 0.0 * 2.0], [2.1 + 0.25 * 4.0]], rtol=1e-6)
    lt = LocalTime(keras.layers.Identity(), 0.5, 1.0)
    np.testing.assert_allclose(lt(x).numpy(), [[0.2, 0.0], [0.7, 0.5]], rtol=1e-6)


def test_float64_networks():
    m = _untrained(_march(windows=2, build_net=lambda k: _net(dtype="float64")))
    assert m.pinns[1].compute_dtype == "float64"
    x = np.array([[0.25, 0.0]])
    np.testing.assert_allclose(m.predict(x), [[1.25]], rtol=0, atol=1e-14)


def test_linear_ode_matches_the_analytic_solution():
    # u_t = -u, u(x, 0) = 1 + x: u = (1 + x) exp(-t); three windows on [0, 1.5]
    keras.utils.set_random_seed(0)

    def train(pinn, k):
        return pde.minimize_lbfgs(pinn, maxiter=150, verbose=0)

    m = _march(windows=3, t1=1.5, build_net=lambda k: _net(16, "float64"))
    m.fit(train_fn=train)
    xs, ts = np.meshgrid(np.linspace(0, 1, 11), np.linspace(0, 1.5, 31))
    pts = np.stack([xs.ravel(), ts.ravel()], axis=1)
    exact = (1 + pts[:, :1]) * np.exp(-pts[:, 1:])
    err = m.relative_l2_error(pts, exact)
    assert err < 1e-3, err
    assert len(m.seconds) == 3 and all(s >= 0 for s in m.seconds)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"windows": 0}, "`windows` must be a positive integer"),
        ({"windows": [0.0, 0.5]}, "must start at t0=0.0 and end at t1=1.0"),
        ({"windows": [0.0, 0.6, 0.5, 1.0]}, "increasing sequence"),
        ({"windows": "two"}, "`windows` must be"),
        ({"windows": 2, "pinn_kwargs": {"output_transform": None}}, "must not set `output_transform`"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _march(**kwargs)


def test_bad_domain_and_predict_errors():
    with pytest.raises(ValueError, match="`domain` must be a SpaceTime"):
        TimeMarching(pde.Interval(0, 1), 2, lambda k: _net(), lambda w, k: [], _initial)
    with pytest.raises(ValueError, match="`build_net` must be callable"):
        TimeMarching(_geom(), 2, None, lambda w, k: [], _initial)
    m = _march(windows=2)
    with pytest.raises(ValueError, match="No window is trained yet"):
        m.predict(_grid(0.0))
    m.fit(train_fn=lambda pinn, k: None, windows=1)
    with pytest.raises(ValueError, match="outside the trained span"):
        m.predict(_grid(0.75))
    with pytest.raises(ValueError, match=r"`x` must have shape \[n, 2\]"):
        m.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="must be built in order: the next window is 1"):
        m.build_window(0)
