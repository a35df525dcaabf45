"""Figures of docs/pde/techniques.md (run: python3 docs/pde/make_technique_figures.py).

Writes docs/pde/img/tech_*.png: the Allen-Cahn reference (ETDRK4), the RAD density
on a residual with a sharp front, and causal weights for several epsilons.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kextras_sci.pde.references.allen_cahn import AllenCahn1D  # noqa: E402
from kextras_sci.pde.sampling import rad_probabilities  # noqa: E402

OUT = Path(__file__).resolve().parent / "img"


def allen_cahn():
    ref = AllenCahn1D()
    x, t, u = ref.grid(512, 201)
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    im = ax[0].pcolormesh(t, x, u.T, shading="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    ax[0].set(xlabel="t", ylabel="x", title="Allen-Cahn reference u(x, t)")
    fig.colorbar(im, ax=ax[0])
    for tt in (0.0, 0.25, 0.5, 1.0):
        ax[1].plot(x, u[int(round(tt * 200))], label=f"t = {tt}")
    ax[1].set(xlabel="x", title="snapshots")
    ax[1].legend()
    ts, _, _ = ref.snapshots()
    ax[2].plot(ts, ref.energy())
    ax[2].set(xlabel="t", ylabel="E(u)", title="energy decays (gradient flow)")
    fig.tight_layout()
    fig.savefig(OUT / "tech_allen_cahn_reference.png", dpi=110)
    plt.close(fig)


def rad_density():
    rng = np.random.default_rng(0)
    cand = rng.uniform(-1, 1, (20000, 2))
    r = np.abs(np.tanh(20 * (cand[:, 0] - 0.3 * np.sin(3 * cand[:, 1]))) ** 2 - 1)  # residual at a front
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.8))
    ax[0].scatter(*cand[:1000].T, s=2)
    ax[0].set(title="uniform (1000 points)")
    for a, (k, c) in zip(ax[1:], [(1.0, 1.0), (2.0, 0.0)]):
        idx = rng.choice(len(cand), 1000, replace=False, p=rad_probabilities(r, k, c))
        a.scatter(*cand[idx].T, s=2, c="C3")
        a.set(title=f"RAD, k = {k:g}, c = {c:g}")
    for a in ax:
        a.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(OUT / "tech_rad_points.png", dpi=110)
    plt.close(fig)


def causal_weights():
    chunks = np.arange(32)
    losses = 0.05 * np.exp(chunks / 10.0)  # residual grows with t
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for eps in (1e-2, 1e-1, 1.0, 10.0, 100.0):
        w = np.exp(-eps * np.concatenate([[0.0], np.cumsum(losses)[:-1]]))
        ax.plot(chunks, w, label=f"eps = {eps:g}")
    ax.set(xlabel="time chunk i", ylabel="w_i", title="causal weights w_i = exp(-eps sum_{j<i} L_j)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "tech_causal_weights.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    allen_cahn()
    rad_density()
    causal_weights()
    print("figures written to", OUT)
