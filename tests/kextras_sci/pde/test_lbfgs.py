"""The L-BFGS bridge (kextras_sci.pde.lbfgs): flat weights, optimum, restarts, NaN handling."""

import keras
import numpy as np
import pytest
import scipy.optimize
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde import lbfgs_scipy as lbfgs_module
from kextras_sci.pde.lbfgs import FlatWeights

DOM = pde.Interval(-1.0, 1.0)


def linear_net(dtype="float64", seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, dtype=dtype)])


def fit_problem(dtype="float64", seed=0):
    """Least squares of a line through noisy data: the optimum is np.linalg.lstsq."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1, 1, 40)[:, None]
    y = 0.7 * x - 0.3 + 0.1 * rng.standard_normal(x.shape)
    pinn = pde.PINN(linear_net(dtype, seed), [pde.PointData(x, y)], domain=DOM)
    A = np.hstack([x, np.ones_like(x)])
    coef = np.linalg.lstsq(A, y, rcond=None)[0].ravel()
    return pinn, coef


def test_flat_weights_round_trip_and_bounds():
    a = tf.Variable(np.arange(6, dtype=np.float64).reshape(2, 3))
    holder = keras.layers.Layer()
    b = holder.add_weight(shape=(1,), initializer=keras.initializers.Constant(7.0), constraint=pde.layers.Bounds(-1.0, 2.0))
    fw = FlatWeights([a, b])
    assert fw.size == 7
    np.testing.assert_array_equal(fw.get(), np.arange(8, dtype=np.float64)[[0, 1, 2, 3, 4, 5, 7]])
    new = np.linspace(0.5, 3.5, 7)
    fw.assign(new)
    np.testing.assert_array_equal(a.numpy().ravel(), new[:6])
    np.testing.assert_allclose(np.asarray(b.numpy()), new[6:], rtol=1e-7)
    flat = fw.flatten([tf.ones((2, 3), tf.float64), None]).numpy()
    np.testing.assert_array_equal(flat, [1, 1, 1, 1, 1, 1, 0])
    assert fw.bounds() == [(None, None)] * 6 + [(-1.0, 2.0)]
    with pytest.raises(ValueError, match="`variables` must not be empty"):
        FlatWeights([])


def test_reaches_the_least_squares_optimum_float64():
    pinn, coef = fit_problem()
    result = pde.minimize_lbfgs(pinn, maxiter=100, gtol=1e-12, verbose=0)
    kernel, bias = (np.asarray(w).ravel() for w in pinn.net.layers[-1].get_weights())
    np.testing.assert_allclose([kernel[0], bias[0]], coef, rtol=1e-6, atol=1e-8)  # ~sqrt(eps): f is flat there
    total, _ = pinn.compute_terms()
    assert result.loss == pytest.approx(float(total), rel=1e-12)  # the model holds the reported weights
    assert result.iterations == len(result.history["loss"]) >= 1
    assert result.history["nfev"][-1] <= result.nfev


def test_best_weights_kept_when_scipy_returns_a_worse_point(monkeypatch):
    pinn, coef = fit_problem()
    real = scipy.optimize.minimize

    def worse(fun, x0, callback=None, **kw):
        res = real(fun, x0, callback=callback, **kw)
        res.x = x0 + 10.0  # a much worse point than every iterate
        res.fun = float(fun(res.x)[0])
        return res

    monkeypatch.setattr(lbfgs_module.scipy.optimize, "minimize", worse)
    result = pde.minimize_lbfgs(pinn, maxiter=50, gtol=1e-12, verbose=0)
    np.testing.assert_allclose(result.loss, min(result.history["loss"]), rtol=1e-12)
    kernel, bias = (np.asarray(w).ravel() for w in pinn.net.layers[-1].get_weights())
    np.testing.assert_allclose([kernel[0], bias[0]], coef, rtol=1e-6, atol=1e-8)


def test_restarts_after_line_search_failures(monkeypatch):
    """A fake SciPy that reports a line-search failure after 2 iterations of every round."""
    pinn, _ = fit_problem(seed=3)
    real = scipy.optimize.minimize
    rounds = []

    def failing(fun, x0, options=None, **kw):
        rounds.append(dict(options))
        opts = dict(options, maxiter=min(2, options["maxiter"]))
        res = real(fun, x0, options=opts, **kw)
        if res.nit >= 2:
            res.message = "ABNORMAL: "
            res.success = False
        return res

    monkeypatch.setattr(lbfgs_module.scipy.optimize, "minimize", failing)
    result = pde.minimize_lbfgs(pinn, maxiter=7, maxfun=100, gtol=0.0, restarts=10, verbose=0)
    # rounds of 2 + 2 + 2 + 1 iterations: the budget, not the restarts, ends the stage
    assert [r["maxiter"] for r in rounds] == [7, 5, 3, 1]
    assert result.iterations == 7 and result.restarts == 3
    assert all(r["maxfun"] >= 1 for r in rounds)
    assert np.all(np.diff(result.history["loss"]) <= 1e-15)

    rounds.clear()
    pinn, _ = fit_problem(seed=3)
    result = pde.minimize_lbfgs(pinn, maxiter=7, maxfun=100, gtol=0.0, restarts=1, verbose=0)
    assert len(rounds) == 2 and result.restarts == 1 and result.iterations == 4
    assert result.message.startswith("ABNORMAL")

    rounds.clear()
    pinn, _ = fit_problem(seed=3)
    result = pde.minimize_lbfgs(pinn, maxiter=7, maxfun=5, gtol=0.0, restarts=10, verbose=0)
    assert result.nfev <= 5 + 3  # SciPy finishes the iteration it is in; no round starts past maxfun
    assert result.iterations < 7

    rounds.clear()
    pinn, _ = fit_problem(seed=3)
    result = pde.minimize_lbfgs(pinn, maxiter=7, gtol=0.0, verbose=0)  # default: no restart
    assert len(rounds) == 1 and result.restarts == 0 and result.iterations == 2


def test_non_finite_loss_leaves_the_best_weights(monkeypatch):
    pinn, _ = fit_problem(seed=1)
    calls = {"n": 0}
    real = scipy.optimize.minimize

    def poisoned(fun, x, callback=None, **kw):
        def f(theta):
            calls["n"] += 1
            if calls["n"] == 3:
                theta = theta + np.nan  # a trial point where the loss is NaN
            return fun(theta)

        return real(f, x, callback=callback, **kw)

    monkeypatch.setattr(lbfgs_module.scipy.optimize, "minimize", poisoned)
    with pytest.raises(FloatingPointError, match=r"L-BFGS stopped at evaluation 3: loss term 'data'"):
        pde.minimize_lbfgs(pinn, maxiter=20, verbose=0)
    for w in pinn.net.get_weights():
        assert np.all(np.isfinite(w))
    # the weights are one of the evaluated, finite points (here still the start or the first iterate)
    total, _ = pinn.compute_terms()
    assert np.isfinite(float(total))


def test_float32_network_and_argument_errors():
    pinn, coef = fit_problem(dtype="float32")
    result = pde.minimize_lbfgs(pinn, maxiter=50, restarts=2, verbose=0)
    kernel, bias = (np.asarray(w).ravel() for w in pinn.net.layers[-1].get_weights())
    np.testing.assert_allclose([kernel[0], bias[0]], coef, rtol=1e-4, atol=1e-5)
    assert result.restarts <= 2
    with pytest.raises(ValueError, match=r"`restarts` must be a non-negative integer. Received: restarts=-1"):
        pde.minimize_lbfgs(pinn, restarts=-1)
    with pytest.raises(ValueError, match=r"`maxcor` must be a positive integer. Received: maxcor=0"):
        pde.minimize_lbfgs(pinn, maxcor=0)
