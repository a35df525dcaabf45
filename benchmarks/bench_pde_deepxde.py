"""kextras_sci.pde against DeepXDE (PyTorch backend, CPU), side by side in one process.

Both libraries get the same problem, the same collocation points (DeepXDE receives them
as ``anchors`` and picks its boundary / initial points out of them with its own
``on_boundary`` / ``on_initial``), the same initial weights (the Keras Glorot-normal
draw is copied into DeepXDE's ``FNN``), the same loss (sum of mean squares, unit
weights), Adam at lr 1e-3 (eps 1e-8, PyTorch's default) for the same number of steps,
then L-BFGS with DeepXDE's default options (maxcor 100, gtol 1e-8, ftol 0, maxls 50,
up to the same number of iterations; DeepXDE runs ``torch.optim.LBFGS``, kextras SciPy's
L-BFGS-B by default (as in the earlier tables of docs/pde/benchmarks.md),
``--lbfgs-backend tensorflow`` its TensorFlow L-BFGS, ``both`` the two from the same
weights after Adam). The L-BFGS
stages run one after the other (not interleaved); each row has wall and CPU seconds and
the per-iteration time with and without the first compiled chunk.

The Adam phase alternates chunks of steps between the two libraries, so that both see
the same machine load; the time per Adam step is the median over chunks (the first
chunk, which includes tracing / compilation, is excluded). Both libraries are limited
to ``--threads`` CPU threads (default 1: on a shared machine OpenMP thread pools
oversubscribe the cores and PyTorch's step time explodes).

Cases: ``burgers`` (DeepXDE's Burgers configuration, see bench_pde_accuracy.py) and
``poisson_square``. Prints one JSON object per (case, seed).

    DDE_BACKEND=pytorch python3 benchmarks/bench_pde_deepxde.py --quick
    python3 benchmarks/bench_pde_deepxde.py --cases burgers --seeds 0
    python3 benchmarks/bench_pde_deepxde.py --cases burgers --seeds 0 --constraint hard \
        --adam-steps 3000 --chunks 6 --lbfgs-iters 2000

Measured (docs/pde/benchmarks.md): Burgers, hard constraints, full schedule, float32, seeds
0/1/2, idle machine: Adam step ratio 0.60 / 0.62 / 0.38, total time ratio 0.81 / 0.73 / 0.82,
final error 2.73e-2 / 4.24e-2 / 3.22e-2 (kextras) vs 2.34e-2 / 9.08e-2 / 3.40e-2 (DeepXDE);
float64: Adam step ratio 0.49 / 0.57 / 0.48, error 7.1e-3 / 3.1e-2 / 6.2e-2 vs 8.8e-3 / 4.0e-2 / 6.9e-2.
TensorFlow L-BFGS (``--quick --constraint hard --lbfgs-backend tensorflow``, loaded machine):
per-iteration ratio after the first (compiling) chunk 0.31 / 0.35 / 0.34 (float64, seeds
0/1/2), 0.24 / 0.15 / 0.24 (float32); whole 300-iteration stage 0.87-1.83 (XLA compile).

Adam step, CPU time per step (``cpu_ratio``), float32, one thread, seeds 0/1/2, loaded 2-core
machine, ``--adam-steps 1000 --chunks 5 --lbfgs-iters 0`` (error after the 1000 steps equal to
DeepXDE's to 4 digits in every row), default ``--mode auto`` (Taylor mode for the MLP):
``--cases poisson_square --jit``: 0.199 / 0.191 / 0.189 (1.42-1.44 ms vs 7.1-7.6 ms);
``--cases burgers --constraint hard --jit``: 0.235 / 0.238 / 0.234 (1.65-1.68 ms vs 6.9-7.2 ms).
``--jit`` is what the default ``jit_compile="auto"`` does in a fit of >= 2000 steps (the
200-step chunks here are shorter); without it: 0.402 / 0.400 / 0.407 and 0.494 / 0.508 / 0.484.
The code before (same machine, same hour): 0.436 / 0.459 / 0.446 and 0.529 / 0.519 / 0.518;
with ``--jit`` 0.453 / 0.457 / 0.424 and 0.479 / 0.480 / 0.478 (Keras compiled each step
separately; the PINN now compiles the loop of ``steps_per_execution`` steps as one XLA program,
and the Taylor-mode jets run in the transposed layout, see docs/pde/benchmarks.md).
Earlier (``--mode`` variants): poisson_square ``--mode reverse`` 0.41 / 0.46 / 0.46, ``--mode jet``
0.41 / 0.37 / 0.37; burgers hard ``--mode reverse`` 0.44 / 0.44 / 0.47.
Before these changes, full schedule ``--cases poisson_square`` (``--mode auto``, jet; 5000 Adam + L-BFGS,
seeds 0/1/2): Adam CPU ratio 0.38 / 0.40 / 0.41, error after Adam 7.81e-2 / 7.88e-2 / 9.32e-2
(DeepXDE 7.80e-2 / 7.88e-2 / 9.35e-2), final error 7.5e-4 / 1.67e-3 / 1.01e-3 (DeepXDE 1.23e-3 /
7.9e-4 / 1.02e-3).
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

CASES = ("burgers", "poisson_square")
FULL = {"burgers": (15000, 15000), "poisson_square": (5000, 5000)}
QUICK = {"burgers": (200, 300), "poisson_square": (200, 300)}


def make_problem(case, seed):
    problem = acc.make_problem(case, seed)
    if case == "poisson_square":
        # DeepXDE evaluates the PDE residual on all its points (boundary included): match it.
        problem["x_pde"] = np.concatenate([problem["x_interior"], problem["x_boundary"]])
    return problem


def deepxde_model(problem, keras_net, constraint="soft", dtype="float32"):
    """The DeepXDE model of ``problem`` with the weights of ``keras_net``.

    ``constraint="hard"`` (Burgers): no BC/IC terms, the output transform
    ``u = -sin(pi x) + t (1 - x^2) N`` (DeepXDE's ``net.apply_output_transform``),
    the same as :func:`bench_pde_accuracy.burgers_hard`.
    """
    import deepxde as dde
    import torch

    dde.config.set_default_float(dtype)
    name = problem["name"]
    anchors = problem["x_pde"].astype(dtype)
    if name == "burgers":
        nu = problem["nu"]
        geom = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1), dde.geometry.TimeDomain(0, 1))

        def pde(x, y):
            dy_x = dde.grad.jacobian(y, x, i=0, j=0)
            dy_t = dde.grad.jacobian(y, x, i=0, j=1)
            dy_xx = dde.grad.hessian(y, x, i=0, j=0)
            return dy_t + y * dy_x - nu * dy_xx

        if constraint == "hard":
            data = dde.data.TimePDE(geom, pde, [], num_domain=0, num_boundary=0, num_initial=0, anchors=anchors)
            expected_bcs = []
        else:
            bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda _, on_boundary: on_boundary)
            ic = dde.icbc.IC(geom, lambda x: -np.sin(np.pi * x[:, 0:1]), lambda _, on_initial: on_initial)
            data = dde.data.TimePDE(geom, pde, [bc, ic], num_domain=0, num_boundary=0, num_initial=0, anchors=anchors)
            expected_bcs = [len(problem["x_boundary"]), len(problem["x_initial"])]
    elif name == "poisson_square":
        ref = problem["ref"]
        geom = dde.geometry.Rectangle([0, 0], [1, 1])
        k2 = float((ref.a**2 + ref.b**2) * np.pi**2)

        def pde(x, y):
            lap = dde.grad.hessian(y, x, i=0, j=0) + dde.grad.hessian(y, x, i=1, j=1)
            f = k2 * torch.sin(ref.a * np.pi * x[:, 0:1]) * torch.sin(ref.b * np.pi * x[:, 1:2])
            return -lap - f

        bc = dde.icbc.DirichletBC(geom, lambda x: ref.solution(x), lambda _, on_boundary: on_boundary)
        data = dde.data.PDE(geom, pde, bc, num_domain=0, num_boundary=0, anchors=anchors)
        expected_bcs = [len(problem["x_boundary"])]
    else:  # pragma: no cover
        raise ValueError(f"unknown case {name!r}")
    net = dde.nn.FNN([problem["x_pde"].shape[1]] + [20] * 3 + [1], "tanh", "Glorot normal")
    dense = [layer for layer in keras_net.layers if layer.weights]
    with torch.no_grad():
        for linear, layer in zip(net.linears, dense):
            kernel, bias = (np.asarray(w) for w in layer.get_weights())
            linear.weight.copy_(torch.as_tensor(kernel.T))
            linear.bias.copy_(torch.as_tensor(bias))
    if constraint == "hard":
        net.apply_output_transform(
            lambda x, y: -torch.sin(np.pi * x[:, 0:1]) + x[:, 1:2] * (1.0 - x[:, 0:1] ** 2) * y
        )
    model = dde.Model(data, net)
    return model, data, expected_bcs


def kextras_lbfgs(pinn, iters, restarts, backend, prefix):
    """One kextras L-BFGS stage with DeepXDE's options; times per iteration with and without the first chunk.

    ``iter_ms`` is the wall time of the whole stage (tracing, XLA compilation included) per
    iteration; ``iter_ms_steady`` leaves out the iterations of the first history time stamp
    (the TensorFlow backend stamps once per compiled chunk of 50 iterations, the first
    of which includes the compilation; SciPy stamps every iteration).
    """
    import time as _time

    from kextras_sci import pde

    cpu = _time.process_time()
    t = _time.perf_counter()
    res = pde.minimize_lbfgs(pinn, maxiter=iters, maxcor=100, gtol=1e-8, ftol=0.0, maxls=50, restarts=restarts,
                             verbose=0, backend=backend)
    seconds, cpu = _time.perf_counter() - t, _time.process_time() - cpu
    times = np.asarray(res.history["time"])
    first = int(np.sum(times == times[0])) if len(times) else 0
    steady = (times[-1] - times[first - 1]) / (len(times) - first) if len(times) > first else float("nan")
    return {
        f"{prefix}_lbfgs_iters": int(res.iterations),
        f"{prefix}_lbfgs_nfev": int(res.nfev),
        f"{prefix}_lbfgs_message": res.message,
        f"{prefix}_lbfgs_restarts": int(res.restarts),
        f"{prefix}_lbfgs_s": seconds,
        f"{prefix}_lbfgs_cpu_s": cpu,
        f"{prefix}_lbfgs_iter_ms": 1e3 * seconds / max(int(res.iterations), 1),
        f"{prefix}_lbfgs_iter_ms_steady": 1e3 * steady,
        f"{prefix}_final_loss": float(res.loss),
    }


def run_case(case, seed, adam_steps, lbfgs_iters, chunks, threads, constraint="soft", dtype="float32", restarts=0,
             lbfgs_backend="scipy", jit_compile=False, mode="auto"):
    import deepxde as dde
    import keras

    constraint = constraint if case == "burgers" else "soft"
    problem = make_problem(case, seed)
    keras.config.set_floatx(dtype)  # the whole PINN (points, weights, Glorot draw) in this precision
    net = acc.build_net(seed)
    pinn = acc.kextras_pinn(problem, net, constraint=constraint)
    for cond in pinn.conditions:  # the derivative engine of the residual (pde.operators.derivatives)
        if hasattr(cond, "mode"):
            cond.mode = mode
    model, data, expected_bcs = deepxde_model(problem, net, constraint=constraint, dtype=dtype)
    x_eval, u_eval = problem["x_eval"], problem["u_eval"]

    def dde_err():
        pred = model.predict(x_eval.astype(dtype))
        return float(np.linalg.norm(pred - u_eval) / np.linalg.norm(u_eval))

    # ---- Adam, alternating chunks ------------------------------------------------
    # "auto" (the library default) compiles with XLA only fits of >= 2000 steps (XLA_MIN_STEPS), so not the chunks here
    pinn.compile(keras.optimizers.Adam(1e-3, epsilon=1e-8), jit_compile=True if jit_compile else "auto")
    model.compile("adam", lr=1e-3)
    sizes = [adam_steps // chunks] * chunks
    sizes[0] += adam_steps - sum(sizes)
    kx_times, dde_times, kx_cpu, dde_cpu = [], [], [], []
    for i, n in enumerate(sizes):
        t, c = time.perf_counter(), time.process_time()
        pinn.fit(epochs=1, steps_per_epoch=n, verbose=0)
        kx_times.append((time.perf_counter() - t, n))
        kx_cpu.append((time.process_time() - c, n))
        t, c = time.perf_counter(), time.process_time()
        model.train(iterations=n, display_every=max(n, 1), verbose=0)
        dde_times.append((time.perf_counter() - t, n))
        dde_cpu.append((time.process_time() - c, n))
        if i == 0 and data.num_bcs != expected_bcs:
            print(
                json.dumps({"warning": f"DeepXDE picked {data.num_bcs} boundary/initial points, expected {expected_bcs}"}),
                file=sys.stderr,
            )
    def per_step(times):  # median over chunks, the first (tracing) left out
        return float(np.median([t / n for t, n in times[1:]] or [times[0][0] / times[0][1]]))

    kx_step, dde_step = per_step(kx_times), per_step(dde_times)
    kx_step_cpu, dde_step_cpu = per_step(kx_cpu), per_step(dde_cpu)
    kx_adam_err = pinn.relative_l2_error(x_eval, u_eval)
    dde_adam_err = dde_err()
    interim = {"stage": "adam done", "case": case, "seed": seed, "constraint": constraint, "dtype": dtype,
               "kextras_adam_step_ms": 1e3 * kx_step,
               "deepxde_adam_step_ms": 1e3 * dde_step, "ratio": kx_step / dde_step,
               "cpu_ratio": kx_step_cpu / dde_step_cpu,
               "kextras_rel_l2_adam": kx_adam_err, "deepxde_rel_l2_adam": dde_adam_err}
    print(json.dumps(interim), file=sys.__stderr__, flush=True)

    # ---- L-BFGS ---------------------------------------------------------------------
    row_lbfgs = {}
    if lbfgs_iters:
        after_adam = [w.copy() for w in pinn.get_weights()]
        backends = ("scipy", "tensorflow") if lbfgs_backend == "both" else (lbfgs_backend,)
        for i, backend in enumerate(backends):
            if i:
                row_lbfgs[f"kextras_{backends[0]}_rel_l2"] = pinn.relative_l2_error(x_eval, u_eval)
                pinn.set_weights(after_adam)
            row_lbfgs.update(kextras_lbfgs(pinn, lbfgs_iters, restarts, backend, prefix=f"kextras_{backend}"))
        dde.optimizers.config.set_LBFGS_options(maxcor=100, ftol=0, gtol=1e-8, maxiter=lbfgs_iters, maxls=50)
        # DeepXDE 1.15 computes the PyTorch chunking only at import (for maxiter=15000):
        # without this, a smaller maxiter still runs a first chunk of 1000 iterations.
        opts = dde.optimizers.config.LBFGS_options
        opts["iter_per_step"] = min(1000, opts["maxiter"])
        opts["fun_per_step"] = opts["maxfun"] * opts["iter_per_step"] // opts["maxiter"]
        model.compile("L-BFGS")
        cpu, t = time.process_time(), time.perf_counter()
        model.train(verbose=0)
        dde_lbfgs_s, dde_lbfgs_cpu = time.perf_counter() - t, time.process_time() - cpu
        dde_iters = int(model.opt.state_dict()["state"][0]["n_iter"]) if model.opt.state_dict()["state"] else 0
        last = f"kextras_{backends[-1]}"
        row_lbfgs.update({
            "lbfgs_max_iters": lbfgs_iters,
            "lbfgs_backend": lbfgs_backend,
            "kextras_lbfgs_iters": row_lbfgs[f"{last}_lbfgs_iters"],
            "kextras_lbfgs_s": row_lbfgs[f"{last}_lbfgs_s"],
            "deepxde_lbfgs_iters": dde_iters,
            "deepxde_lbfgs_s": dde_lbfgs_s,
            "deepxde_lbfgs_cpu_s": dde_lbfgs_cpu,
            "deepxde_lbfgs_iter_ms": 1e3 * dde_lbfgs_s / max(dde_iters, 1),
            "deepxde_final_loss": float(np.sum(model.train_state.loss_train)),
        })
        for backend in backends:
            for key in ("iter_ms", "iter_ms_steady"):
                row_lbfgs[f"kextras_{backend}_lbfgs_{key}_ratio"] = (
                    row_lbfgs[f"kextras_{backend}_lbfgs_{key}"] / row_lbfgs["deepxde_lbfgs_iter_ms"])
    kx_err = pinn.relative_l2_error(x_eval, u_eval)
    pred = pinn.predict(x_eval, verbose=0)
    dde_final = dde_err()
    return {
        "bench": "pde_deepxde",
        "case": case,
        "seed": seed,
        "constraint": constraint,
        "dtype": dtype,
        "threads": threads,
        "adam_steps": adam_steps,
        "jit_compile": jit_compile,
        "mode": mode,
        "kextras_adam_step_ms": 1e3 * kx_step,
        "deepxde_adam_step_ms": 1e3 * dde_step,
        "ratio": kx_step / dde_step,
        "kextras_adam_step_cpu_ms": 1e3 * kx_step_cpu,
        "deepxde_adam_step_cpu_ms": 1e3 * dde_step_cpu,
        "cpu_ratio": kx_step_cpu / dde_step_cpu,
        "kextras_s": sum(t for t, _ in kx_times) + row_lbfgs.get("kextras_lbfgs_s", 0.0),
        "deepxde_s": sum(t for t, _ in dde_times) + row_lbfgs.get("deepxde_lbfgs_s", 0.0),
        "kextras_rel_l2_adam": kx_adam_err,
        "deepxde_rel_l2_adam": dde_adam_err,
        "kextras_rel_l2": kx_err,
        "deepxde_rel_l2": dde_final,
        "max_abs_err": float(np.max(np.abs(pred - u_eval))),
        **row_lbfgs,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few steps (< 2 minutes)")
    parser.add_argument("--cases", default=None, help=f"comma-separated subset of {CASES}")
    parser.add_argument("--seeds", default=None, help="default 0,1,2 (--quick: 0)")
    parser.add_argument("--adam-steps", type=int, default=None)
    parser.add_argument("--lbfgs-iters", type=int, default=None)
    parser.add_argument("--chunks", type=int, default=None, help="Adam chunks alternated between libraries")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per library (default 1)")
    parser.add_argument("--constraint", choices=("soft", "hard"), default="soft",
                        help="Burgers: IC/BC as loss terms (soft) or by an output transform (hard), in both libraries")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--restarts", type=int, default=0, help="kextras L-BFGS restarts after line-search failures")
    parser.add_argument("--jit", action="store_true", help="kextras: compile the Adam training loop with XLA (what the default jit_compile='auto' does in a fit "
                             "of >= 2000 steps; the chunks of this benchmark are shorter)")
    parser.add_argument("--mode", choices=("auto", "jet", "reverse", "forward"), default="auto",
                        help="kextras derivative engine of the residual (jet: Taylor mode through the MLP)")
    parser.add_argument("--lbfgs-backend", choices=("scipy", "tensorflow", "both"), default="scipy",
                        help="kextras L-BFGS backend; 'both' runs SciPy then TensorFlow from the same Adam weights")
    args = parser.parse_args(argv)
    import torch  # noqa: F401  (so that set_threads limits it too)

    acc.set_threads(args.threads)
    cases = (args.cases or ("burgers" if args.quick else ",".join(CASES))).split(",")
    for c in cases:
        if c not in CASES:
            parser.error(f"unknown case {c!r}; choose from {CASES}")
    seeds = [int(s) for s in (args.seeds or ("0" if args.quick else "0,1,2")).split(",") if s]
    schedule = QUICK if args.quick else FULL
    for case in cases:
        adam, lbfgs = schedule[case]
        adam = args.adam_steps if args.adam_steps is not None else adam
        lbfgs = args.lbfgs_iters if args.lbfgs_iters is not None else lbfgs
        chunks = args.chunks or (4 if args.quick else 15)
        for seed in seeds:
            with contextlib.redirect_stdout(sys.stderr):  # DeepXDE prints its progress
                row = run_case(case, seed, adam, lbfgs, chunks, args.threads, constraint=args.constraint,
                               dtype=args.dtype, restarts=args.restarts, lbfgs_backend=args.lbfgs_backend,
                               jit_compile=args.jit, mode=args.mode)
            row["quick"] = bool(args.quick)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
