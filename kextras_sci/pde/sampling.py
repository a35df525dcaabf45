"""Residual-based adaptive sampling of collocation points, as Keras callbacks.

Wu, Zhu, Tan, Kartha & Lu (2023), "A comprehensive study of non-adaptive and
residual-based adaptive sampling for physics-informed neural networks":

| callback | rule |
|---|---|
| :class:`RAR` | RAR-G (Lu et al. 2021): add the ``num_add`` candidates with the largest ``|r|`` |
| :class:`RAD` | resample all points from ``p(x) ~ |r|^k / E|r|^k + c`` (defaults ``k = 1, c = 1``) |
| :class:`RARD` | add ``num_add`` points drawn from ``p(x)`` (defaults ``k = 2, c = 0``) |

Every ``every`` training steps the callback draws ``num_candidates`` points
from the condition's domain (``method``, a fresh seed each time), evaluates
the condition's residual ``|r(x)| = ||r(x)||_2`` on them (in batches, no
gradient), and updates the condition's collocation points in place (the
compiled training step is not retraced). The points written are kept in
``callback.history`` (``(step, n_points)``) and ``last_added``.
``callback.resample(pinn)`` runs one round outside ``fit`` (e.g. between L-BFGS rounds).

Use them on conditions drawn from a domain whose only array is ``"x"``
(``PDEResidual``), without ``PINN(resample_every=...)`` (which would redraw
the points uniformly).
"""

from __future__ import annotations

import keras
import numpy as np

from kextras import validation

__all__ = ["rad_probabilities", "RAR", "RAD", "RARD"]


def rad_probabilities(residual_abs, k=1.0, c=1.0):
    """Sampling probabilities of RAD / RAR-D (Wu et al. 2023, eq. 2).

    ``p(x) ~ |r(x)|^k / mean(|r|^k) + c``, normalised to sum to 1 over the
    candidates.
    """
    e = np.asarray(residual_abs, dtype=np.float64) ** k
    mean = e.mean()
    p = (e / mean if mean > 0 else np.zeros_like(e)) + c
    total = p.sum()
    if not total > 0:
        return np.full(e.shape, 1.0 / e.size)
    return p / total


class _AdaptiveSampler(keras.callbacks.Callback):
    def __init__(self, condition="pde", every=1000, num_candidates=10000, method=None, seed=0, batch_size=8192):
        super().__init__()
        if not isinstance(condition, str):
            condition = getattr(condition, "name", condition)
        if not isinstance(condition, str):
            raise ValueError(f"`condition` must be a term name or a condition. Received: condition={condition!r}")
        self.condition = condition
        self.every = validation.positive_int("every", every)
        self.num_candidates = validation.positive_int("num_candidates", num_candidates)
        self.method = method
        self.seed = int(seed)
        self.batch_size = validation.positive_int("batch_size", batch_size)
        self.history = []
        self.last_candidates = None
        self.last_residuals = None
        self.last_added = None
        self._step = 0
        self._round = 0
        self._cond = None

    def on_train_begin(self, logs=None):
        pinn = self.model
        if not hasattr(pinn, "set_points"):
            raise ValueError(f"{type(self).__name__} works on a kextras_sci.pde.PINN. Received: {pinn!r}")
        cond = pinn.condition(self.condition)  # ValueError naming the terms when unknown
        if cond.domain is None or not hasattr(cond.domain, "sample_interior"):
            raise ValueError(f"{type(self).__name__}: the condition {self.condition!r} has no domain to draw from.")
        keys = set(pinn.points(cond))
        if keys != {"x"}:
            raise ValueError(
                f"{type(self).__name__}: the condition {self.condition!r} carries arrays {sorted(keys)}; "
                "adaptive sampling supports conditions with points only (PDEResidual)."
            )
        self._cond = cond

    def residuals(self, x):
        """``|r(x)| = ||r(x)||_2`` (NumPy ``[n]``) of the condition at points ``x``."""
        r = self.model.pointwise_residuals(self._cond, x, batch_size=self.batch_size)
        return np.sqrt(np.sum(np.square(r.astype(np.float64)), axis=1))

    def candidates(self):
        self._round += 1
        seed = self.seed * 1000003 + self._round
        x = self._cond.domain.sample_interior(self.num_candidates, method=self.method, seed=seed)
        return np.asarray(x, dtype=np.float64), np.random.default_rng(seed)

    def points(self):
        """The condition's current points (NumPy ``[n, d]``, float64)."""
        return self.model.points(self._cond)["x"].astype(np.float64)

    def set_points(self, x):
        self.model.set_points(self._cond, x)

    def on_train_batch_end(self, batch, logs=None):
        # with compile(steps_per_execution=k) Keras calls this once per k steps
        spe = int(getattr(self.model, "steps_per_execution", 1) or 1)
        self._step += spe
        self._since = getattr(self, "_since", 0) + spe
        if self._since < self.every:
            return
        self._since = 0
        self.resample()

    def resample(self, pinn=None):
        """One sampling round now, e.g. between L-BFGS rounds after ``fit``.

        ``pinn``: the PINN (default: the model of the last ``fit`` with this callback).
        Returns the condition's new points (NumPy ``[n, d]``).
        """
        if pinn is not None and pinn is not self.model:
            self.set_model(pinn)
            self.on_train_begin()
        elif self._cond is None:
            raise ValueError(
                f"{type(self).__name__}.resample: give the PINN (`pinn=`) or use the callback in `fit` first."
            )
        cand, rng = self.candidates()
        r = self.residuals(cand)
        self.last_candidates, self.last_residuals = cand, r
        new = self.update(self.points(), cand, r, rng)
        self.set_points(new)
        self.history.append((self._step, new.shape[0]))
        return new

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs[f"n_points_{self.condition}"] = float(self.model.num_points(self._cond))


class RAR(_AdaptiveSampler):
    """Residual-based adaptive refinement, greedy (RAR-G; Lu et al. 2021).

    Every ``every`` steps, add the ``num_add`` candidates with the largest
    residual ``|r|`` to the condition's points.

    Args:
        condition: the term name (default ``"pde"``) or the condition.
        num_add: points added per refinement (default 10).
        every: steps between refinements (default 1000).
        num_candidates: candidates drawn per refinement (default 10000).
        method: sampling method of the candidates (default ``None``: ``"hammersley"``).
        seed: base seed (default 0).
        max_points: stop adding beyond this many points (default None).
    """

    def __init__(self, condition="pde", num_add=10, every=1000, num_candidates=10000, method=None, seed=0, max_points=None):
        super().__init__(condition, every, num_candidates, method, seed)
        self.num_add = validation.positive_int("num_add", num_add)
        self.max_points = None if max_points is None else validation.positive_int("max_points", max_points)

    def update(self, points, cand, r, rng):
        m = min(self.num_add, cand.shape[0])
        if self.max_points is not None:
            m = min(m, max(0, self.max_points - points.shape[0]))
        top = np.argsort(-r, kind="stable")[:m]
        self.last_added = cand[top]
        return np.concatenate([points, cand[top]], axis=0)


class RAD(_AdaptiveSampler):
    """Residual-based adaptive distribution (Wu et al. 2023).

    Every ``every`` steps, *replace* all ``N`` points of the condition by
    ``N`` candidates drawn without replacement with probabilities
    ``p ~ |r|^k / mean(|r|^k) + c`` (:func:`rad_probabilities`).

    Args:
        condition: the term name (default ``"pde"``) or the condition.
        k: default 1.0.
        c: default 1.0 (the paper's recommended values).
        every: default 1000.
        num_candidates: default 10000 (``>= N``).
        method: as for :class:`RAR`.
        seed: as for :class:`RAR`.
    """

    def __init__(self, condition="pde", k=1.0, c=1.0, every=1000, num_candidates=10000, method=None, seed=0):
        super().__init__(condition, every, num_candidates, method, seed)
        self.k = validation.real("k", k, minimum=0)
        self.c = validation.real("c", c, minimum=0)

    def update(self, points, cand, r, rng):
        n = points.shape[0]
        if cand.shape[0] < n:
            raise ValueError(
                f"RAD: `num_candidates` ({cand.shape[0]}) must be at least the number of points ({n})."
            )
        p = rad_probabilities(r, self.k, self.c)
        nonzero = int(np.count_nonzero(p))
        if nonzero < n:  # c = 0 and few non-zero residuals: fill uniformly
            p = 0.5 * p + 0.5 / p.size
        idx = rng.choice(cand.shape[0], size=n, replace=False, p=p)
        self.last_added = cand[idx]
        return cand[idx]


class RARD(_AdaptiveSampler):
    """Residual-based adaptive refinement with distribution (RAR-D; Wu et al. 2023).

    Every ``every`` steps, *add* ``num_add`` candidates drawn without
    replacement with probabilities ``p ~ |r|^k / mean(|r|^k) + c``.

    Args:
        condition: default ``"pde"``.
        num_add: default 10.
        k: default 2.0.
        c: default 0.0 (the paper's recommended values).
        every: as for :class:`RAR`.
        num_candidates: as for :class:`RAR`.
        method: as for :class:`RAR`.
        seed: as for :class:`RAR`.
        max_points: as for :class:`RAR`.
    """

    def __init__(self, condition="pde", num_add=10, k=2.0, c=0.0, every=1000, num_candidates=10000, method=None, seed=0, max_points=None):
        super().__init__(condition, every, num_candidates, method, seed)
        self.num_add = validation.positive_int("num_add", num_add)
        self.k = validation.real("k", k, minimum=0)
        self.c = validation.real("c", c, minimum=0)
        self.max_points = None if max_points is None else validation.positive_int("max_points", max_points)

    def update(self, points, cand, r, rng):
        m = min(self.num_add, cand.shape[0])
        if self.max_points is not None:
            m = min(m, max(0, self.max_points - points.shape[0]))
        p = rad_probabilities(r, self.k, self.c)
        if np.count_nonzero(p) < m:
            p = 0.5 * p + 0.5 / p.size
        idx = rng.choice(cand.shape[0], size=m, replace=False, p=p)
        self.last_added = cand[idx]
        return np.concatenate([points, cand[idx]], axis=0)
