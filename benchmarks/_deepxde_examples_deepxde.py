"""The DeepXDE side of ``bench_pde_deepxde_examples.py``: each case as DeepXDE's example
file writes it (PyTorch backend). ``dde_<case>(adam, lbfgs, seed, test)`` returns the
error (and, after L-BFGS, the iterations it ran)."""

from __future__ import annotations

import numpy as np

from _deepxde_examples_reference import HOLE_R, K0, LORENZ_C, LSHAPE, rel


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
    return rel(model.predict(np.float32(test[0])), test[1]), model.train_state.step - adam


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
    return rel(c, LORENZ_C), rel(model.predict(np.float32(t_test)), y_test), c.tolist(), model.train_state.step - adam

