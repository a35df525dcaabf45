"""Figure of the Allen-Cahn benchmark: reference vs time-marching PINN vs error.

Writes ``docs/pde/img/allen_cahn.png``. The prediction comes from the benchmark
(``benchmarks/bench_pde_allen_cahn.py --save pred.npz``), given with ``--pred``;
without ``--pred`` the benchmark's ``run`` is called here with ``--minutes``
(default 30) of wall time.

Usage: python3 docs/pde/make_allen_cahn_figure.py [--pred pred.npz] [--minutes M] [--out PNG]
"""

from __future__ import annotations

import argparse
import importlib.util
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _benchmark():
    spec = importlib.util.spec_from_file_location("bench_pde_allen_cahn", ROOT / "benchmarks" / "bench_pde_allen_cahn.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def compute(minutes, seed=0):
    """Runs the benchmark's time-marching PINN; returns the arrays the figure needs."""
    from kextras_sci.pde.references.allen_cahn import AllenCahn1D

    bench = _benchmark()
    ref = AllenCahn1D()
    xs, ts, u = ref.grid(512, 201)
    X, T = np.meshgrid(xs, ts)
    pts = np.stack([X.ravel(), T.ravel()], 1)
    row, march = bench.run(seed, minutes, 10, ref_grid=None, log=False)
    pred = march.predict(pts).reshape(u.shape)
    err = float(np.linalg.norm(pred - u) / np.linalg.norm(u))
    return {"x": xs, "t": ts, "u_ref": u, "u_pred": pred, "rel_l2": err, "wall_s": row["wall_s"],
            "windows": row["windows"], "seed": seed}


def plot(data, out):
    x, t, ur, up = data["x"], data["t"], data["u_ref"], data["u_pred"]
    err = np.abs(up - ur)
    fig = plt.figure(figsize=(14, 7.6))
    outer = fig.add_gridspec(2, 1, height_ratios=[1.0, 0.85], hspace=0.32)
    top = outer[0].subgridspec(1, 3, wspace=0.28)
    bottom = outer[1].subgridspec(1, 4, wspace=0.3)
    titles = ["reference (ETDRK4)", f"time-marching PINN ({int(data['windows'])} windows)", "|error|"]
    for i, (field, title) in enumerate(zip([ur, up, err], titles)):
        ax = fig.add_subplot(top[0, i])
        kw = {"cmap": "magma", "shading": "auto"} if i == 2 else {"cmap": "RdBu_r", "vmin": -1, "vmax": 1, "shading": "auto"}
        im = ax.pcolormesh(t, x, field.T, rasterized=True, **kw)
        fig.colorbar(im, ax=ax, fraction=0.05, pad=0.03)
        ax.set_xlabel("t")
        ax.set_ylabel("x")
        ax.set_title(title, fontsize=10)
        if i == 2:
            for tb in np.linspace(0, t[-1], int(data["windows"]) + 1)[1:-1]:
                ax.axvline(tb, color="w", lw=0.5, ls=":")
    for j, frac in enumerate([0.25, 0.5, 0.75, 1.0]):
        tt = frac * t[-1]
        ax = fig.add_subplot(bottom[0, j])
        k = int(np.argmin(np.abs(t - tt)))
        ax.plot(x, ur[k], "k-", lw=2.2, label="reference")
        ax.plot(x, up[k], "r--", lw=1.3, label="PINN")
        ax.set_title(f"t = {t[k]:.2f}", fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylim(-1.1, 1.1)
        if j == 0:
            ax.legend(fontsize=8, loc="lower center")
    fig.suptitle(
        "Allen-Cahn  u_t - 1e-4 u_xx + 5u^3 - 5u = 0,  u0 = x^2 cos(pi x): "
        f"relative L2 error {float(data['rel_l2']):.2e} (512 x 201 grid)",
        fontsize=11,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {out} (rel L2 {float(data['rel_l2']):.3e})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pred", default=None, help=".npz written by bench_pde_allen_cahn.py --save")
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--out", default=str(HERE / "img" / "allen_cahn.png"))
    args = ap.parse_args(argv)
    if args.pred:
        with np.load(args.pred) as f:
            data = {k: f[k] for k in f.files}
    else:
        data = compute(args.minutes)
    plot(data, pathlib.Path(args.out))


if __name__ == "__main__":
    main()
