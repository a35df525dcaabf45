"""Six DeepXDE examples written with kextras (default sampling) and with DeepXDE, side by side.

Cases (DeepXDE's documented examples, same networks, point counts and optimizer
schedule on both sides; ``--quick`` cuts the schedule):

* ``poisson_1d``: -u'' = pi^2 sin(pi x) on [-1, 1], u(+-1) = 0; exact u = sin(pi x).
* ``poisson_lshape``: -lap u = 1 on the L-shape, u = 0 on its boundary; reference: a
  second-order finite-difference solution (h = 1/128, scipy sparse solve).
* ``helmholtz_hole``: -lap u - k0^2 u = f on [-1/2, 1/2]^2 minus the disk r = 1/4,
  k0 = 2 pi, Dirichlet u = 0 on the square (weight 100), Neumann du/dn = grad(u*).n on
  the circle (weight 10); exact u* = sin(k0 x) sin(k0 y); 3 x 350 sin network.
* ``diffusion``: u_t = u_xx - e^-t (sin(pi x) - pi^2 sin(pi x)) on [-1, 1] x [0, 1],
  u(x, 0) = sin(pi x), u(+-1, t) = 0; exact u = e^-t sin(pi x).
* ``ode_system``: y1' = y2, y2' = -y1 on [0, 10], y1(0) = 0, y2(0) = 1; exact (sin, cos).
* ``lorenz_inverse``: the Lorenz system on [0, 3] from x0 = (-8, 7, 27), observations of
  all three states at 25 times (scipy solve_ivp), unknown (C1, C2, C3) = (10, 15, 8/3)
  starting from 1; error = relative error of the identified parameters (and of the states).

Each case follows DeepXDE's example file (examples/pinn_forward/Poisson_Dirichlet_1d.py,
Poisson_Lshape.py, Helmholtz_Neumann_2d_hole.py, diffusion_1d.py, ode_system.py,
examples/pinn_inverse/Lorenz_inverse.py): network, activation, point counts, loss
weights, Adam lr 1e-3 and its steps, then L-BFGS (DeepXDE's defaults: maxcor 100, up to
15000 iterations) where the example has it. kextras sets only point counts (no sampling
method: its default, Hammersley, which is DeepXDE's default too).

Errors are relative L2 on the same test points for both sides (``test_sets``) against the
exact / reference solution. ``lines`` counts the non-blank, non-comment lines of each
side's case function without its ``def`` line, plus the helper it calls (``kx_net``: the
Keras network; ``dde_train``: DeepXDE's compile/train calls), i.e. the code a user writes:
imports, domain, conditions, network, training, prediction; the shared reference
solutions, test points and ``rel`` are counted for neither. Times are wall and process-CPU seconds of
that side's whole case (construction, training, prediction). One JSON line per (case, seed).

    DDE_BACKEND=pytorch python3 benchmarks/bench_pde_deepxde_examples.py --quick
    python3 benchmarks/bench_pde_deepxde_examples.py --cases ode_system,poisson_1d --seeds 0,1,2
    python3 benchmarks/bench_pde_deepxde_examples.py --cases ode_system --adam-steps 5000
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import sys
import time

os.environ["DDE_BACKEND"] = "pytorch"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

CASES = ("poisson_1d", "poisson_lshape", "helmholtz_hole", "diffusion", "ode_system", "lorenz_inverse")
# Adam steps (then L-BFGS iterations) per case: DeepXDE's examples, and the --quick cut
FULL = {"poisson_1d": (10000, 0), "poisson_lshape": (50000, 15000), "helmholtz_hole": (5000, 0),
        "diffusion": (10000, 0), "ode_system": (20000, 0), "lorenz_inverse": (20000, 15000)}
QUICK = {k: (1000, 100 if lb else 0) for k, (_, lb) in FULL.items()}
LSHAPE = [[0, 0], [1, 0], [1, -1], [-1, -1], [-1, 1], [0, 1]]
LORENZ_C = (10.0, 15.0, 8.0 / 3.0)
K0, HOLE_R = 2 * np.pi, 0.25  # Helmholtz: wave number, radius of the hole


# ------------------------------------------------------------------ references
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


# ------------------------------------------------------------------ kextras side
def kx_net(d, width, depth, m=1, act="tanh"):
    import keras

    return keras.Sequential([keras.Input((d,))] + [keras.layers.Dense(width, act) for _ in range(depth)]
                            + [keras.layers.Dense(m)])


def kx_poisson_1d(adam, lbfgs, seed, test):
    import keras, tensorflow as tf
    from kextras_sci import pde
    dom = pde.Interval(-1, 1)
    pinn = pde.PINN(kx_net(1, 50, 3), [
        pde.PDEResidual(lambda u_xx, x: -u_xx - np.pi**2 * tf.sin(np.pi * x), dom, num_points=16),
        pde.DirichletBC(dom, 0.0, num_points=2)], domain=dom, seed=seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=adam // 10, verbose=0)
    return rel(pinn.predict(test[0], verbose=0), test[1])


def kx_poisson_lshape(adam, lbfgs, seed, test):
    import keras
    from kextras_sci import pde
    dom = pde.Polygon(LSHAPE)
    pinn = pde.PINN(kx_net(2, 50, 4), [
        pde.PDEResidual(lambda u_xx, u_yy: -u_xx - u_yy - 1.0, dom, num_points=1200, num_boundary=120),
        pde.DirichletBC(dom, 0.0, num_points=120)], domain=dom, seed=seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=adam // 10, verbose=0)
    pde.minimize_lbfgs(pinn, maxiter=lbfgs, maxcor=100, verbose=0)
    return rel(pinn.predict(test[0], verbose=0), test[1])


def kx_helmholtz_hole(adam, lbfgs, seed, test):
    import keras, tensorflow as tf
    from kextras_sci import pde
    k0, r = K0, HOLE_R
    dom = pde.Rectangle([-0.5, -0.5], [0.5, 0.5]) - pde.Disk([0, 0], r)
    on_hole = lambda x: np.isclose(np.linalg.norm(x, axis=1), r)  # noqa: E731
    dudn = lambda x: k0 * (np.cos(k0 * x[:, :1]) * np.sin(k0 * x[:, 1:]) * x[:, :1]  # noqa: E731
                           + np.sin(k0 * x[:, :1]) * np.cos(k0 * x[:, 1:]) * x[:, 1:]) / -r
    pinn = pde.PINN(kx_net(2, 350, 3, act=tf.sin), [
        pde.PDEResidual(lambda u, u_xx, u_yy, x, y: -u_xx - u_yy - k0**2 * u
                        - k0**2 * tf.sin(k0 * x) * tf.sin(k0 * y), dom, num_points=225, num_boundary=240),
        pde.NeumannBC(dom, dudn, num_points=120, where=on_hole, weight=10),
        pde.DirichletBC(dom, 0.0, num_points=120, where=lambda x: ~on_hole(x), weight=100)], domain=dom, seed=seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=adam // 10, verbose=0)
    return rel(pinn.predict(test[0], verbose=0), test[1])


def kx_diffusion(adam, lbfgs, seed, test):
    import keras, tensorflow as tf
    from kextras_sci import pde
    geom = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))
    pinn = pde.PINN(kx_net(2, 32, 3), [
        pde.PDEResidual(lambda u_t, u_xx, x, t: u_t - u_xx + tf.exp(-t) * (tf.sin(np.pi * x)
                        - np.pi**2 * tf.sin(np.pi * x)), geom, num_points=40, num_boundary=30),
        pde.DirichletBC(geom, 0.0, num_points=20),
        pde.InitialCondition(geom, lambda x: np.sin(np.pi * x[:, :1]), num_points=10)], domain=geom, seed=seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=adam // 10, verbose=0)
    return rel(pinn.predict(test[0], verbose=0), test[1])


def kx_ode_system(adam, lbfgs, seed, test):
    import keras
    from kextras_sci import pde
    T = pde.TimeInterval(0, 10)
    pinn = pde.PINN(kx_net(1, 50, 3, m=2), [
        pde.PDEResidual(lambda u1, u2, u1_t, u2_t: [u1_t - u2, u2_t + u1], T, num_points=35),
        pde.InitialCondition(T, 0.0, component="u1"),
        pde.InitialCondition(T, 1.0, component="u2")], domain=T, seed=seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=adam // 10, verbose=0)
    return rel(pinn.predict(test[0], verbose=0), test[1])


def kx_lorenz_inverse(adam, lbfgs, seed, test):
    import keras
    from kextras_sci import pde
    t_obs, y_obs, t_test, y_test = test
    T = pde.TimeInterval(0, 3)
    pinn = pde.PINN(kx_net(1, 40, 3, m=3), [
        pde.PDEResidual(lambda u1, u2, u3, u1_t, u2_t, u3_t, C1, C2, C3: [
            u1_t - C1 * (u2 - u1), u2_t - u1 * (C2 - u3) + u2, u3_t - u1 * u2 + C3 * u3],
            T, num_points=400, anchors=t_obs),
        pde.InitialCondition(T, -8.0, component="u1", name="ic1"),
        pde.InitialCondition(T, 7.0, component="u2", name="ic2"),
        pde.InitialCondition(T, 27.0, component="u3", name="ic3"),
        pde.PointData(t_obs, y_obs)], domain=T, parameters={"C1": 1.0, "C2": 1.0, "C3": 1.0}, seed=seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=adam // 10, verbose=0)
    pde.minimize_lbfgs(pinn, maxiter=lbfgs, maxcor=100, verbose=0)
    c = np.array([pinn.parameters[k] for k in ("C1", "C2", "C3")])
    return rel(c, LORENZ_C), rel(pinn.predict(t_test, verbose=0), y_test), c.tolist()


# ------------------------------------------------------------------ DeepXDE side
def dde_train(model, adam, lbfgs, **kw):
    model.compile("adam", lr=1e-3, **kw)
    model.train(iterations=adam, display_every=max(adam, 1), verbose=0)
    if lbfgs:  # DeepXDE's default L-BFGS options (maxiter set by run() for a shorter schedule)
        model.compile("L-BFGS", **kw)
        model.train(verbose=0)


def dde_poisson_1d(adam, lbfgs, seed, test):
    import deepxde as dde
    geom = dde.geometry.Interval(-1, 1)

    def pde_fn(x, y):
        return -dde.grad.hessian(y, x) - np.pi**2 * dde.backend.sin(np.pi * x)

    bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda x, on_boundary: on_boundary)
    data = dde.data.PDE(geom, pde_fn, bc, 16, 2, num_test=100)
    model = dde.Model(data, dde.nn.FNN([1] + [50] * 3 + [1], "tanh", "Glorot uniform"))
    dde_train(model, adam, lbfgs)
    return rel(model.predict(np.float32(test[0])), test[1])


def dde_poisson_lshape(adam, lbfgs, seed, test):
    import deepxde as dde
    geom = dde.geometry.Polygon(LSHAPE)
    geom.random_boundary_points = lambda n, random="pseudo", f=geom.random_boundary_points: np.float32(f(n, random))  # DeepXDE 1.15 gives float64 here

    def pde_fn(x, y):
        return -dde.grad.hessian(y, x, i=0, j=0) - dde.grad.hessian(y, x, i=1, j=1) - 1

    bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda x, on_boundary: on_boundary)
    data = dde.data.PDE(geom, pde_fn, bc, num_domain=1200, num_boundary=120, num_test=1500)
    model = dde.Model(data, dde.nn.FNN([2] + [50] * 4 + [1], "tanh", "Glorot uniform"))
    dde_train(model, adam, lbfgs)
    return rel(model.predict(np.float32(test[0])), test[1])


def dde_helmholtz_hole(adam, lbfgs, seed, test):
    import deepxde as dde
    k0, r = K0, HOLE_R
    outer, hole = dde.geometry.Rectangle([-0.5, -0.5], [0.5, 0.5]), dde.geometry.Disk([0, 0], r)

    def pde_fn(x, y):
        lap = dde.grad.hessian(y, x, i=0, j=0) + dde.grad.hessian(y, x, i=1, j=1)
        f = k0**2 * dde.backend.sin(k0 * x[:, 0:1]) * dde.backend.sin(k0 * x[:, 1:2])
        return -lap - k0**2 * y - f

    def neumann(x):
        grad = np.concatenate([k0 * np.cos(k0 * x[:, :1]) * np.sin(k0 * x[:, 1:]),
                               k0 * np.sin(k0 * x[:, :1]) * np.cos(k0 * x[:, 1:])], 1)
        return np.sum(grad * -hole.boundary_normal(x), axis=1, keepdims=True)

    bc_h = dde.icbc.NeumannBC(outer - hole, neumann, lambda x, on_b: on_b and hole.on_boundary(x))
    bc_o = dde.icbc.DirichletBC(outer - hole, lambda x: 0, lambda x, on_b: on_b and outer.on_boundary(x))
    data = dde.data.PDE(outer - hole, pde_fn, [bc_h, bc_o], num_domain=225, num_boundary=240, num_test=900)
    model = dde.Model(data, dde.nn.FNN([2] + [350] * 3 + [1], "sin", "Glorot uniform"))
    dde_train(model, adam, lbfgs, loss_weights=[1, 10, 100])
    return rel(model.predict(np.float32(test[0])), test[1])


def dde_diffusion(adam, lbfgs, seed, test):
    import deepxde as dde
    geom = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))

    def pde_fn(x, y):
        dy_t = dde.grad.jacobian(y, x, i=0, j=1)
        dy_xx = dde.grad.hessian(y, x, i=0, j=0)
        s = dde.backend.sin(np.pi * x[:, 0:1])
        return dy_t - dy_xx + dde.backend.exp(-x[:, 1:]) * (s - np.pi**2 * s)

    bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda x, on_boundary: on_boundary)
    ic = dde.icbc.IC(geom, lambda x: np.sin(np.pi * x[:, 0:1]), lambda x, on_initial: on_initial)
    data = dde.data.TimePDE(geom, pde_fn, [bc, ic], num_domain=40, num_boundary=20, num_initial=10, num_test=1000)
    model = dde.Model(data, dde.nn.FNN([2] + [32] * 3 + [1], "tanh", "Glorot uniform"))
    dde_train(model, adam, lbfgs)
    return rel(model.predict(np.float32(test[0])), test[1])


def dde_ode_system(adam, lbfgs, seed, test):
    import deepxde as dde
    geom = dde.geometry.TimeDomain(0, 10)

    def ode(x, y):
        y1, y2 = y[:, 0:1], y[:, 1:]
        return [dde.grad.jacobian(y, x, i=0) - y2, dde.grad.jacobian(y, x, i=1) + y1]

    on_initial = lambda _, on_initial: on_initial  # noqa: E731
    ic1 = dde.icbc.IC(geom, lambda x: 0, on_initial, component=0)
    ic2 = dde.icbc.IC(geom, lambda x: 1, on_initial, component=1)
    data = dde.data.PDE(geom, ode, [ic1, ic2], 35, 2, num_test=100)
    model = dde.Model(data, dde.nn.FNN([1] + [50] * 3 + [2], "tanh", "Glorot uniform"))
    dde_train(model, adam, lbfgs)
    return rel(model.predict(np.float32(test[0])), test[1])


def dde_lorenz_inverse(adam, lbfgs, seed, test):
    import deepxde as dde
    t_obs, y_obs, t_test, y_test = test
    C1, C2, C3 = dde.Variable(1.0), dde.Variable(1.0), dde.Variable(1.0)
    geom = dde.geometry.TimeDomain(0, 3)

    def lorenz(x, y):
        y1, y2, y3 = y[:, 0:1], y[:, 1:2], y[:, 2:]
        return [dde.grad.jacobian(y, x, i=0) - C1 * (y2 - y1),
                dde.grad.jacobian(y, x, i=1) - y1 * (C2 - y3) + y2,
                dde.grad.jacobian(y, x, i=2) - y1 * y2 + C3 * y3]

    on_initial = lambda _, on_initial: on_initial  # noqa: E731
    ics = [dde.icbc.IC(geom, lambda x: -8, on_initial, component=0),
           dde.icbc.IC(geom, lambda x: 7, on_initial, component=1),
           dde.icbc.IC(geom, lambda x: 27, on_initial, component=2)]
    obs = [dde.icbc.PointSetBC(t_obs, y_obs[:, i:i + 1], component=i) for i in range(3)]
    data = dde.data.PDE(geom, lorenz, ics + obs, num_domain=400, num_boundary=2, anchors=t_obs)
    model = dde.Model(data, dde.nn.FNN([1] + [40] * 3 + [3], "tanh", "Glorot uniform"))
    dde_train(model, adam, lbfgs, external_trainable_variables=[C1, C2, C3])
    c = np.array([float(v.detach()) for v in (C1, C2, C3)])
    return rel(c, LORENZ_C), rel(model.predict(np.float32(t_test)), y_test), c.tolist()


# ------------------------------------------------------------------ driver
def lines_of(fn):
    src = inspect.getsource(fn).splitlines()[1:]  # without the def line
    return sum(1 for line in src if line.strip() and not line.strip().startswith("#"))


def lines(name):
    """Lines of a case function plus those of the helper it calls (the network, the training)."""
    fn = globals()[name]
    helper = kx_net if name.startswith("kx_") else dde_train
    return lines_of(fn) + (lines_of(helper) if helper.__name__ in inspect.getsource(fn) else 0)


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run(case, seed, quick, extras, adam_steps=None, lbfgs_iters=None):
    import deepxde as dde
    import keras
    import torch

    adam, lbfgs = (QUICK if quick else FULL)[case]
    adam = adam if adam_steps is None else adam_steps
    lbfgs = lbfgs if lbfgs_iters is None or not lbfgs else lbfgs_iters
    kw = {"test": extras[case]}
    keras.utils.set_random_seed(seed)
    kx, kx_wall, kx_cpu = timed(globals()[f"kx_{case}"], adam, lbfgs, seed, **kw)
    dde.config.set_default_float("float32")  # DeepXDE's default precision, set explicitly (Polygon points are float64)
    dde.config.set_random_seed(seed)
    dde.optimizers.set_LBFGS_options(maxiter=max(lbfgs, 1))  # DeepXDE's defaults, but maxiter
    dde.optimizers.config.LBFGS_options["iter_per_step"] = min(1000, max(lbfgs, 1))  # not updated by the call
    torch.manual_seed(seed)
    with contextlib.redirect_stdout(sys.stderr):  # DeepXDE prints its progress to stdout
        dd, dd_wall, dd_cpu = timed(globals()[f"dde_{case}"], adam, lbfgs, seed, **kw)
    row = {"bench": "pde_deepxde_examples", "case": case, "seed": seed, "quick": quick,
           "adam_steps": adam, "lbfgs_iters": lbfgs,
           "kextras_lines": lines(f"kx_{case}"), "deepxde_lines": lines(f"dde_{case}"),
           "kextras_wall_s": round(kx_wall, 2), "deepxde_wall_s": round(dd_wall, 2),
           "kextras_cpu_s": round(kx_cpu, 2), "deepxde_cpu_s": round(dd_cpu, 2)}
    if case == "lorenz_inverse":
        row.update(kextras_param_rel_err=kx[0], deepxde_param_rel_err=dd[0], kextras_rel_l2=kx[1],
                   deepxde_rel_l2=dd[1], kextras_params=kx[2], deepxde_params=dd[2])
    else:
        row.update(kextras_rel_l2=kx, deepxde_rel_l2=dd)
    return row


def table(path):
    """The markdown table of docs/pde/benchmarks.md from JSON lines: median [min, max] over the seeds."""
    rows = [json.loads(line) for line in open(path) if line.startswith("{")]
    f = lambda v: f"{np.median(v):.1e} [{min(v):.1e}, {max(v):.1e}]" if len(v) > 1 else f"{v[0]:.1e}"  # noqa: E731
    out = ["| case | schedule (Adam + L-BFGS) | seeds | lines kextras / DeepXDE | rel. L2 kextras | rel. L2 DeepXDE "
           "| CPU s kextras / DeepXDE |", "|---|---|---|---|---|---|---|"]
    for case in CASES:
        for sched in sorted({(r["adam_steps"], r["lbfgs_iters"]) for r in rows if r["case"] == case}):
            rs = [r for r in rows if r["case"] == case and (r["adam_steps"], r["lbfgs_iters"]) == sched]
            err = ["kextras_param_rel_err", "deepxde_param_rel_err"] if case == "lorenz_inverse" else \
                ["kextras_rel_l2", "deepxde_rel_l2"]
            cpu = [np.median([r[k] for r in rs]) for k in ("kextras_cpu_s", "deepxde_cpu_s")]
            out.append(f"| `{case}` | {sched[0]} + {sched[1]} | {','.join(str(r['seed']) for r in rs)} | "
                       f"{rs[0]['kextras_lines']} / {rs[0]['deepxde_lines']} | {f([r[err[0]] for r in rs])} | "
                       f"{f([r[err[1]] for r in rs])} | {cpu[0]:.0f} / {cpu[1]:.0f} |")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1000 Adam steps per case (100 L-BFGS iterations where the example has L-BFGS)")
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--seeds", default="0")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--adam-steps", type=int, default=None, help="override the Adam steps (a multiple of 10)")
    p.add_argument("--lbfgs-iters", type=int, default=None, help="override the L-BFGS iterations (cases that have them)")
    p.add_argument("--table", metavar="JSONL", help="print the docs table of a file of this script's output, run nothing")
    args = p.parse_args(argv)
    if args.table:
        return print(table(args.table))
    import tensorflow as tf
    import torch

    torch.set_num_threads(args.threads)
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    cases = [c for c in args.cases.split(",") if c]
    for c in cases:
        if c not in CASES:
            raise SystemExit(f"--cases: unknown case {c!r}; choose from {CASES}")
    extras = {c: test_sets(c) for c in cases}
    for case in cases:
        for seed in (int(s) for s in args.seeds.split(",")):
            print(json.dumps(run(case, seed, args.quick, extras, args.adam_steps, args.lbfgs_iters)), flush=True)


if __name__ == "__main__":
    main()
