"""Adam step time of a kextras PINN per derivative engine: nested tapes, Taylor mode (jet), XLA, forward mode.

Cases: ``burgers`` (hard constraints, the 3x20 tanh net of bench_pde_deepxde.py) and
``laplacian`` (``u_xx + u_yy + 10 u = sin x`` on 465 fixed points of ``[-1/2, 1/2]^2``, a
3 x ``--width`` sin net, no output transform: the shape of DeepXDE's Helmholtz example).
The variants are interleaved (``--rounds`` rounds of ``--steps`` steps each, the same
initial weights and points, one thread); prints one JSON object with the median and all
per-round ms/step (wall and CPU) and the loss after training, per variant.

    python3 benchmarks/bench_pde_adam_variants.py --dtype float32 --rounds 8 --steps 50
    python3 benchmarks/bench_pde_adam_variants.py --case laplacian --width 350 --variants reverse,jet --steps 10

Measured (the second command, loaded 2-core machine, float32, seed 0, CPU ms per Adam step,
median of 5 rounds of 10 steps): reverse 48.5, jet 39.6 (loss after training 2.73629e-3 both).
Burgers, hard constraints (``--dtype float32 --rounds 5 --steps 100 --variants
reverse,jet,reverse+xla,jet+xla``, jets in the transposed layout, XLA over the whole
``steps_per_execution`` loop): reverse 3.42, jet 3.52, reverse+xla 2.37, jet+xla 1.76
(loss 0.480333 in all four).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import bench_pde_accuracy as acc  # noqa: E402

VARIANTS = {"reverse": ("reverse", False), "reverse+xla": ("reverse", True), "forward": ("forward", False),
            "jet": ("jet", False), "jet+xla": ("jet", True)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--case", choices=("burgers", "laplacian"), default="burgers")
    parser.add_argument("--width", type=int, default=350, help="laplacian: width of the 3 sin layers")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {tuple(VARIANTS)}")
    args = parser.parse_args(argv)
    acc.set_threads(1)
    import keras

    from kextras_sci import pde

    keras.config.set_floatx(args.dtype)
    problem = acc.make_problem("burgers", args.seed)
    nu = problem["nu"]

    def burgers(u, u_t, u_x, u_xx):
        return u_t + u * u_x - nu * u_xx

    def laplacian(u, u_xx, u_yy, x, y):
        return u_xx + u_yy + 10.0 * u - keras.ops.sin(x)

    x_lap = np.random.default_rng(args.seed).uniform(-0.5, 0.5, (465, 2))

    def make(mode):
        if args.case == "burgers":
            residual = pde.PDEResidual(burgers, problem["x_pde"], name="pde", mode=mode)
            return pde.PINN(acc.build_net(args.seed), [residual], domain=problem["ref"].domain,
                            output_transform=acc.burgers_hard)
        keras.utils.set_random_seed(args.seed)
        net = keras.Sequential([keras.Input((2,))] + [keras.layers.Dense(args.width, keras.ops.sin) for _ in range(3)]
                               + [keras.layers.Dense(1)])
        return pde.PINN(net, [pde.PDEResidual(laplacian, x_lap, name="pde", mode=mode)], input_dim=2)

    pinns = {}
    for name in args.variants.split(","):
        mode, jit = VARIANTS[name]
        pinn = make(mode)
        pinn.compile(keras.optimizers.Adam(1e-3), jit_compile=jit)
        pinn.fit(epochs=1, steps_per_epoch=args.steps, verbose=0)  # tracing / compilation
        pinns[name] = pinn
    times = {k: [] for k in pinns}
    cpu = {k: [] for k in pinns}
    for _ in range(args.rounds):
        for name, pinn in pinns.items():
            t, c = time.perf_counter(), time.process_time()
            pinn.fit(epochs=1, steps_per_epoch=args.steps, verbose=0)
            times[name].append(1e3 * (time.perf_counter() - t) / args.steps)
            cpu[name].append(1e3 * (time.process_time() - c) / args.steps)
    row = {"bench": "pde_adam_variants", "case": args.case, "dtype": args.dtype, "seed": args.seed, "steps": args.steps}
    for name, pinn in pinns.items():
        row[name] = {"ms_median": float(np.median(times[name])), "ms_all": [round(v, 2) for v in times[name]],
                     "cpu_ms_median": float(np.median(cpu[name])), "cpu_ms_all": [round(v, 2) for v in cpu[name]],
                     "loss": float(pinn.compute_terms()[0])}
    print(json.dumps(row))


if __name__ == "__main__":
    main()
