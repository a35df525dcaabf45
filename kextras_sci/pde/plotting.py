"""Plots of PINN training and solutions (matplotlib, the ``plot`` extra).

* :func:`plot_history`: every logged loss term per step, log scale, with the
  stages (a Keras ``History`` from ``fit``, an ``LBFGSResult`` from
  ``minimize_lbfgs``, or plain dicts of lists) one after the other;
* :func:`plot_solution`: the prediction on a grid of a 1-D or 2-D (space-time)
  domain, with the reference and the pointwise error when one is given.

Both return the matplotlib ``Figure``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_history", "plot_solution"]

_SKIP = {"nfev", "time"}


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("pde.plot_history / plot_solution need matplotlib: pip install 'kextras[plot]'") from None
    return plt


def _stage(obj):
    """``(name, {key: list}, steps_per_entry)`` of one training stage."""
    if hasattr(obj, "history") and hasattr(obj, "params"):  # keras History: one entry per epoch
        return "Adam", dict(obj.history), int(obj.params.get("steps", 1) or 1)
    if hasattr(obj, "history") and hasattr(obj, "iterations"):  # LBFGSResult: one per iteration
        return "L-BFGS", dict(obj.history), 1
    if isinstance(obj, dict):
        return "", dict(obj), 1
    raise ValueError(
        "`history` must be a keras History, an LBFGSResult, a dict of lists or a list of them. "
        f"Received: {type(obj).__name__}"
    )


def plot_history(history, terms=None, ax=None):
    """Loss terms against the optimizer step, log scale, stages side by side.

    Args:
        history: a ``History`` (``fit``), an ``LBFGSResult`` (``minimize_lbfgs``),
            a dict of lists, or a list of those (drawn one after the other, the
            stage changes marked by a dashed line).
        terms: the keys to draw (default: every key of a loss or term, not
            ``weight_*`` / ``val_*`` / ``nfev`` / ``time``, nor PDE parameters
            found in only some stages).
        ax: a matplotlib ``Axes`` (default: a new figure).

    Returns:
        the ``Figure``.
    """
    plt = _pyplot()
    stages = [_stage(h) for h in (history if isinstance(history, (list, tuple)) else [history])]
    if terms is None:
        keys = [set(k for k in h if k not in _SKIP and not k.startswith(("weight_", "val_"))) for _, h, _ in stages]
        common = set.intersection(*keys) if keys else set()
        terms = ["loss"] + sorted(common - {"loss"}) if "loss" in common else sorted(common)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    start = 0
    colors = {}
    for k, (name, h, per) in enumerate(stages):
        n = max((len(h.get(t, ())) for t in terms), default=0)
        steps = start + per * (np.arange(n) + 1)
        for t in terms:
            if t in h and len(h[t]):
                line = ax.plot(steps[: len(h[t])], np.asarray(h[t], dtype=np.float64), color=colors.get(t),
                               label=t if t not in colors else None)[0]
                colors.setdefault(t, line.get_color())
        if k and n:
            ax.axvline(start, color="0.5", ls="--", lw=0.8)
        if name and n:
            ax.text(start + 0.5 * per * n, 1.0, name, transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8)
        start = int(steps[-1]) if n else start
    ax.set(yscale="log", xlabel="step", ylabel="loss term")
    ax.legend(fontsize=8)
    return fig


def plot_solution(model, domain, reference=None, resolution=200, component=0, figsize=None):
    """The prediction of ``model`` on a grid of ``domain`` (and the reference and error).

    Args:
        model: a PINN (or anything with ``predict(x) -> [n, m]``) or a function
            ``x -> [n, m]`` (NumPy).
        domain: a 1-D domain (``Interval``, ``TimeInterval``) or a 2-D one
            (``Rectangle``, a space-time domain over an interval, or any 2-D domain:
            points outside are masked).
        reference: optional function ``x -> [n]`` / ``[n, m]`` (e.g. a
            :mod:`~kextras_sci.pde.references` object's ``solution``).
        resolution: grid points per axis (default 200).
        component: the field drawn (default 0).

    Returns:
        the ``Figure`` (1-D: prediction and reference curves, and the error; 2-D:
        prediction, reference and ``|error|`` images).
    """
    plt = _pyplot()
    predict = model.predict if hasattr(model, "predict") else model

    def values(fn, x):
        kwargs = {"verbose": 0} if fn is getattr(model, "predict", None) and hasattr(model, "fit") else {}
        y = np.asarray(fn(x, **kwargs), dtype=np.float64)
        return y.reshape(x.shape[0], -1)[:, component]

    lo, hi = domain.bbox
    if int(domain.dim) == 1:
        x = np.linspace(lo[0], hi[0], resolution)[:, None]
        u = values(predict, x)
        fig, axes = plt.subplots(1, 2 if reference is not None else 1, figsize=figsize or (9, 3.5), squeeze=False)
        axes[0, 0].plot(x[:, 0], u, label="PINN")
        if reference is not None:
            r = values(reference, x)
            axes[0, 0].plot(x[:, 0], r, "--", label="reference")
            axes[0, 1].semilogy(x[:, 0], np.abs(u - r) + 1e-300)
            axes[0, 1].set(title="|error|")
        axes[0, 0].legend()
        return fig
    if int(domain.dim) != 2:
        raise ValueError(f"plot_solution draws 1-D and 2-D domains. Received: a domain of dimension {domain.dim}")
    g0, g1 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    X0, X1 = np.meshgrid(g0, g1, indexing="xy")
    x = np.stack([X0.ravel(), X1.ravel()], 1)
    inside = np.asarray(domain.inside(x), dtype=bool)
    panels = [("PINN", np.where(inside, values(predict, x), np.nan))]
    if reference is not None:
        r = np.where(inside, values(reference, x), np.nan)
        panels += [("reference", r), ("|error|", np.abs(panels[0][1] - r))]
    fig, axes = plt.subplots(1, len(panels), figsize=figsize or (4.2 * len(panels), 3.5), squeeze=False)
    for ax, (title, v) in zip(axes[0], panels):
        im = ax.imshow(v.reshape(X0.shape), origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), aspect="auto")
        fig.colorbar(im, ax=ax)
        ax.set(title=title)
    fig.tight_layout()
    return fig
