"""Allen-Cahn over the whole span, vanilla vs techniques (the ``allen_cahn`` case of bench_pde_techniques.py)."""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde import balancing as bal
from kextras_sci.pde.nn import ModifiedMLP, PeriodicEmbedding

from _pde_techniques_common import TimeBudget


# ------------------------------------------------------------------ Allen-Cahn
def allen_cahn_residual(u, u_t, u_xx):
    return u_t - 1e-4 * u_xx + 5.0 * u**3 - 5.0 * u


def allen_cahn_run(variant, steps, seconds, seed, ref_pts, ref_u, n_points=2048, width=64, depth=4, log_every=0):
    keras.utils.set_random_seed(seed)
    geom = pde.SpaceTime(pde.Interval(-1.0, 1.0), pde.TimeInterval(0.0, 1.0))
    callbacks = [TimeBudget(seconds)]
    if variant == "vanilla":
        net = keras.Sequential(
            [keras.Input((2,))] + [keras.layers.Dense(width, "tanh") for _ in range(depth)] + [keras.layers.Dense(1)]
        )
        conds = [
            pde.PDEResidual(allen_cahn_residual, geom, num_points=n_points, method="uniform", include_boundary=False),
            pde.PeriodicBC(geom, coordinate=0, num_points=128, method="uniform", name="periodic"),
            pde.PeriodicBC(geom, coordinate=0, num_points=128, method="uniform", derivative_order=1, name="periodic_x"),
            pde.InitialCondition(geom, lambda x: x[:, :1] ** 2 * np.cos(np.pi * x[:, :1]), num_points=256, method="uniform"),
        ]
        pinn = pde.PINN(net, conds, domain=geom, seed=seed)
        lr = 1e-3
    else:
        net = keras.Sequential(
            [keras.Input((2,)), PeriodicEmbedding([2.0, None], num_harmonics=1), ModifiedMLP(width, depth, "tanh", output_units=1)]
        )
        causal = bal.CausalWeighting(pde.PDEResidual(allen_cahn_residual, geom, num_points=n_points, method="uniform", include_boundary=False), num_chunks=32)
        callbacks.append(bal.CausalSchedule(causal, epsilons=(1e-2, 1e-1, 1.0, 10.0, 100.0), threshold=0.99))

        def hard_initial(x, y):  # u = u0(x) + t N(x, t): the initial condition holds exactly
            xs, t = x[:, :1], x[:, 1:2]
            return xs**2 * tf.cos(np.pi * xs) + t * y

        pinn = pde.PINN(net, [causal], domain=geom, output_transform=hard_initial, resample_every=1, seed=seed)
        lr = 1e-3
    schedule = keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=max(steps // 10, 100), decay_rate=0.9)
    pinn.compile(keras.optimizers.Adam(schedule), steps_per_execution=1)
    spe = 100 if steps >= 100 else steps
    t0 = time.perf_counter()
    hist = pinn.fit(epochs=max(1, steps // spe), steps_per_epoch=spe, callbacks=callbacks, verbose=0)
    train_s = time.perf_counter() - t0
    err = pinn.relative_l2_error(ref_pts, ref_u)
    extra = {}
    if variant != "vanilla":
        extra = {"causal_eps": float(causal.epsilon.numpy()), "causal_min_w": float(tf.reduce_min(causal.chunk_weights))}
    return {
        "case": f"allen_cahn/{variant}",
        "seed": seed,
        "steps": callbacks[0].steps,
        "kextras_s": round(train_s, 2),
        "s_per_step": round(train_s / max(callbacks[0].steps, 1), 5),
        "rel_l2": err,
        "final_loss": float(hist.history["loss"][-1]),
        **extra,
    }
