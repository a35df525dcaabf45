"""Shared parts of ``bench_pde_deepxde_examples.py`` (and its two follow-up scripts): the
cases' constants, reference solutions and test sets (the same for both sides), the error
measure and the reader of a run's JSON lines."""

from __future__ import annotations

import json

import numpy as np

LSHAPE = [[0, 0], [1, 0], [1, -1], [-1, -1], [-1, 1], [0, 1]]
LORENZ_C = (10.0, 15.0, 8.0 / 3.0)
K0, HOLE_R = 2 * np.pi, 0.25  # Helmholtz: wave number, radius of the hole


def lshape_reference(h=1.0 / 128):
    """Finite differences for -lap u = 1 on the L-shape, u = 0 on the boundary: (points, u)."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    g = np.arange(-1 + h, 1, h)
    X, Y = np.meshgrid(g, g, indexing="ij")
    inside = ~((X > -1e-12) & (Y > -1e-12))  # the L-shape removes the quadrant x > 0, y > 0
    idx = -np.ones(X.shape, dtype=int)
    idx[inside] = np.arange(inside.sum())
    rows, cols, vals = [], [], []
    for i, j in zip(*np.nonzero(inside)):
        k = idx[i, j]
        rows.append(k); cols.append(k); vals.append(4.0 / h**2)
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            a, b = i + di, j + dj
            if 0 <= a < len(g) and 0 <= b < len(g) and inside[a, b]:
                rows.append(k); cols.append(idx[a, b]); vals.append(-1.0 / h**2)
    A = sp.csr_matrix((vals, (rows, cols)))
    u = spla.spsolve(A, np.ones(A.shape[0]))
    return np.stack([X[inside], Y[inside]], 1), u[:, None]


def lorenz_data(n_obs=25):
    from scipy.integrate import solve_ivp

    c1, c2, c3 = LORENZ_C
    f = lambda t, s: [c1 * (s[1] - s[0]), s[0] * (c2 - s[2]) - s[1], s[0] * s[1] - c3 * s[2]]  # noqa: E731
    t = np.linspace(0, 3, n_obs)
    sol = solve_ivp(f, (0, 3), [-8.0, 7.0, 27.0], t_eval=t, rtol=1e-10, atol=1e-10)
    t_test = np.linspace(0, 3, 301)
    test = solve_ivp(f, (0, 3), [-8.0, 7.0, 27.0], t_eval=t_test, rtol=1e-10, atol=1e-10)
    return t[:, None], sol.y.T, t_test[:, None], test.y.T


def test_sets(case):
    """The test points and exact values, the same for both sides: (x, u)."""
    if case == "poisson_1d":
        x = np.linspace(-1, 1, 1000)[:, None]
        return x, np.sin(np.pi * x)
    if case == "poisson_lshape":
        return lshape_reference()
    if case == "helmholtz_hole":  # DeepXDE's example grid, 100 x 100 on the square, outside the hole
        g = np.linspace(-0.5, 0.5, 100)
        x = np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)
        x = x[np.linalg.norm(x, axis=1) > HOLE_R]
        return x, np.sin(K0 * x[:, :1]) * np.sin(K0 * x[:, 1:])
    if case == "diffusion":
        x = np.random.default_rng(123).uniform([-1, 0], [1, 1], (5000, 2))
        return x, np.exp(-x[:, 1:]) * np.sin(np.pi * x[:, :1])
    if case == "ode_system":
        t = np.linspace(0, 10, 1000)[:, None]
        return t, np.concatenate([np.sin(t), np.cos(t)], 1)
    return lorenz_data()


def rel(pred, ref):
    pred, ref = np.asarray(pred, np.float64).reshape(np.shape(ref)), np.asarray(ref, np.float64)
    return float(np.linalg.norm(pred - ref) / np.linalg.norm(ref))


def json_rows(path):
    """The result rows (JSON objects, one per line) of a benchmark run's output file."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]
