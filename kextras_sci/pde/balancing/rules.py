"""The pure update rules of the loss-balancing methods (NumPy in, dict of weights out)."""

from __future__ import annotations

import numpy as np

__all__ = ["lra_weights", "grad_norm_weights", "ntk_weights", "softadapt_weights", "relobralo_weights"]


def lra_weights(grad_reference, grads, old=None, alpha=0.9, eps=1e-12):
    """Learning-rate annealing (Wang, Teng & Perdikaris 2021, Algorithm 1).

    ``hat w_k = max|grad_theta L_r| / mean|grad_theta L_k|``,
    ``w_k <- (1 - alpha) w_k + alpha hat w_k``.

    Args:
        grad_reference: flat gradient of the reference (residual) term.
        grads: dict term -> flat gradient of that (unweighted) term.
        old: dict term -> previous weight (None: no averaging).
        alpha: weight of the new estimate (default 0.9, the paper's value).

    Returns:
        dict term -> new weight.
    """
    top = float(np.max(np.abs(grad_reference)))
    out = {}
    for k, g in grads.items():
        new = top / max(float(np.mean(np.abs(g))), eps)
        out[k] = new if old is None else (1 - alpha) * old[k] + alpha * new
    return out


def grad_norm_weights(grads, old=None, momentum=0.9, eps=1e-12):
    """Gradient-norm balancing (jaxpi, Wang et al. 2023 "expert's guide").

    ``hat w_k = sum_j ||grad L_j|| / ||grad L_k||`` (so every weighted
    gradient has the same norm), ``w_k <- momentum w_k + (1 - momentum) hat w_k``.
    """
    norms = {k: max(float(np.linalg.norm(g)), eps) for k, g in grads.items()}
    total = sum(norms.values())
    out = {}
    for k, n in norms.items():
        new = total / n
        out[k] = new if old is None else momentum * old[k] + (1 - momentum) * new
    return out


def ntk_weights(ntk_diagonals, old=None, momentum=0.9, eps=1e-30):
    """NTK-based weights (Wang, Yu & Perdikaris 2022), jaxpi's normalisation.

    ``hat w_k = sum_j mean(diag K_jj) / mean(diag K_kk)`` with
    ``diag K_kk[i] = ||d r_k(x_i) / d theta||^2``;
    ``w_k <- momentum w_k + (1 - momentum) hat w_k``.

    Args:
        ntk_diagonals: dict term -> 1-D array of NTK diagonal entries.
    """
    means = {k: max(float(np.mean(d)), eps) for k, d in ntk_diagonals.items()}
    total = sum(means.values())
    out = {}
    for k, m in means.items():
        new = total / m
        out[k] = new if old is None else momentum * old[k] + (1 - momentum) * new
    return out


def softadapt_weights(losses, previous, beta=0.1, normalized=False, loss_weighted=False, eps=1e-8):
    """SoftAdapt (Heydari, Thompson & Mehmood 2019).

    ``s_k = L_k(t) - L_k(t-1)`` (``normalized``: ``s_k / sum_j |s_j|``),
    ``w_k = exp(beta s_k) / sum_j exp(beta s_j)``; the loss-weighted variant
    uses ``L_k exp(beta s_k) / sum_j L_j exp(beta s_j)``. Computed with the
    maximum subtracted (no overflow). Weights sum to 1.
    """
    names = list(losses)
    s = np.array([losses[k] - previous[k] for k in names], dtype=np.float64)
    if normalized:
        s = s / max(np.abs(s).sum(), eps)
    e = np.exp(beta * (s - s.max()))
    if loss_weighted:
        e = e * np.array([losses[k] for k in names])
    w = e / max(e.sum(), eps)
    return dict(zip(names, w.tolist()))


def relobralo_weights(losses, previous, initial, old, alpha=0.999, rho=1.0, temperature=0.1, eps=1e-12):
    """ReLoBRaLo (Bischof & Kraus 2021), one update.

    ``bal(t, t')_k = m exp(L_k(t) / (T L_k(t'))) / sum_j exp(L_j(t) / (T L_j(t')))``;
    ``w_k(t) = alpha (rho w_k(t-1) + (1 - rho) bal(t, 0)_k) + (1 - alpha) bal(t, t-1)_k``,
    with ``rho`` a Bernoulli draw (the random lookback), ``m`` the number of terms.
    """
    names = list(losses)
    m = len(names)

    def bal(ref):
        z = np.array([losses[k] / (temperature * max(ref[k], eps)) for k in names])
        e = np.exp(z - z.max())
        return m * e / e.sum()

    b_prev, b_init = bal(previous), bal(initial)
    w_old = np.array([old[k] for k in names])
    w = alpha * (rho * w_old + (1 - rho) * b_init) + (1 - alpha) * b_prev
    return dict(zip(names, w.tolist()))


