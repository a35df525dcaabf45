"""Burgers with uniform points vs RAR vs RAD (the ``burgers_rar`` case of bench_pde_techniques.py)."""

from __future__ import annotations

import time

import keras
import numpy as np

from kextras_sci import pde


# ---------------------------------------------------- Burgers: RAR vs uniform
def burgers_sampling_run(variant, steps, seed, n_final=2000, n_start=1500, every=500, width=32, depth=3):
    """Burgers (nu = 0.01/pi) with uniform vs residual-adaptive collocation points.

    Same budget for every variant: ``steps`` Adam steps and ``n_final`` residual points
    at the end. ``uniform``: ``n_final`` fixed uniform points. ``rar``: ``n_start``
    uniform points, then every ``every`` steps the ``(n_final - n_start) / (steps / every - 1)``
    candidates (of 10 000) with the largest residual are added. ``rad``: ``n_final`` points
    redrawn every ``every`` steps from ``p ~ |r| / mean|r| + 1``.
    """
    from kextras_sci.pde import sampling
    from kextras_sci.pde.references import Burgers1D

    keras.utils.set_random_seed(seed)
    ref = Burgers1D()
    geom = ref.domain
    nu = ref.coefficients["nu"]
    n0 = n_start if variant == "rar" else n_final
    conds = [
        pde.PDEResidual(lambda u, u_t, u_x, u_xx: u_t + u * u_x - nu * u_xx, geom, num_points=n0, method="uniform", include_boundary=False),
        pde.DirichletBC(geom, 0.0, num_points=100, method="uniform", name="bc"),
        pde.InitialCondition(geom, lambda x: -np.sin(np.pi * x[:, :1]), num_points=200, method="uniform"),
    ]
    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(width, "tanh") for _ in range(depth)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(net, conds, domain=geom, seed=seed)
    callbacks = []
    rounds = steps // every - 1  # refinements strictly before the last step
    if variant == "rar" and rounds < 1:
        raise ValueError(f"RAR needs at least one refinement before the last step: `steps` >= 2 * `every` "
                         f"({2 * every}). Received: steps={steps}")
    if variant == "rar":
        callbacks.append(sampling.RAR("pde", num_add=-(-(n_final - n_start) // rounds), every=every, method="uniform",
                                      num_candidates=10000, seed=seed, max_points=n_final))
    elif variant == "rad":
        callbacks.append(sampling.RAD("pde", every=every, num_candidates=10000, seed=seed, method="uniform"))
    pinn.compile(keras.optimizers.Adam(1e-3))  # steps_per_execution="auto": 100 steps per call
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // 100), steps_per_epoch=min(steps, 100), callbacks=callbacks, verbose=0)
    train_s = time.perf_counter() - t0
    xs, ts, u = ref.grid(256, 100)
    X, T = np.meshgrid(xs, ts)
    err = pinn.relative_l2_error(np.stack([X.ravel(), T.ravel()], 1), u.reshape(-1, 1))
    return {
        "case": f"burgers_sampling/{variant}",
        "seed": seed,
        "steps": steps,
        "n_points": int(pinn.collocation_points("pde").shape[0]),
        "kextras_s": round(train_s, 2),
        "rel_l2": err,
    }
