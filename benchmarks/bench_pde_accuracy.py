"""Accuracy of kextras_sci.pde PINNs against exact reference solutions.

Cases (relative L2 error of the trained network against ``kextras_sci.pde.references``):

* ``burgers``: Burgers 1D, nu = 0.01/pi, u0 = -sin(pi x) on [-1, 1] x [0, 1]; DeepXDE's
  configuration: 3 x 20 tanh, Glorot normal, 2540 interior + 80 boundary + 160 initial
  points (the PDE residual is evaluated on all 2780 points, as DeepXDE does), Adam
  15000 steps at lr 1e-3, then L-BFGS (maxcor 100, up to 15000 iterations). Error on
  Raissi et al.'s 256 x 100 grid. Target <= 2e-3. Default recipe: hard constraints
  (u = -sin(pi x) + t (1 - x^2) N), float64, the 2780 residual points redrawn by RAD every
  1000 Adam steps and between 5 L-BFGS rounds of 3000 iterations. ``--constraint soft
  --dtype float32 --sampling fixed`` is DeepXDE's plain set-up.
* ``poisson_square``: -Lap u = f on [0, 1]^2, u = sin(pi x) sin(pi y). Target <= 1e-3.
* ``poisson_lshape``: -Lap u = f on the L-shape polygon, u = e^x sin(pi y) with its
  Dirichlet data. Target <= 1e-3.

Prints one JSON object per (case, seed). ``--quick`` (< 2 minutes) runs every case and
seed with a few hundred steps: a smoke test of the pipeline, not of the accuracy.

    python3 benchmarks/bench_pde_accuracy.py            # full (long: ~8 min per Burgers seed, 1 thread)
    python3 benchmarks/bench_pde_accuracy.py --quick
    python3 benchmarks/bench_pde_accuracy.py --cases burgers --seeds 0 --threads 1
    python3 benchmarks/bench_pde_accuracy.py --cases burgers --constraint soft --dtype float32 --sampling fixed

Measured (docs/pde/benchmarks.md, idle 2-core machine, one thread per run): Burgers with
the default recipe, seeds 0/1/2: 1.84e-3 / 1.40e-3 / 1.13e-3 (target
met); with fixed points: 3.3e-3 / 2.7e-2 / 6.9e-2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

CASES = ("burgers", "poisson_square", "poisson_lshape")
TARGETS = {"burgers": 2e-3, "poisson_square": 1e-3, "poisson_lshape": 1e-3}

# full-run schedules: (adam steps, L-BFGS max iterations)
FULL = {"burgers": (15000, 15000), "poisson_square": (5000, 5000), "poisson_lshape": (5000, 5000)}
QUICK = {"burgers": (200, 50), "poisson_square": (200, 50), "poisson_lshape": (200, 50)}

# each case's recipe (the defaults; the command-line flags override them)
RECIPES = {
    "burgers": {"constraint": "hard", "dtype": "float64", "sampling": "rad", "lbfgs_rounds": 5},
    "poisson_square": {"constraint": "soft", "dtype": "float32", "sampling": "fixed", "lbfgs_rounds": 1},
    "poisson_lshape": {"constraint": "soft", "dtype": "float32", "sampling": "fixed", "lbfgs_rounds": 1},
}


def set_threads(threads):
    """Limits TensorFlow (and, when imported, PyTorch) to ``threads`` CPU threads."""
    if not threads:
        return
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def build_net(seed, width=20, depth=3, in_dim=2, dtype=None):
    """The DeepXDE-style MLP ``in_dim -> width x depth (tanh) -> 1``, Glorot normal, zero biases."""
    import keras

    keras.utils.set_random_seed(seed)
    kw = {"kernel_initializer": "glorot_normal", "dtype": dtype}
    layers = [keras.Input((in_dim,), dtype=dtype)]
    layers += [keras.layers.Dense(width, "tanh", **kw) for _ in range(depth)]
    layers += [keras.layers.Dense(1, **kw)]
    return keras.Sequential(layers)


def burgers_hard(x, y):
    """Hard constraints of the Burgers case: ``u = -sin(pi x) + t (1 - x^2) N(x, t)``
    (the initial and boundary conditions hold exactly)."""
    import tensorflow as tf

    return -tf.sin(np.pi * x[:, :1]) + x[:, 1:] * (1.0 - x[:, :1] ** 2) * y


# --------------------------------------------------------------------------- problems


def burgers_problem(seed, n_interior=2540, n_boundary=80, n_initial=160):
    """Points, reference and evaluation grid of the Burgers case (identical for every library)."""
    from kextras_sci.pde.references import Burgers1D

    ref = Burgers1D()
    geom = ref.domain
    xi = geom.sample_interior(n_interior, method="sobol", seed=seed)
    xb = geom.sample_boundary(n_boundary, method="sobol", seed=seed + 1000)
    x0 = geom.sample_initial(n_initial, method="sobol", seed=seed + 2000)
    xs, ts, u = ref.grid(256, 100)
    X = np.stack(np.meshgrid(xs, ts), axis=-1).reshape(-1, 2)
    return {
        "name": "burgers",
        "ref": ref,
        "nu": ref.nu,
        "x_interior": xi,
        "x_boundary": xb,
        "x_initial": x0,
        "x_pde": np.concatenate([xi, xb, x0]),
        "x_eval": X,
        "u_eval": u.reshape(-1, 1),
    }


def poisson_problem(name, seed, n_interior=2000, n_boundary=400):
    from kextras_sci.pde.references import PoissonLShape, PoissonSquare

    ref = PoissonSquare() if name == "poisson_square" else PoissonLShape()
    geom = ref.domain
    xi = geom.sample_interior(n_interior, method="sobol", seed=seed)
    xb = geom.sample_boundary(n_boundary, method="sobol", seed=seed + 1000)
    xe = geom.sample_interior(20000, method="halton", seed=seed + 5000)
    return {
        "name": name,
        "ref": ref,
        "x_interior": xi,
        "x_boundary": xb,
        "x_pde": xi,
        "x_eval": xe,
        "u_eval": ref.solution(xe),
    }


def make_problem(case, seed):
    return burgers_problem(seed) if case == "burgers" else poisson_problem(case, seed)


def kextras_pinn(problem, net, constraint="soft", sampling="fixed", seed=0):
    """The kextras PINN of a problem (network ``net``, points from ``problem``).

    ``constraint="hard"`` (Burgers only): the PDE residual alone on all points, with
    the output transform :func:`burgers_hard`. ``sampling="rad"`` (Burgers only): the
    PDE residual's points are drawn from the domain (Sobol, as many as ``x_pde``), so
    that the :class:`~kextras_sci.pde.sampling.RAD` callback can redraw them.
    """
    from kextras_sci import pde

    ref = problem["ref"]
    if problem["name"] == "burgers":
        nu = problem["nu"]

        def burgers(u, u_t, u_x, u_xx):
            return u_t + u * u_x - nu * u_xx

        if sampling == "rad":
            residual = pde.PDEResidual(burgers, ref.domain, num_points=len(problem["x_pde"]), method="sobol", name="pde",
                                       include_boundary=False)
        else:
            residual = pde.PDEResidual(burgers, problem["x_pde"], name="pde")
        if constraint == "hard":
            return pde.PINN(net, [residual], domain=ref.domain, output_transform=burgers_hard, seed=seed)
        conditions = [
            residual,
            pde.DirichletBC(problem["x_boundary"], 0.0, name="bc"),
            pde.InitialCondition(problem["x_initial"], ref.initial, name="ic"),
        ]
        return pde.PINN(net, conditions, domain=ref.domain, seed=seed)
    else:
        source = ref.source

        def poisson(x, y, u_xx, u_yy):
            return -(u_xx + u_yy) - source(keras_concat(x, y))

        conditions = [
            pde.PDEResidual(poisson, problem["x_pde"], name="pde"),
            pde.DirichletBC(problem["x_boundary"], ref.solution, name="bc"),
        ]
    return pde.PINN(net, conditions, domain=ref.domain)


def keras_concat(*cols):
    import tensorflow as tf

    return tf.concat(cols, axis=1)


def rad_callback(seed, every=1000):
    """RAD (Wu et al. 2023; k = 1, c = 1): every ``every`` Adam steps, all residual points
    are redrawn from 100000 uniform candidates with ``p ~ |r| / mean|r| + 1``."""
    from kextras_sci.pde.sampling import RAD

    return RAD("pde", k=1.0, c=1.0, every=every, num_candidates=100000, seed=seed, method="uniform")


def train_kextras(pinn, adam_steps, lbfgs_iters, lr=1e-3, jit_compile=False, restarts=0, sampler=None,
                  lbfgs_rounds=1):
    """Adam then L-BFGS; returns a dict of timings and iteration counts.

    ``sampler`` (a RAD callback) redraws the residual points during Adam and, with
    ``lbfgs_rounds = R > 1``, between R L-BFGS rounds of ``lbfgs_iters / R`` iterations.
    """
    import keras

    from kextras_sci import pde

    pinn.compile(keras.optimizers.Adam(lr), jit_compile=jit_compile,
                 steps_per_execution=100 if adam_steps % 100 == 0 else 1)
    t = time.perf_counter()
    pinn.fit(epochs=1, steps_per_epoch=adam_steps, verbose=0, callbacks=[sampler] if sampler else [])
    adam_s = time.perf_counter() - t
    out = {"adam_steps": adam_steps, "adam_s": adam_s}
    if lbfgs_iters:
        t = time.perf_counter()
        iters, restarted = 0, 0
        for r in range(lbfgs_rounds):
            if r:
                sampler.resample(pinn)
            res = pde.minimize_lbfgs(pinn, maxiter=lbfgs_iters // lbfgs_rounds, maxcor=100, restarts=restarts,
                                     verbose=0)
            iters, restarted = iters + int(res.iterations), restarted + int(res.restarts)
        out["lbfgs_s"] = time.perf_counter() - t
        out["lbfgs_iters"] = iters
        out["lbfgs_rounds"] = lbfgs_rounds
        out["lbfgs_restarts"] = restarted
        out["lbfgs_message"] = res.message
        out["final_loss"] = float(res.loss)
    return out


def run_case(case, seed, adam_steps, lbfgs_iters, jit_compile=False, constraint="soft", dtype="float32", restarts=0,
             sampling="fixed", lbfgs_rounds=1):
    import keras

    problem = make_problem(case, seed)
    keras.config.set_floatx(dtype)  # the whole PINN (points, weights, Glorot draw) in this precision
    net = build_net(seed)
    burgers = case == "burgers"
    sampling = sampling if burgers else "fixed"
    pinn = kextras_pinn(problem, net, constraint=constraint if burgers else "soft", sampling=sampling, seed=seed)
    sampler = rad_callback(seed) if sampling == "rad" else None
    t = time.perf_counter()
    info = train_kextras(pinn, adam_steps, lbfgs_iters, jit_compile=jit_compile, restarts=restarts, sampler=sampler,
                         lbfgs_rounds=lbfgs_rounds if sampler else 1)
    total = time.perf_counter() - t
    err = pinn.relative_l2_error(problem["x_eval"], problem["u_eval"])
    return {
        "bench": "pde_accuracy",
        "case": case,
        "seed": seed,
        "constraint": constraint if burgers else "soft",
        "sampling": sampling,
        "dtype": dtype,
        "rel_l2": err,
        "target": TARGETS[case],
        "meets_target": bool(err <= TARGETS[case]),
        "kextras_s": total,
        **info,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few steps (< 2 minutes), a smoke test")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--adam-steps", type=int, default=None)
    parser.add_argument("--lbfgs-iters", type=int, default=None)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for TensorFlow (0: default)")
    parser.add_argument("--jit", action="store_true", help="compile the training step with XLA")
    parser.add_argument("--constraint", choices=("soft", "hard"), default=None,
                        help="Burgers: soft (loss terms for IC/BC) or hard (output transform; default)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default=None,
                        help="default: float64 for Burgers, float32 for Poisson")
    parser.add_argument("--restarts", type=int, default=0, help="L-BFGS restarts after line-search failures")
    parser.add_argument("--sampling", choices=("fixed", "rad"), default=None,
                        help="Burgers: fixed Sobol points, or RAD resampling every 1000 Adam steps (default)")
    parser.add_argument("--lbfgs-rounds", type=int, default=None,
                        help="with --sampling rad: L-BFGS in this many rounds, RAD resampling between them "
                             "(default 5)")
    args = parser.parse_args(argv)
    set_threads(args.threads)
    cases = [c for c in args.cases.split(",") if c]
    for c in cases:
        if c not in CASES:
            parser.error(f"unknown case {c!r}; choose from {CASES}")
    seeds = [int(s) for s in args.seeds.split(",") if s]
    schedule = QUICK if args.quick else FULL
    for case in cases:
        adam, lbfgs = schedule[case]
        adam = args.adam_steps if args.adam_steps is not None else adam
        lbfgs = args.lbfgs_iters if args.lbfgs_iters is not None else lbfgs
        recipe = {k: v if getattr(args, k) is None else getattr(args, k) for k, v in RECIPES[case].items()}
        for seed in seeds:
            row = run_case(case, seed, adam, lbfgs, jit_compile=args.jit, restarts=args.restarts, **recipe)
            row["quick"] = bool(args.quick)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
