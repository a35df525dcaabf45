"""Lorenz parameter identification (``lorenz_inverse`` of bench_pde_deepxde_examples.py):
which of two differences from DeepXDE costs kextras the accuracy of the identified
parameters: the weighting of the K-component terms, or the L-BFGS implementation.

``--weights sum`` (kextras' default since f82194a, as DeepXDE): the 3-equation residual
and the 3-component observations are one term each, the sum of the per-component mean
squares; ``--weights mean``: ``weight=1/3`` on both, the mean over the components (the
default before f82194a; the rows of docs/pde/img/lorenz_lbfgs.jsonl were measured then,
with ``weight=1`` for mean and ``weight=3`` for sum, the same losses). One Adam run (``--adam``
steps), then from the same Adam weights one L-BFGS run per ``--backends`` entry
(``minimize_lbfgs(maxiter=--lbfgs, maxcor=100)``, ``"scipy"``: L-BFGS-B, ``"tensorflow"``:
the TensorFlow two-loop L-BFGS). One JSON line per backend: parameters after Adam and
after L-BFGS, their relative error to (10, 15, 8/3), the iterations, evaluations and
SciPy's message, CPU seconds of each phase.

    python3 benchmarks/bench_pde_lorenz_lbfgs.py --seed 0 --weights sum --adam 10000 --lbfgs 5000
    python3 benchmarks/bench_pde_lorenz_lbfgs.py --table docs/pde/img/lorenz_lbfgs.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from _deepxde_examples_kextras import kx_net  # noqa: E402
from _deepxde_examples_reference import LORENZ_C, json_rows, lorenz_data, rel  # noqa: E402


def stop(message):
    """SciPy's termination message in a few words."""
    for key, words in (("LIMIT", "maxiter"), ("REDUCTION OF F", "ftol"), ("PROJ", "gtol"), ("ABNORMAL", "line search failed")):
        if key in message:
            return words
    return message


def table(path):
    """The markdown table of docs/pde/benchmarks.md (Lorenz section) from this script's JSON lines."""
    rows = json_rows(path)
    out = ["| seed | weighting | L-BFGS backend | rel. error after Adam | after L-BFGS | (C1, C2, C3) "
           "| L-BFGS iterations | stop | L-BFGS CPU s |", "|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["seed"], r["weights"], r["backend"])):
        c = ", ".join(f"{v:.3f}" for v in r["params"])
        out.append(f"| {r['seed']} | {r['weights']} | {r['backend']} | {r['param_rel_err_adam']:.2f} | "
                   f"{r['param_rel_err']:.1e} | {c} | {r['lbfgs_iterations']} | {stop(r['message'])} "
                   f"| {r['lbfgs_cpu_s']:.0f} |")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--adam", type=int, default=10000, help="Adam steps (a multiple of 10)")
    p.add_argument("--lbfgs", type=int, default=5000, help="L-BFGS iterations at most")
    p.add_argument("--weights", choices=("mean", "sum"), default="sum")
    p.add_argument("--backends", default="scipy,tensorflow")
    p.add_argument("--table", metavar="JSONL", help="print the docs table of a file of this script's output, run nothing")
    args = p.parse_args(argv)
    if args.table:
        return print(table(args.table))
    import keras
    import tensorflow as tf
    from kextras_sci import pde

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    t_obs, y_obs, t_test, y_test = lorenz_data()
    k = 1.0 if args.weights == "sum" else 1.0 / 3.0
    keras.utils.set_random_seed(args.seed)
    T = pde.TimeInterval(0, 3)
    pinn = pde.PINN(kx_net(1, 40, 3, m=3), [
        pde.PDEResidual(lambda u1, u2, u3, u1_t, u2_t, u3_t, C1, C2, C3: [
            u1_t - C1 * (u2 - u1), u2_t - u1 * (C2 - u3) + u2, u3_t - u1 * u2 + C3 * u3],
            T, num_points=400, anchors=t_obs, weight=k),
        pde.InitialCondition(T, -8.0, component="u1", name="ic1"),
        pde.InitialCondition(T, 7.0, component="u2", name="ic2"),
        pde.InitialCondition(T, 27.0, component="u3", name="ic3"),
        pde.PointData(t_obs, y_obs, weight=k)], domain=T, parameters={"C1": 1.0, "C2": 1.0, "C3": 1.0}, seed=args.seed)
    pinn.compile(keras.optimizers.Adam(1e-3))
    cpu = time.process_time()
    pinn.fit(epochs=10, steps_per_epoch=args.adam // 10, verbose=0)
    adam_cpu = time.process_time() - cpu
    params = lambda: np.array([float(pinn.parameters[n]) for n in ("C1", "C2", "C3")])  # noqa: E731
    c_adam, w_adam = params(), [v.numpy() for v in pinn.trainable_weights]
    for backend in args.backends.split(","):
        for v, w in zip(pinn.trainable_weights, w_adam):
            v.assign(w)
        cpu = time.process_time()
        res = pde.minimize_lbfgs(pinn, maxiter=args.lbfgs, maxcor=100, verbose=0, backend=backend)
        c = params()
        print(json.dumps({
            "bench": "pde_lorenz_lbfgs", "seed": args.seed, "adam_steps": args.adam, "lbfgs_iters": args.lbfgs,
            "weights": args.weights, "backend": backend, "params_adam": c_adam.tolist(),
            "param_rel_err_adam": rel(c_adam, LORENZ_C), "params": c.tolist(), "param_rel_err": rel(c, LORENZ_C),
            "state_rel_l2": rel(pinn.predict(t_test, verbose=0), y_test), "lbfgs_iterations": res.iterations,
            "nfev": res.nfev, "message": res.message, "loss": res.loss,
            "adam_cpu_s": round(adam_cpu, 2), "lbfgs_cpu_s": round(time.process_time() - cpu, 2)}), flush=True)


if __name__ == "__main__":
    main()
