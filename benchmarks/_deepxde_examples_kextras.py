"""The kextras side of ``bench_pde_deepxde_examples.py``: each case as a user writes it
from the docs (default sampling: only point counts are set). ``kx_<case>(adam, lbfgs,
seed, test)`` returns the error (and, after L-BFGS, the iterations it ran)."""

from __future__ import annotations

import numpy as np

from _deepxde_examples_reference import HOLE_R, K0, LORENZ_C, LSHAPE, rel


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
    it = pde.minimize_lbfgs(pinn, maxiter=lbfgs, maxcor=100, verbose=0).iterations
    return rel(pinn.predict(test[0], verbose=0), test[1]), it


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
    it = pde.minimize_lbfgs(pinn, maxiter=lbfgs, maxcor=100, verbose=0).iterations
    c = np.array([pinn.parameters[k] for k in ("C1", "C2", "C3")])
    return rel(c, LORENZ_C), rel(pinn.predict(t_test, verbose=0), y_test), c.tolist(), it

