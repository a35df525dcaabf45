"""The TensorFlow L-BFGS engine (kextras_sci.pde.lbfgs_tf, line_search) against SciPy's L-BFGS-B."""

import numpy as np
import pytest
import scipy.optimize
import tensorflow as tf

from kextras_sci.pde import lbfgs_tf
from kextras_sci.pde.lbfgs_tf import TFLBFGS, two_loop
from kextras_sci.pde.line_search import cubic_minimizer, strong_wolfe

C1, C2 = 1e-4, 0.9


def rosen(theta):
    with tf.GradientTape() as tape:
        tape.watch(theta)
        f = tf.reduce_sum(100.0 * (theta[1:] - theta[:-1] ** 2) ** 2 + (1.0 - theta[:-1]) ** 2)
    return f, tape.gradient(f, theta), tf.reshape(f, [1])


def quadratic(n=20, seed=0, cond=100.0):
    """``f = x^T A x / 2 - b^T x`` with a random SPD ``A`` (eigenvalues 1..cond); minimum ``A^-1 b``."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = q @ np.diag(np.geomspace(1.0, cond, n)) @ q.T
    b = rng.standard_normal(n)

    def evaluate(theta):
        at, bt = tf.constant(a, theta.dtype), tf.constant(b, theta.dtype)
        g = tf.linalg.matvec(at, theta) - bt
        f = 0.5 * tf.tensordot(theta, g - bt, 1)
        return f, g, tf.reshape(f, [1])

    return evaluate, a, b


def run_to_end(engine, maxiter=1000, maxfun=2000):
    status, rows = engine.start(), []
    while status == lbfgs_tf.RUNNING:
        chunk, status = engine.run(engine.chunk, maxiter, maxfun)
        rows.extend(chunk)
    return status, np.array(rows)


def test_two_loop_matches_the_bfgs_inverse_hessian_product():
    """H g from the two-loop recursion equals the explicit BFGS inverse update (N&W eq. 7.19)."""
    rng = np.random.default_rng(1)
    n, m, count, head = 6, 4, 3, 1  # a circular buffer: the 3 newest pairs sit at rows 2, 3, 0
    s, y = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    y = y + 3.0 * s  # y.s > 0
    rho = 1.0 / np.einsum("ij,ij->i", s, y)
    g, gamma = rng.standard_normal(n), 0.7
    h = gamma * np.eye(n)
    for i in (2, 3, 0):  # oldest first
        v = np.eye(n) - rho[i] * np.outer(y[i], s[i])
        h = v.T @ h @ v + rho[i] * np.outer(s[i], s[i])
    got = two_loop(tf.constant(g), tf.constant(s), tf.constant(y), tf.constant(rho), tf.constant(head),
                   tf.constant(count), tf.constant(gamma, tf.float64))
    np.testing.assert_allclose(got.numpy(), h @ g, rtol=1e-12)


def test_cubic_minimizer_is_exact_on_a_cubic():
    c = lambda a: (a - 0.3) ** 2 * (a + 2.0)  # noqa: E731  local minimum at a = 0.3
    dc = lambda a: 2 * (a - 0.3) * (a + 2.0) + (a - 0.3) ** 2  # noqa: E731
    args = [tf.constant(v, tf.float64) for v in (0.0, c(0.0), dc(0.0), 1.0, c(1.0), dc(1.0), -5.0, 5.0)]
    assert float(cubic_minimizer(*args)) == pytest.approx(0.3, abs=1e-12)
    args[-1] = tf.constant(0.2, tf.float64)  # clipped into the bounds
    assert float(cubic_minimizer(*args)) == pytest.approx(0.2)


@pytest.mark.parametrize("seed", range(4))
def test_line_search_returns_strong_wolfe_steps(seed):
    """Every step flagged ``wolfe`` satisfies both strong Wolfe conditions (checked with NumPy)."""
    rng = np.random.default_rng(seed)
    n = 8
    x = tf.constant(rng.uniform(-2, 2, n))
    f0, g0, t0 = rosen(x)
    inf = tf.fill([n], tf.constant(np.inf, tf.float64))
    ls_fn = tf.function(lambda p, a1: strong_wolfe(rosen, x, f0, g0, t0, p, a1, np.inf, 50, -inf, inf))
    for p in (-g0, -g0 / tf.norm(g0), -g0 * rng.uniform(0.1, 2.0, n)):  # steep, unit, scaled directions
        out = ls_fn(p, tf.constant(1.0, tf.float64))
        assert bool(out["ok"]) and bool(out["wolfe"])
        a = float(out["step"])
        f_np = scipy.optimize.rosen(x.numpy() + a * p.numpy())
        d_np = scipy.optimize.rosen_der(x.numpy() + a * p.numpy()) @ p.numpy()
        d0 = float(tf.tensordot(g0, p, 1))
        assert f_np <= float(f0) + C1 * a * d0
        assert abs(d_np) <= C2 * abs(d0) * (1 + 1e-12)
        np.testing.assert_allclose(float(out["f"]), f_np, rtol=1e-12)


def test_line_search_caps_the_step_at_the_box():
    evaluate, _, _ = quadratic(n=3)
    x = tf.zeros([3], tf.float64)
    f0, g0, t0 = evaluate(x)
    lower = tf.fill([3], tf.constant(-0.01, tf.float64))
    upper = -lower
    p = -g0
    a_max = float(tf.reduce_min(tf.abs(0.01 / p)))
    out = strong_wolfe(evaluate, x, f0, g0, t0, p, 1.0, a_max, 50, lower, upper)
    assert bool(out["ok"]) and float(out["step"]) == pytest.approx(a_max)
    assert np.max(np.abs(out["x"].numpy())) == pytest.approx(0.01)  # on the bound, not past it


@pytest.mark.parametrize("n", [2, 10])
def test_rosenbrock_same_minimum_and_comparable_iterations_as_scipy(n):
    x0 = np.tile([-1.2, 1.0], n // 2)
    engine = TFLBFGS(rosen, x0, num_terms=1, maxcor=10, gtol=1e-6, chunk=25, jit_compile=False)
    status, rows = run_to_end(engine)
    ref = scipy.optimize.minimize(scipy.optimize.rosen, x0, jac=scipy.optimize.rosen_der, method="L-BFGS-B",
                                  options={"maxcor": 10, "gtol": 1e-6, "ftol": 0.0, "maxiter": 1000})
    assert status == lbfgs_tf.GTOL and ref.success
    np.testing.assert_allclose(engine.x.numpy(), np.ones(n), atol=1e-5)
    np.testing.assert_allclose(ref.x, np.ones(n), atol=1e-5)
    its = int(engine.iterations.numpy())
    assert len(rows) == its and 0.5 * ref.nit <= its <= 1.5 * ref.nit + 5
    assert int(engine.nfev.numpy()) <= 1.5 * ref.nfev + 5
    assert np.all(np.diff(rows[:, 0]) < 0)  # sufficient decrease on every iteration
    assert np.all(np.diff(rows[:, -1]) >= 1)  # cumulative evaluations


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_convex_quadratic_reaches_the_solution(dtype):
    evaluate, a, b = quadratic(n=30, cond=1e2)
    x_star = np.linalg.solve(a, b)
    gtol = 1e-7 if dtype == np.float64 else 1e-3
    engine = TFLBFGS(evaluate, np.zeros(30, dtype), num_terms=1, maxcor=10, gtol=gtol, chunk=25, jit_compile=True)
    status, _ = run_to_end(engine)
    assert engine.x.dtype == dtype
    ref = scipy.optimize.minimize(lambda v: (0.5 * v @ a @ v - b @ v, a @ v - b), np.zeros(30), jac=True,
                                  method="L-BFGS-B", options={"maxcor": 10, "gtol": 1e-7, "ftol": 0.0})
    if dtype == np.float64:
        assert status == lbfgs_tf.GTOL and ref.success
        np.testing.assert_allclose(engine.x.numpy(), x_star, rtol=1e-6, atol=1e-7)
        assert 0.5 * ref.nit <= int(engine.iterations.numpy()) <= 1.5 * ref.nit + 5
    else:
        assert status in (lbfgs_tf.GTOL, lbfgs_tf.ABNORMAL)  # float32 may end on rounding
        np.testing.assert_allclose(engine.x.numpy(), x_star, rtol=1e-3, atol=1e-3)


def test_bounds_are_respected_and_match_scipy():
    """Rosenbrock in the box [-2, 0.8]^4 (the minimum (1, ...) lies outside)."""
    x0 = np.array([-1.2, 1.0, -1.2, 0.5]).clip(-2, 0.8)
    lo, hi = np.full(4, -2.0), np.full(4, 0.8)
    engine = TFLBFGS(rosen, x0, lo, hi, num_terms=1, maxcor=10, gtol=1e-7, chunk=1, jit_compile=False)
    status = engine.start()
    while status == lbfgs_tf.RUNNING:
        _, status = engine.run(1, 2000, 4000)
        x = engine.x.numpy()
        assert np.all(x >= lo) and np.all(x <= hi)  # every iterate
    ref = scipy.optimize.minimize(scipy.optimize.rosen, x0, jac=scipy.optimize.rosen_der, method="L-BFGS-B",
                                  bounds=list(zip(lo, hi)), options={"gtol": 1e-7, "ftol": 0.0})
    assert status in lbfgs_tf.SUCCESS
    np.testing.assert_allclose(engine.x.numpy(), ref.x, atol=1e-5)
    assert float(engine.f.numpy()) == pytest.approx(ref.fun, rel=1e-8)


def test_stopping_rules_maxiter_maxfun_ftol_and_gtol_at_the_start():
    x0 = np.array([-1.2, 1.0])
    engine = TFLBFGS(rosen, x0, num_terms=1, maxcor=5, gtol=0.0, chunk=10, jit_compile=False)
    assert run_to_end(engine, maxiter=7)[0] == lbfgs_tf.MAXITER and int(engine.iterations.numpy()) == 7
    engine = TFLBFGS(rosen, x0, num_terms=1, maxcor=5, gtol=0.0, chunk=10, jit_compile=False)
    status, rows = run_to_end(engine, maxfun=9)
    assert status == lbfgs_tf.MAXFUN and rows[-1, -1] > 9 and rows[-2, -1] <= 9  # stops after the iteration passing it
    engine = TFLBFGS(rosen, x0, num_terms=1, maxcor=5, gtol=0.0, ftol=1e-2, chunk=10, jit_compile=False)
    status, rows = run_to_end(engine)
    red = (rows[-2, 0] - rows[-1, 0]) / max(abs(rows[-2, 0]), abs(rows[-1, 0]), 1.0)
    assert status == lbfgs_tf.FTOL and red <= 1e-2
    engine = TFLBFGS(rosen, np.ones(2), num_terms=1, gtol=1e-8, jit_compile=False)
    assert engine.start() == lbfgs_tf.GTOL  # already optimal: no iteration


def test_non_finite_trial_point_stops_at_the_last_accepted_point():
    def evaluate(theta):  # minimum at 3 but NaN beyond 2: the first trial from 0 (step 1/|g| * 6) hits it
        f = tf.where(theta[0] < 2.0, (theta[0] - 3.0) ** 2, np.nan)
        return f, tf.reshape(2.0 * (theta[0] - 3.0), [1]), tf.reshape(f, [1])

    engine = TFLBFGS(evaluate, np.array([0.0]), num_terms=1, maxcor=3, chunk=5, jit_compile=False)
    status, _ = run_to_end(engine)
    assert status == lbfgs_tf.NONFINITE
    assert float(engine.x.numpy()[0]) < 2.0 and np.isfinite(float(engine.f.numpy()))
    assert np.isnan(engine.bad_terms.numpy()[0])
