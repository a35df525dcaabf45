"""Helmholtz with a hole (``helmholtz_hole`` of bench_pde_deepxde_examples.py): kextras with
DeepXDE's ingredients swapped in, one at a time, to find why a run fails.

Ingredients: ``--points dde`` trains kextras on DeepXDE's points (its 465 residual points,
its hole / square boundary points for the Neumann / Dirichlet terms) instead of kextras'
default draw; ``--init dde`` copies DeepXDE's initial weights (``dde.nn.FNN`` under the
same seeding as the benchmark) into the Keras network; ``--eps`` is Keras Adam's epsilon
(default 1e-7; PyTorch's is 1e-8); ``--dde`` trains DeepXDE itself. One JSON line per run:
the relative L2 error on the benchmark's test grid and the loss terms after each tenth of
the steps.

    python3 benchmarks/bench_pde_helmholtz_swap.py --seed 0 --steps 2000 --points dde --init dde
    python3 benchmarks/bench_pde_helmholtz_swap.py --table docs/pde/img/helmholtz_swap.jsonl
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

import numpy as np  # noqa: E402

from _deepxde_examples_kextras import kx_net  # noqa: E402
from _deepxde_examples_reference import HOLE_R, K0, json_rows, rel, test_sets  # noqa: E402


def deepxde_setup(seed):
    """DeepXDE's Helmholtz data and network as the benchmark seeds them: (data, net, hole, outer)."""
    import deepxde as dde
    import torch

    k0, r = K0, HOLE_R
    dde.config.set_default_float("float32")
    dde.config.set_random_seed(seed)
    torch.manual_seed(seed)
    outer, hole = dde.geometry.Rectangle([-0.5, -0.5], [0.5, 0.5]), dde.geometry.Disk([0, 0], r)

    def pde_fn(x, y):
        lap = dde.grad.hessian(y, x, i=0, j=0) + dde.grad.hessian(y, x, i=1, j=1)
        return -lap - k0**2 * y - k0**2 * dde.backend.sin(k0 * x[:, 0:1]) * dde.backend.sin(k0 * x[:, 1:2])

    def neumann(x):
        g = np.concatenate([k0 * np.cos(k0 * x[:, :1]) * np.sin(k0 * x[:, 1:]),
                            k0 * np.sin(k0 * x[:, :1]) * np.cos(k0 * x[:, 1:])], 1)
        return np.sum(g * -hole.boundary_normal(x), axis=1, keepdims=True)

    geom = outer - hole
    bc_h = dde.icbc.NeumannBC(geom, neumann, lambda x, on_b: on_b and hole.on_boundary(x))
    bc_o = dde.icbc.DirichletBC(geom, lambda x: 0, lambda x, on_b: on_b and outer.on_boundary(x))
    data = dde.data.PDE(geom, pde_fn, [bc_h, bc_o], num_domain=225, num_boundary=240, num_test=900)
    net = dde.nn.FNN([2] + [350] * 3 + [1], "sin", "Glorot uniform")
    return data, net, hole, outer


def kextras_run(seed, steps, points, weights, eps):
    """kextras' helmholtz_hole case; ``points`` = DeepXDE's (residual, hole, square) or None,
    ``weights`` = DeepXDE's initial [(kernel, bias)] or None. Returns (error, info)."""
    import keras
    import tensorflow as tf
    from kextras_sci import pde

    k0, r = K0, HOLE_R
    keras.utils.set_random_seed(seed)
    dom = pde.Rectangle([-0.5, -0.5], [0.5, 0.5]) - pde.Disk([0, 0], r)
    on_hole = lambda x: np.isclose(np.linalg.norm(x, axis=1), r)  # noqa: E731
    dudn = lambda x: k0 * (np.cos(k0 * x[:, :1]) * np.sin(k0 * x[:, 1:]) * x[:, :1]  # noqa: E731
                           + np.sin(k0 * x[:, :1]) * np.cos(k0 * x[:, 1:]) * x[:, 1:]) / -r
    net = kx_net(2, 350, 3, act=tf.sin)
    pinn = pde.PINN(net, [
        pde.PDEResidual(lambda u, u_xx, u_yy, x, y: -u_xx - u_yy - k0**2 * u
                        - k0**2 * tf.sin(k0 * x) * tf.sin(k0 * y), dom, num_points=225, num_boundary=240),
        pde.NeumannBC(dom, dudn, num_points=120, where=on_hole, weight=10, name="neu"),
        pde.DirichletBC(dom, 0.0, num_points=120, where=lambda x: ~on_hole(x), weight=100, name="dir")],
        domain=dom, seed=seed)
    if points is not None:
        x_pde, x_hole, x_outer = points
        pinn.set_points("pde", x_pde)
        pinn.set_points("neu", {"x": x_hole, "y": dudn(x_hole), "normal": dom.boundary_normal(x_hole)})
        pinn.set_points("dir", {"x": x_outer, "y": np.zeros((len(x_outer), 1))})
    if weights is not None:
        for layer, (w, b) in zip([lay for lay in net.layers if isinstance(lay, keras.layers.Dense)], weights):
            layer.set_weights([w, b])
    x = pinn.points("pde")["x"]
    bnd = dom.on_boundary(x)
    info = {"pde_boundary_hole": int(on_hole(x[bnd]).sum()), "pde_boundary_square": int((~on_hole(x[bnd])).sum()),
            "neu_points": pinn.num_points("neu"), "dir_points": pinn.num_points("dir")}
    pinn.compile(keras.optimizers.Adam(1e-3, epsilon=eps))
    h = pinn.fit(epochs=10, steps_per_epoch=steps // 10, verbose=0)
    info["loss"] = {k: [float(f"{v:.3g}") for v in h.history[k]] for k in ("loss", "pde", "neu", "dir")}
    return rel(pinn.predict(test_sets("helmholtz_hole")[0], verbose=0), test_sets("helmholtz_hole")[1]), info


def table(path):
    """The markdown table of docs/pde/benchmarks.md (Helmholtz section) from this script's JSON lines."""
    rows = json_rows(path)
    out = ["| seed | side | points | initial weights | Adam eps | rel. L2 | loss at steps 1400 / 1600 / end | CPU s |",
           "|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["seed"], r["side"] != "kextras", r["points"], r["init"], -r["eps"])):
        name = {"kx": "kextras'", "dde": "DeepXDE's"}
        loss = r.get("loss", {}).get("loss")
        trail = " / ".join(f"{v:.3g}" for v in (loss[6], loss[7], loss[-1])) if loss and len(loss) == 10 else "-"
        out.append(f"| {r['seed']} | {r['side']} | {name[r['points']]} | {name[r['init']]} | {r['eps']:g} | "
                   f"{r['rel_l2']:.1e} | {trail} | {r['cpu_s']:.0f} |")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=2000, help="Adam steps (a multiple of 10)")
    p.add_argument("--points", choices=("kx", "dde"), default="kx")
    p.add_argument("--init", choices=("kx", "dde"), default="kx")
    p.add_argument("--eps", type=float, default=1e-7, help="Keras Adam epsilon")
    p.add_argument("--dde", action="store_true", help="train DeepXDE instead (its points and init)")
    p.add_argument("--table", metavar="JSONL", help="print the docs table of a file of this script's output, run nothing")
    args = p.parse_args(argv)
    if args.table:
        return print(table(args.table))
    import tensorflow as tf
    import torch

    torch.set_num_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    data, net, hole, outer = deepxde_setup(args.seed)
    x_all = np.asarray(data.train_x_all, np.float64)
    x_hole = x_all[np.array([hole.on_boundary(x) for x in x_all])]
    x_outer = x_all[np.array([outer.on_boundary(x) for x in x_all])]
    row = {"bench": "pde_helmholtz_swap", "seed": args.seed, "steps": args.steps, "points": args.points,
           "init": args.init, "eps": args.eps, "deepxde_hole": len(x_hole), "deepxde_square": len(x_outer)}
    cpu = time.process_time()
    if args.dde:
        import deepxde as dde

        model = dde.Model(data, net)
        model.compile("adam", lr=1e-3, loss_weights=[1, 10, 100])
        with contextlib.redirect_stdout(sys.stderr):  # DeepXDE prints its progress
            model.train(iterations=args.steps, display_every=args.steps, verbose=0)
        x, u = test_sets("helmholtz_hole")
        row.update(side="deepxde", rel_l2=rel(model.predict(np.float32(x)), u))
    else:
        weights = [(lin.weight.detach().numpy().T.copy(), lin.bias.detach().numpy().copy()) for lin in net.linears]
        err, info = kextras_run(args.seed, args.steps, (x_all, x_hole, x_outer) if args.points == "dde" else None,
                                weights if args.init == "dde" else None, args.eps)
        row.update(side="kextras", rel_l2=err, **info)
    row["cpu_s"] = round(time.process_time() - cpu, 2)
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
