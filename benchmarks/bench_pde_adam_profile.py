"""Where the time of one kextras PINN Adam step goes, next to DeepXDE-PyTorch's step (one process, one thread).

For one case of bench_pde_deepxde.py (same points, weights, loss) it times, in CPU ms per
step (median of ``--rounds`` rounds of ``--steps`` steps, after one warm-up round):
``fit`` (the library default for a fit of that length) and ``fit_xla``
(``compile(jit_compile=True)``); hand-written ``tf.function`` loops over the same loss
(``pinn.compute_terms``): the whole step (``loop``, ``loop_xla``), the loss and its
gradient without the optimizer (``loss_grad``), the loss alone, derivatives included
(``loss``), and Keras' Adam update alone on fixed gradients (``adam``); DeepXDE's step
(``deepxde``). ``ops_loss`` / ``ops_loss_grad`` count the operations of the traced loss and
loss + gradient graphs. Prints one JSON object.

    python3 benchmarks/bench_pde_adam_profile.py --case poisson_square
    python3 benchmarks/bench_pde_adam_profile.py --case burgers --constraint hard
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time

os.environ["DDE_BACKEND"] = "pytorch"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import bench_pde_accuracy as acc  # noqa: E402
import bench_pde_deepxde as bd  # noqa: E402


def _cpu_ms(fn, steps, rounds):
    fn()
    out = []
    for _ in range(rounds):
        c = time.process_time()
        fn()
        out.append(1e3 * (time.process_time() - c) / steps)
    return float(np.median(out))


def _loop(tf, body, steps, jit):
    def run():
        return tf.while_loop(lambda i: i < steps, lambda i: (body(), i + 1)[1], (tf.constant(0),))

    return tf.function(run, jit_compile=jit, autograph=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=bd.CASES, default="poisson_square")
    parser.add_argument("--constraint", choices=("soft", "hard"), default="soft")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    import torch  # noqa: F401  (so that set_threads limits it too)

    acc.set_threads(1)
    import keras
    import tensorflow as tf

    constraint = args.constraint if args.case == "burgers" else "soft"
    problem = bd.make_problem(args.case, args.seed)
    net = acc.build_net(args.seed)
    start = [w.copy() for w in net.get_weights()]
    steps, rounds = args.steps, args.rounds
    row = {"bench": "pde_adam_profile", "case": args.case, "constraint": constraint, "seed": args.seed, "steps": steps}
    for name, jit in (("fit", "auto"), ("fit_xla", True)):
        net.set_weights(start)
        pinn = acc.kextras_pinn(problem, net, constraint=constraint)
        try:
            pinn.compile(keras.optimizers.Adam(1e-3, epsilon=1e-8), jit_compile=jit)
        except ValueError:  # a PINN.compile without "auto"
            pinn.compile(keras.optimizers.Adam(1e-3, epsilon=1e-8), jit_compile=jit is True)
        row[name] = _cpu_ms(lambda: pinn.fit(epochs=1, steps_per_epoch=steps, verbose=0), steps, rounds)
    variables = pinn.trainable_variables
    opt = keras.optimizers.Adam(1e-3, epsilon=1e-8)
    opt.build(variables)

    def step():
        with tf.GradientTape() as tape:
            total, _ = pinn.compute_terms()
        opt.apply_gradients(zip(tape.gradient(total, variables), variables))

    def loss_grad():
        with tf.GradientTape() as tape:
            total, _ = pinn.compute_terms()
        return tape.gradient(total, variables)

    sink = tf.Variable(0.0, dtype=pinn.compute_dtype)
    fixed = [tf.fill(v.shape, tf.constant(1e-6, v.dtype)) for v in variables]
    adam = keras.optimizers.Adam(1e-3)
    adam.build(variables)
    bodies = {
        "loop": (step, False), "loop_xla": (step, True),
        "loss_grad": (lambda: sink.assign_add(tf.add_n([tf.reduce_sum(g) for g in loss_grad()])), False),
        "loss": (lambda: sink.assign_add(pinn.compute_terms()[0]), False),
        "adam": (lambda: adam.apply_gradients(zip(fixed, variables)), False),
    }
    for name, (body, jit) in bodies.items():
        row[name] = _cpu_ms(_loop(tf, body, steps, jit), steps, rounds)
    row["ops_loss"] = len(tf.function(lambda: pinn.compute_terms()[0]).get_concrete_function().graph.get_operations())
    row["ops_loss_grad"] = len(tf.function(loss_grad).get_concrete_function().graph.get_operations())
    net.set_weights(start)
    model, _, _ = bd.deepxde_model(problem, net, constraint=constraint)
    model.compile("adam", lr=1e-3)
    with contextlib.redirect_stdout(sys.stderr):  # DeepXDE prints its progress
        row["deepxde"] = _cpu_ms(lambda: model.train(iterations=steps, display_every=steps, verbose=0), steps, rounds)
    for k in ("fit", "fit_xla", "loop", "loop_xla"):
        row[f"{k}_ratio"] = row[k] / row["deepxde"]
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}), flush=True)


if __name__ == "__main__":
    main()
