"""Inverse problems: Burgers viscosity, diffusion-reaction coefficients (the ``inverse`` / ``inverse_dr`` cases of bench_pde_techniques.py)."""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from kextras_sci import pde


# ------------------------------------------------------------ inverse problem
def inverse_burgers_run(steps, seed, lbfgs_iters=0, noise=0.01, n_obs=2000, width=20, depth=4, dtype="float32", n_points=2000):
    """Recovers the Burgers viscosity nu = 0.01/pi from noisy observations."""
    from kextras_sci.pde.references import Burgers1D

    keras.utils.set_random_seed(seed)
    ref = Burgers1D()
    geom = ref.domain
    rng = np.random.default_rng(seed)
    x_obs = np.stack([rng.uniform(-1, 1, n_obs), rng.uniform(0, 1, n_obs)], 1)
    u_obs = ref.solution(x_obs)
    u_obs = u_obs + noise * u_obs.std() * rng.standard_normal(u_obs.shape)
    net = keras.Sequential(
        [keras.Input((2,), dtype=dtype)] + [keras.layers.Dense(width, "tanh", dtype=dtype) for _ in range(depth)]
        + [keras.layers.Dense(1, dtype=dtype)]
    )
    pinn = pde.PINN(
        net,
        [
            pde.PDEResidual(lambda u, u_t, u_x, u_xx, nu: u_t + u * u_x - nu * u_xx, geom, num_points=n_points, method="uniform", include_boundary=False),
            pde.PointData(x_obs, u_obs, name="data"),
        ],
        domain=geom,
        parameters=[pde.Parameter("nu", initial=0.05, bounds=(1e-4, 1.0))],
        seed=seed,
    )
    pinn.compile(keras.optimizers.Adam(1e-3), steps_per_execution=1)
    spe = min(steps, 100)
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // spe), steps_per_epoch=spe, verbose=0)
    nu_adam = pinn.parameters["nu"]
    lb = {}
    if lbfgs_iters:
        res = pde.minimize_lbfgs(pinn, maxiter=lbfgs_iters, verbose=0)
        lb = {"lbfgs_done": res.iterations, "lbfgs_message": str(res.message)}
    train_s = time.perf_counter() - t0
    nu_true = 0.01 / np.pi
    nu = pinn.parameters["nu"]
    xs, ts, u = ref.grid(256, 100)
    X, T = np.meshgrid(xs, ts)
    err = pinn.relative_l2_error(np.stack([X.ravel(), T.ravel()], 1), u.reshape(-1, 1))
    return {
        "case": "inverse_burgers_nu",
        "seed": seed,
        "steps": steps,
        "lbfgs_iters": lbfgs_iters,
        "noise": noise,
        "kextras_s": round(train_s, 2),
        "nu": nu,
        "nu_true": nu_true,
        "nu_rel_err": abs(nu - nu_true) / nu_true,
        "nu_after_adam": nu_adam,
        "net": f"{depth}x{width} {dtype}",
        **lb,
        "rel_l2": err,
    }


def inverse_diffusion_reaction_run(steps, seed, lbfgs_iters=0, noise=0.01, n_obs=2000, d_true=0.5, k_true=1.0):
    """Recovers the diffusion coefficient d and the reaction rate k of
    u_t = d u_xx - k u + f (``DiffusionReaction1D``) from noisy observations."""
    from kextras_sci.pde.references import DiffusionReaction1D

    keras.utils.set_random_seed(seed)
    ref = DiffusionReaction1D(d=d_true, k=k_true)
    geom = ref.domain
    rng = np.random.default_rng(seed)
    x_obs = np.stack([rng.uniform(-np.pi, np.pi, n_obs), rng.uniform(0, 1, n_obs)], 1)
    u_obs = ref.solution(x_obs)
    u_obs = u_obs + noise * u_obs.std() * rng.standard_normal(u_obs.shape)

    def residual(u, u_t, u_xx, x, t, d, k):  # the forcing f is known, d and k are not
        return u_t - d * u_xx + k * u - ref.source(tf.concat([x, t], axis=1))

    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(32, "tanh") for _ in range(3)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(
        net,
        [pde.PDEResidual(residual, geom, num_points=2000, method="uniform", include_boundary=False), pde.PointData(x_obs, u_obs, name="data")],
        domain=geom,
        parameters=[pde.Parameter("d", initial=0.1, bounds=(1e-3, 10.0)),
                    pde.Parameter("k", initial=0.1, bounds=(0.0, 10.0))],
        seed=seed,
    )
    pinn.compile(keras.optimizers.Adam(1e-3))
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // 100), steps_per_epoch=min(steps, 100), verbose=0)
    adam = dict(pinn.parameters)
    if lbfgs_iters:
        pde.minimize_lbfgs(pinn, maxiter=lbfgs_iters, verbose=0)
    train_s = time.perf_counter() - t0
    xs, ts = np.linspace(-np.pi, np.pi, 201), np.linspace(0, 1, 101)
    X, T = np.meshgrid(xs, ts)
    pts = np.stack([X.ravel(), T.ravel()], 1)
    p = pinn.parameters
    return {
        "case": "inverse_diffusion_reaction",
        "seed": seed,
        "steps": steps,
        "lbfgs_iters": lbfgs_iters,
        "noise": noise,
        "kextras_s": round(train_s, 2),
        "d": p["d"], "d_true": d_true, "d_rel_err": abs(p["d"] - d_true) / d_true,
        "k": p["k"], "k_true": k_true, "k_rel_err": abs(p["k"] - k_true) / k_true,
        "d_after_adam": adam["d"], "k_after_adam": adam["k"],
        "rel_l2": pinn.relative_l2_error(pts, ref.solution(pts)),
    }
