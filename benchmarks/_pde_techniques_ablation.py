"""Loss-balancing ablation on Helmholtz and wave problems (the ``helmholtz`` / ``wave`` cases of bench_pde_techniques.py)."""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde import balancing as bal
from kextras_sci.pde.references.helmholtz import HelmholtzSquare
from kextras_sci.pde.references.wave import Wave1D


# ----------------------------------------------------- balancing ablation
ABLATION_VARIANTS = ("none", "lra", "grad_norm", "ntk", "relobralo", "self_adaptive")


def helmholtz_problem(n_points=1024):
    """Helmholtz u_xx + u_yy + k^2 u = f, u = sin(pi x) sin(4 pi y), k = 1, u = 0 on the boundary."""
    ref = HelmholtzSquare(k=1.0, a=1, b=4)
    geom = ref.domain
    k2 = float(ref.coefficients.get("k", 1.0)) ** 2

    def residual(u, u_xx, u_yy, x, y):
        return u_xx + u_yy + k2 * u - ref.source(tf.concat([x, y], axis=1))

    conds = [pde.PDEResidual(residual, geom, num_points=n_points, method="uniform", include_boundary=False), pde.DirichletBC(geom, 0.0, num_points=256, method="uniform", name="bc")]
    xs = np.linspace(0, 1, 101)
    X, Y = np.meshgrid(xs, xs)
    pts = np.stack([X.ravel(), Y.ravel()], 1)
    return geom, conds, pts, ref.solution(pts), 3


def wave_problem(n_points=1024):
    """Wave u_tt = 4 u_xx on [0, 1]^2, u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t)."""
    ref = Wave1D()
    geom = ref.domain
    c2 = ref.c**2
    conds = [
        pde.PDEResidual(lambda u_tt, u_xx: u_tt - c2 * u_xx, geom, num_points=n_points, method="uniform", include_boundary=False),
        pde.DirichletBC(geom, 0.0, num_points=200, method="uniform", name="bc"),
        pde.InitialCondition(geom, ref.initial_value, num_points=200, method="uniform", name="initial"),
        pde.InitialCondition(geom, 0.0, num_points=200, method="uniform", derivative=1, name="initial_t"),
    ]
    xs, ts = np.linspace(0, 1, 101), np.linspace(0, 1, 101)
    X, T = np.meshgrid(xs, ts)
    pts = np.stack([X.ravel(), T.ravel()], 1)
    return geom, conds, pts, ref.solution(pts), 4


PROBLEMS = {"helmholtz": helmholtz_problem, "wave": wave_problem}


def ablation_run(problem, variant, steps, seed, width=32, n_points=1024, lr=1e-3):
    """One PINN run of the balancing ablation (MLP tanh, Adam, full batch, fixed points).

    ``self_adaptive`` wraps every term in :class:`SelfAdaptiveWeights` (per-point weights
    on residual, boundary and initial points, as McClenny & Braga-Neto do).
    """
    keras.utils.set_random_seed(seed)
    geom, conds, pts, u_ref, depth = PROBLEMS[problem](n_points)
    callbacks = []
    if variant == "self_adaptive":
        conds = [bal.SelfAdaptiveWeights(c) for c in conds]
        callbacks.append(bal.SelfAdaptiveUpdate(conds, learning_rate=5e-3))
    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(width, "tanh") for _ in range(depth)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(net, conds, domain=geom, seed=seed)
    weighting = {
        "none": None,
        "lra": lambda: bal.LearningRateAnnealing(update_every=10),
        "grad_norm": lambda: bal.GradNormWeighting(update_every=50),
        "ntk": lambda: bal.NTKWeighting(num_points=32, update_every=100),
        "relobralo": lambda: bal.ReLoBRaLo(seed=seed),
        "self_adaptive": None,
    }[variant]
    if weighting is not None:
        callbacks.append(weighting())
    pinn.compile(keras.optimizers.Adam(lr), steps_per_execution=1)
    spe = min(steps, 100)
    t0 = time.perf_counter()
    pinn.fit(epochs=max(1, steps // spe), steps_per_epoch=spe, callbacks=callbacks, verbose=0)
    train_s = time.perf_counter() - t0
    err = pinn.relative_l2_error(pts, u_ref)
    return {
        "case": f"{problem}/{variant}",
        "seed": seed,
        "steps": steps,
        "kextras_s": round(train_s, 2),
        "rel_l2": err,
        "weights": {k: round(float(v.numpy()), 4) for k, v in pinn.term_weights.items()},
    }


def helmholtz_run(variant, steps, seed, width=32, depth=3, n_points=1024):
    """Kept for callers of the earlier API: :func:`ablation_run` on the Helmholtz problem."""
    return ablation_run("helmholtz", variant, steps, seed, width=width, n_points=n_points)
