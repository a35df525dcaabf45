"""Figures of docs/pde/techniques.md (run: python3 docs/pde/make_technique_figures.py).

Writes docs/pde/img/tech_*.png: the Allen-Cahn reference (ETDRK4), the RAD density
on a residual with a sharp front, causal weights for several epsilons, and one
before/after picture per technique family, each from short training runs made here
(about 10 minutes on an idle 2-core CPU; ``--only NAME`` makes one of them):

* ``tech_balancing_before_after.png``: Helmholtz (a1 = 1, a2 = 4, k = 1), unweighted
  loss vs NTK weights, same network and steps;
* ``tech_sampling_before_after.png``: Burgers, uniform points vs RAR, same budget;
* ``tech_architecture_before_after.png``: a two-scale function fitted by a plain MLP
  vs the same MLP on ``FourierFeatures`` (spectral bias);
* ``tech_inverse_before_after.png``: diffusion-reaction coefficients ``d, k``
  recovered from observations with 1 % noise (Adam then L-BFGS).
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from kextras_sci.pde.references.allen_cahn import AllenCahn1D  # noqa: E402
from kextras_sci.pde.sampling import rad_probabilities  # noqa: E402

OUT = Path(__file__).resolve().parent / "img"


def _save(fig, name):
    fig.tight_layout()
    fig.savefig(OUT / name, dpi=110)
    plt.close(fig)


def _error_panels(fig, axes, gx, gy, ref, xlabel, panels):
    """One ``|pred - ref|`` map per ``(pred, title)`` in ``panels``, on a shared colour scale."""
    vmax = max(np.abs(pred - ref).max() for pred, _ in panels)
    for a, (pred, title) in zip(axes, panels):
        im = a.pcolormesh(gx, gy, np.abs(pred - ref), shading="auto", cmap="magma", vmin=0, vmax=vmax)
        a.set_title(title, fontsize=10)
        a.set_xlabel(xlabel)
        fig.colorbar(im, ax=a)


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
    _save(fig, "tech_allen_cahn_reference.png")


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
    _save(fig, "tech_rad_points.png")


def causal_weights():
    chunks = np.arange(32)
    losses = 0.05 * np.exp(chunks / 10.0)  # residual grows with t
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for eps in (1e-2, 1e-1, 1.0, 10.0, 100.0):
        w = np.exp(-eps * np.concatenate([[0.0], np.cumsum(losses)[:-1]]))
        ax.plot(chunks, w, label=f"eps = {eps:g}")
    ax.set(xlabel="time chunk i", ylabel="w_i", title="causal weights w_i = exp(-eps sum_{j<i} L_j)")
    ax.legend()
    _save(fig, "tech_causal_weights.png")




# ------------------------------------------------------------ before / after
def _mlp(width, depth, inputs=2, head=()):
    import keras

    return keras.Sequential(
        [keras.Input((inputs,))] + list(head) + [keras.layers.Dense(width, "tanh") for _ in range(depth)]
        + [keras.layers.Dense(1)]
    )


def balancing_before_after(steps=2000):
    import keras
    import tensorflow as tf

    from kextras_sci import pde
    from kextras_sci.pde import balancing as bal
    from kextras_sci.pde.references import HelmholtzSquare

    ref = HelmholtzSquare(k=1.0, a=1, b=4)
    xs = np.linspace(0, 1, 101)
    X, Y = np.meshgrid(xs, xs)
    pts = np.stack([X.ravel(), Y.ravel()], 1)
    u_ref = ref.solution(pts).reshape(X.shape)
    out = {}
    for variant in ("none", "ntk"):
        keras.utils.set_random_seed(0)

        def residual(u, u_xx, u_yy, x, y):
            return u_xx + u_yy + u - ref.source(tf.concat([x, y], axis=1))

        conds = [pde.PDEResidual(residual, ref.domain, num_points=1024, method="uniform", include_boundary=False),
                 pde.DirichletBC(ref.domain, 0.0, num_points=256, method="uniform", name="bc")]
        pinn = pde.PINN(_mlp(32, 3), conds, domain=ref.domain)
        cbs = [bal.NTKWeighting(num_points=32, update_every=100)] if variant == "ntk" else []
        pinn.compile(keras.optimizers.Adam(1e-3), steps_per_execution=1)
        pinn.fit(epochs=steps // 100, steps_per_epoch=100, callbacks=cbs, verbose=0)
        out[variant] = (pinn.predict(pts, verbose=0).reshape(X.shape), pinn.relative_l2_error(pts, u_ref.reshape(-1, 1)),
                        pinn.term_weights["bc"].numpy())
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    im = ax[0].pcolormesh(X, Y, u_ref, shading="auto", cmap="RdBu_r")
    ax[0].set(title="reference sin(pi x) sin(4 pi y)", xlabel="x", ylabel="y")
    fig.colorbar(im, ax=ax[0])
    _error_panels(fig, ax[1:], X, Y, u_ref, "x", [
        (out[v][0], f"{label}: |u - u_ref|\nrel. L2 {out[v][1]:.2g} (w_bc = {out[v][2]:.3g})")
        for v, label in [("none", "unweighted"), ("ntk", "NTKWeighting")]])
    fig.suptitle(f"Loss balancing, Helmholtz, MLP 3x32, {steps} Adam steps")
    _save(fig, "tech_balancing_before_after.png")
    return {v: out[v][1] for v in out}


def sampling_before_after(steps=3000):
    import keras

    from kextras_sci import pde
    from kextras_sci.pde import sampling
    from kextras_sci.pde.references import Burgers1D

    ref = Burgers1D()
    nu = ref.coefficients["nu"]
    xs, ts, u = ref.grid(256, 100)
    X, T = np.meshgrid(xs, ts)
    pts = np.stack([X.ravel(), T.ravel()], 1)
    out = {}
    for variant in ("uniform", "rar"):
        keras.utils.set_random_seed(0)
        conds = [
            pde.PDEResidual(lambda u, u_t, u_x, u_xx: u_t + u * u_x - nu * u_xx, ref.domain,
                            num_points=2000 if variant == "uniform" else 1500, method="uniform", include_boundary=False),
            pde.DirichletBC(ref.domain, 0.0, num_points=100, method="uniform", name="bc"),
            pde.InitialCondition(ref.domain, lambda x: -np.sin(np.pi * x[:, :1]), num_points=200, method="uniform"),
        ]
        pinn = pde.PINN(_mlp(32, 3), conds, domain=ref.domain)
        rounds = steps // 500 - 1
        cbs = [sampling.RAR("pde", num_add=-(-500 // rounds), every=500, num_candidates=10000, max_points=2000,
                              method="uniform")] if variant == "rar" else []
        pinn.compile(keras.optimizers.Adam(1e-3))
        pinn.fit(epochs=steps // 100, steps_per_epoch=100, callbacks=cbs, verbose=0)
        out[variant] = (pinn.predict(pts, verbose=0).reshape(X.shape), pinn.relative_l2_error(pts, u.reshape(-1, 1)),
                        pinn.points("pde")["x"])
    fig, ax = plt.subplots(1, 3, figsize=(14, 3.6))
    pts_rar = out["rar"][2]
    ax[0].scatter(pts_rar[:1500, 1], pts_rar[:1500, 0], s=1, c="0.6", label="initial 1500 (uniform)")
    ax[0].scatter(pts_rar[1500:, 1], pts_rar[1500:, 0], s=4, c="C3", label=f"added by RAR ({len(pts_rar) - 1500})")
    ax[0].set(xlabel="t", ylabel="x", title="RAR points (shock at x = 0)")
    ax[0].legend(loc="upper left", fontsize=7)
    _error_panels(fig, ax[1:], T, X, u, "t", [
        (out[v][0], f"{label}: |u - u_ref|\nrel. L2 {out[v][1]:.2g}")
        for v, label in [("uniform", "uniform, 2000 points"), ("rar", "RAR, 1500 -> 2000 points")]])
    fig.suptitle(f"Adaptive sampling, Burgers (nu = 0.01/pi), MLP 3x32, {steps} Adam steps")
    _save(fig, "tech_sampling_before_after.png")
    return {v: out[v][1] for v in out}


def architecture_before_after(steps=3000):
    import keras

    from kextras_sci import pde
    from kextras_sci.pde.nn import FourierFeatures

    def f(x):
        return np.sin(2 * np.pi * x) + 0.3 * np.sin(24 * np.pi * x)

    x_obs = np.linspace(0, 1, 400)[:, None]
    x_test = np.linspace(0, 1, 2001)[:, None]
    geom = pde.Interval(0.0, 1.0)
    out = {}
    for variant in ("mlp", "fourier"):
        keras.utils.set_random_seed(0)
        head = [FourierFeatures(64, scale=10.0, seed=0)] if variant == "fourier" else []
        net = _mlp(64, 3, inputs=1, head=head)
        pinn = pde.PINN(net, [pde.PointData(x_obs, f(x_obs))], domain=geom)
        pinn.compile(keras.optimizers.Adam(1e-3))
        pinn.fit(epochs=steps // 100, steps_per_epoch=100, verbose=0)
        out[variant] = (pinn.predict(x_test, verbose=0)[:, 0], pinn.relative_l2_error(x_test, f(x_test)))
    fig, ax = plt.subplots(1, 2, figsize=(12, 3.4), sharey=True)
    for a, (v, label) in zip(ax, [("mlp", "MLP 3x64 tanh"), ("fourier", "FourierFeatures(64, scale=10) + MLP 3x64")]):
        a.plot(x_test[:, 0], f(x_test)[:, 0], "k", lw=1, label="target")
        a.plot(x_test[:, 0], out[v][0], "C3--", lw=1.2, label="network")
        a.set(title=f"{label}: rel. L2 {out[v][1]:.2g}", xlabel="x")
        a.legend(loc="lower left", fontsize=8)
    fig.suptitle(f"Architectures: sin(2 pi x) + 0.3 sin(24 pi x) from 400 samples, {steps} Adam steps")
    _save(fig, "tech_architecture_before_after.png")
    return {v: out[v][1] for v in out}


def inverse_before_after(steps=2000, lbfgs=1000, noise=0.01):
    import keras
    import tensorflow as tf

    from kextras_sci import pde
    from kextras_sci.pde.references import DiffusionReaction1D

    d_true, k_true = 0.5, 1.0
    ref = DiffusionReaction1D(d=d_true, k=k_true)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x_obs = np.stack([rng.uniform(-np.pi, np.pi, 2000), rng.uniform(0, 1, 2000)], 1)
    u_obs = ref.solution(x_obs)
    u_obs = u_obs + noise * u_obs.std() * rng.standard_normal(u_obs.shape)

    def residual(u, u_t, u_xx, x, t, d, k):
        return u_t - d * u_xx + k * u - ref.source(tf.concat([x, t], axis=1))

    pinn = pde.PINN(
        _mlp(32, 3),
        [pde.PDEResidual(residual, ref.domain, num_points=2000, method="uniform", include_boundary=False),
         pde.PointData(x_obs, u_obs, name="data")],
        domain=ref.domain,
        parameters=[pde.Parameter("d", initial=0.1, bounds=(1e-3, 10.0)), pde.Parameter("k", initial=0.1, bounds=(0.0, 10.0))],
    )
    trace = [(0, pinn.parameters)]

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            trace.append(((epoch + 1) * 100, pinn.parameters))

    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=steps // 100, steps_per_epoch=100, callbacks=[Record()], verbose=0)
    pde.minimize_lbfgs(pinn, maxiter=lbfgs, verbose=0,
                       callback=lambda it, logs: trace.append((steps + it, pinn.parameters)) and False)
    it = np.array([t[0] for t in trace])
    fig, ax = plt.subplots(1, 2, figsize=(12, 3.6))
    sc = ax[0].scatter(x_obs[:, 1], x_obs[:, 0], c=u_obs[:, 0], s=3, cmap="RdBu_r")
    ax[0].set(xlabel="t", ylabel="x", title=f"2000 observations, {noise:.0%} noise")
    fig.colorbar(sc, ax=ax[0])
    for name, true, c in (("d", d_true, "C0"), ("k", k_true, "C1")):
        vals = np.array([t[1][name] for t in trace])
        ax[1].plot(it, vals, c, label=f"{name}: {vals[-1]:.4f} (true {true}, error {abs(vals[-1] - true) / true:.2%})")
        ax[1].axhline(true, color=c, ls=":", lw=1)
    ax[1].axvline(steps, color="0.5", lw=0.8)
    ax[1].text(steps, ax[1].get_ylim()[1] * 0.95, " L-BFGS", color="0.4", va="top")
    ax[1].set(xlabel="Adam step / then L-BFGS iteration", title="u_t = d u_xx - k u + f: recovered coefficients")
    ax[1].legend(fontsize=8)
    _save(fig, "tech_inverse_before_after.png")
    return {k: trace[-1][1][k] for k in ("d", "k")}


FIGURES = {
    "allen_cahn": allen_cahn,
    "rad": rad_density,
    "causal": causal_weights,
    "balancing": balancing_before_after,
    "sampling": sampling_before_after,
    "architecture": architecture_before_after,
    "inverse": inverse_before_after,
}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="figures of docs/pde/techniques.md")
    ap.add_argument("--only", choices=sorted(FIGURES), action="append", help="make only these figures")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in args.only or FIGURES:
        result = FIGURES[name]()
        print(name, "" if result is None else result, flush=True)
    print("figures written to", OUT)
