"""Compares the sampling methods by the largest empty gap; writes docs/pde/img/sampling_methods.png.

The largest gap (dispersion) of a point set P in a domain D is
``max_{z in D} min_{p in P} |z - p|``: the radius of the largest ball free of
points, i.e. the largest region where the residual is never evaluated. It is
measured on a fine grid (1-D: 20001 points of [0, 1]; 2-D: 301 x 301 points of
[0, 1]^2), for n = 10 ... 500 points (not powers of two, which favour Sobol) and seeds 0-19; the table gives the median
over seeds and the [min, max] spread, in units of the ideal spacing 1/n (1-D)
and 1/sqrt(n) (2-D).

Usage: python docs/pde/make_sampling_figure.py   (prints the markdown table)
"""

import os
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from kextras_sci import pde  # noqa: E402

HERE = Path(__file__).resolve().parent
METHODS = ("hammersley", "sobol", "halton", "lhs", "uniform")
SIZES = (10, 20, 50, 100, 200, 500)
SEEDS = range(20)
GRID = {1: np.linspace(0, 1, 20001)[:, None],
        2: np.stack(np.meshgrid(np.linspace(0, 1, 301), np.linspace(0, 1, 301)), -1).reshape(-1, 2)}
DOMAINS = {1: pde.Interval(0, 1), 2: pde.Rectangle([0, 0], [1, 1])}


def largest_gap(points, d):
    return float(cKDTree(points).query(GRID[d])[0].max())


def measure():
    out = {}  # (d, method, n) -> gaps in units of the ideal spacing
    for d, dom in DOMAINS.items():
        for method in METHODS:
            for n in SIZES:
                unit = 1.0 / n if d == 1 else 1.0 / np.sqrt(n)
                out[d, method, n] = np.array(
                    [largest_gap(dom.sample_interior(n, method=method, seed=s), d) / unit for s in SEEDS]
                )
    return out


def table(gaps):
    lines = []
    for d in DOMAINS:
        lines.append(f"\n{d}-D, largest gap / ideal spacing (median [min, max] over {len(SEEDS)} seeds):\n")
        lines.append("| method | " + " | ".join(f"n={n}" for n in SIZES) + " |")
        lines.append("|---" * (len(SIZES) + 1) + "|")
        for method in METHODS:
            cells = [f"{np.median(g):.2f} [{g.min():.2f}, {g.max():.2f}]" for g in (gaps[d, method, n] for n in SIZES)]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def figure(gaps, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(METHODS) + 1, figsize=(3.0 * (len(METHODS) + 1), 3.2))
    for ax, method in zip(axes, METHODS):
        p = DOMAINS[2].sample_interior(64, method=method, seed=0)
        ax.scatter(p[:, 0], p[:, 1], s=8)
        r = largest_gap(p, 2)
        z = GRID[2][np.argmax(cKDTree(p).query(GRID[2])[0])]
        ax.add_patch(plt.Circle(z, r, fill=False, color="tab:red"))
        ax.set(title=f"{method}\nlargest gap {r:.3f}", xlim=(0, 1), ylim=(0, 1), aspect="equal", xticks=[], yticks=[])
    ax = axes[-1]
    for method in METHODS:
        med = [np.median(gaps[2, method, n]) for n in SIZES]
        ax.plot(SIZES, med, marker="o", label=method)
    ax.set(xscale="log", xlabel="points n", ylabel="largest gap x sqrt(n)", title="2-D, median of 20 seeds")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    gaps = measure()
    (HERE / "img").mkdir(exist_ok=True)
    figure(gaps, HERE / "img" / "sampling_methods.png")
    print(table(gaps))


if __name__ == "__main__":
    main()
