"""Loss balancing for :class:`~kextras_sci.pde.PINN`: callbacks acting on the term weights.

The ``PINN`` loss is ``L = sum_k w_k L_k``; the weights ``w_k`` are
``tf.Variable`` s (``pinn.term_weights``), so a callback can change them
between steps without retracing. Every callback here records the weights it
sets in ``callback.history`` (``{term: [w, ...]}``, one entry per update) and
adds ``weight_<term>`` to the epoch logs (so they appear in ``fit``'s
``History`` and progress bar).

| callback | rule |
|---|---|
| :class:`LearningRateAnnealing` | ``w_k = max|grad L_r| / mean|grad L_k|`` (Wang, Teng, Perdikaris 2021) |
| :class:`GradNormWeighting` | ``w_k = sum_j ||grad L_j|| / ||grad L_k||`` (jaxpi's grad-norm) |
| :class:`NTKWeighting` | ``w_k = sum_j mean diag K_j / mean diag K_k`` (Wang, Yu, Perdikaris 2022) |
| :class:`SoftAdapt` | softmax of the loss rates of change (Heydari et al. 2019) |
| :class:`ReLoBRaLo` | relative balancing with random lookback (Bischof & Kraus 2021) |

Two techniques change the loss *inside* a term and therefore wrap a condition:

* :class:`SelfAdaptiveWeights` (McClenny & Braga-Neto 2023): one trainable
  weight per collocation point, updated by gradient *ascent* by
  :class:`SelfAdaptiveUpdate`;
* :class:`CausalWeighting` (Wang, Sankaran, Perdikaris 2024, "Respecting
  causality"): the residual of a time-dependent problem is weighted chunk by
  chunk in time, ``w_i = exp(-eps sum_{j<i} L_j)``; :class:`CausalSchedule`
  raises ``eps`` as the weights converge.

The pure update rules are exposed as functions (``lra_weights``,
``grad_norm_weights``, ``ntk_weights``, ``softadapt_weights``,
``relobralo_weights``) so they can be checked against the papers' formulas.
"""

from __future__ import annotations

import numbers

import keras
import numpy as np
import tensorflow as tf

from kextras_sci.pde.conditions import Condition

__all__ = [
    "lra_weights",
    "grad_norm_weights",
    "ntk_weights",
    "softadapt_weights",
    "relobralo_weights",
    "TermWeighting",
    "LearningRateAnnealing",
    "GradNormWeighting",
    "NTKWeighting",
    "SoftAdapt",
    "ReLoBRaLo",
    "SelfAdaptiveWeights",
    "SelfAdaptiveUpdate",
    "CausalWeighting",
    "CausalSchedule",
]


def _check_fraction(value, name, closed_right=True):
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and 0.0 <= value and (
        value <= 1.0 if closed_right else value < 1.0
    )
    if not ok:
        raise ValueError(f"`{name}` must be a number in [0, 1{']' if closed_right else ')'}. Received: {name}={value!r}")
    return float(value)


def _check_positive(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")
    return float(value)


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


# --------------------------------------------------------------------- rules
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


# ----------------------------------------------------------------- callbacks
class TermWeighting(keras.callbacks.Callback):
    """Base class: updates ``pinn.term_weights`` every ``update_every`` steps.

    Keras runs callbacks once per ``steps_per_execution`` steps (the PINN's
    ``compile`` default ``"auto"`` groups up to 100 steps): updates then happen
    at the first group end at least ``update_every`` steps after the last one.
    Use ``pinn.compile(..., steps_per_execution=1)`` for per-step rules
    (``SoftAdapt``, ``ReLoBRaLo``, ``SelfAdaptiveUpdate`` as in the papers).

    Subclasses implement ``compute_weights() -> {term: weight}``.

    Args:
        terms: names of the terms to balance (default: all terms of the PINN).
        update_every: steps between updates (default 1).
        verbose: print the weights at each update (default False).

    Attributes:
        history: ``{term: [weight after each update]}``; ``steps``: the step
            of each update.
    """

    def __init__(self, terms=None, update_every=1, verbose=False):
        super().__init__()
        self.terms = None if terms is None else tuple(terms)
        self.update_every = _check_positive_int(update_every, "update_every")
        self.verbose = bool(verbose)
        self.history = {}
        self.steps = []
        self._step = 0

    # -- helpers
    @property
    def pinn(self):
        return self.model

    def _term_names(self):
        names = self.pinn.term_names
        if self.terms is None:
            return tuple(names)
        for t in self.terms:
            if t not in names:
                raise ValueError(f"`terms` names an unknown term {t!r}. Terms of the PINN: {names}")
        return self.terms

    def current_weights(self):
        return {k: float(v.numpy()) for k, v in self.pinn.term_weights.items()}

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "term_weights"):
            raise ValueError(f"{type(self).__name__} works on a kextras_sci.pde.PINN. Received: {self.model!r}")
        self.names = self._term_names()
        for k in self.names:
            self.history.setdefault(k, [])
        self.setup()

    def setup(self):
        """Called at the start of training (build tf.functions here)."""

    def compute_weights(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def on_train_batch_end(self, batch, logs=None):
        # with compile(steps_per_execution=k) Keras calls this once per k steps
        spe = int(getattr(self.model, "steps_per_execution", 1) or 1)
        self._step += spe
        self._since = getattr(self, "_since", 0) + spe
        if self._since < self.update_every:
            return
        self._since = 0
        new = self.compute_weights()
        if new is None:
            return
        variables = self.pinn.term_weights
        for k, w in new.items():
            if not np.isfinite(w):
                continue  # keep the old weight rather than writing NaN
            variables[k].assign(w)
        for k in self.names:
            self.history[k].append(float(variables[k].numpy()))
        self.steps.append(self._step)
        if self.verbose:
            print(f"step {self._step}: " + ", ".join(f"{k}={self.history[k][-1]:.4g}" for k in self.names))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for k, v in self.pinn.term_weights.items():
                logs[f"weight_{k}"] = float(v.numpy())


def _flat(grads):
    return tf.concat([tf.reshape(g, [-1]) for g in grads], 0)


class _GradientWeighting(TermWeighting):
    """Base of the gradient-statistics rules: per-term gradients w.r.t. the network."""

    def setup(self):
        pinn = self.pinn
        names = tuple(pinn.term_names)
        variables = [w.value for w in pinn.net.trainable_weights]

        @tf.function
        def term_gradients():
            with tf.GradientTape(persistent=True) as tape:
                _, terms = pinn.compute_terms(training=True)
            return {n: _flat(tape.gradient(terms[n], variables, unconnected_gradients=tf.UnconnectedGradients.ZERO)) for n in names}

        self._term_gradients = term_gradients

    def gradients(self):
        """``{term: flat NumPy gradient of the unweighted term}``."""
        return {k: v.numpy() for k, v in self._term_gradients().items()}


class LearningRateAnnealing(_GradientWeighting):
    """Learning-rate annealing (Wang, Teng & Perdikaris 2021, Algorithm 1).

    Every ``update_every`` steps (paper: 10), for each term ``k`` other than
    the reference (residual) term ``r``:
    ``hat w_k = max_theta |grad L_r| / mean_theta |grad L_k|``,
    ``w_k <- (1 - alpha) w_k + alpha hat w_k``; ``w_r`` stays as it is.
    Gradients are taken w.r.t. the network weights (not the PDE parameters).

    Args:
        reference: name of the residual term (default: the first ``PDEResidual``).
        alpha: default 0.9 (the paper's value).
        terms: see :class:`TermWeighting`.
        update_every: see :class:`TermWeighting` (default 10).
        verbose: see :class:`TermWeighting`.
    """

    def __init__(self, reference=None, alpha=0.9, terms=None, update_every=10, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.reference = reference
        self.alpha = _check_fraction(alpha, "alpha")

    def setup(self):
        super().setup()
        if self.reference is None:
            from kextras_sci.pde.conditions import PDEResidual

            cands = [c.name for c in self.pinn.conditions if isinstance(_inner(c), PDEResidual)]
            if not cands:
                raise ValueError("LearningRateAnnealing needs `reference=` (no PDEResidual term found).")
            self.reference = cands[0]
        if self.reference not in self.pinn.term_names:
            raise ValueError(
                f"`reference` must name a term. Received: reference={self.reference!r}; terms: {self.pinn.term_names}"
            )

    def compute_weights(self):
        g = self.gradients()
        others = {k: g[k] for k in self.names if k != self.reference}
        return lra_weights(g[self.reference], others, self.current_weights(), self.alpha)


class GradNormWeighting(_GradientWeighting):
    """Gradient-norm balancing (jaxpi): ``w_k = sum_j ||grad L_j|| / ||grad L_k||``.

    Every weighted term then contributes a gradient of the same norm.
    ``w_k <- momentum w_k + (1 - momentum) hat w_k``.

    Args:
        momentum: default 0.9.
        terms: see :class:`TermWeighting`.
        update_every: see :class:`TermWeighting` (default 100).
        verbose: see :class:`TermWeighting`.
    """

    def __init__(self, momentum=0.9, terms=None, update_every=100, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.momentum = _check_fraction(momentum, "momentum")

    def compute_weights(self):
        g = self.gradients()
        return grad_norm_weights({k: g[k] for k in self.names}, self.current_weights(), self.momentum)


def _inner(c):
    return c.inner if isinstance(c, _WrappedCondition) else c


class NTKWeighting(TermWeighting):
    """NTK-based weights (Wang, Yu & Perdikaris 2022, "When and why PINNs fail to train").

    ``diag K_kk[i] = ||d r_k(x_i) / d theta||^2`` (the NTK diagonal of term
    ``k``; ``r`` the residual, summed over its components) on
    ``num_points`` points per term, ``hat w_k = sum_j mean diag K_jj /
    mean diag K_kk`` (the paper's ``tr K / tr K_kk`` with traces normalised
    by the point counts, as in jaxpi),
    ``w_k <- momentum w_k + (1 - momentum) hat w_k``.

    Args:
        num_points: points per term for the NTK diagonal (default 64: the
            first ones of each condition).
        momentum: default 0.9.
        terms: see :class:`TermWeighting`.
        update_every: see :class:`TermWeighting` (default 100).
        verbose: see :class:`TermWeighting`.
    """

    def __init__(self, num_points=64, momentum=0.9, terms=None, update_every=100, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.num_points = _check_positive_int(num_points, "num_points")
        self.momentum = _check_fraction(momentum, "momentum")

    def setup(self):
        pinn = self.pinn
        variables = [w.value for w in pinn.net.trainable_weights]
        conds = [c for c in pinn.conditions if c.name in self.names]
        num = self.num_points

        @tf.function
        def diagonals():
            out = {}
            for c in conds:
                sub = {k: v[:num] for k, v in pinn.points(c, as_tensors=True).items()}
                with tf.GradientTape() as tape:
                    r = tf.reduce_sum(pinn.condition_residual(c, sub), axis=1)
                jac = tape.jacobian(r, variables, unconnected_gradients=tf.UnconnectedGradients.ZERO, experimental_use_pfor=False)
                n = tf.shape(r)[0]
                out[c.name] = tf.add_n([tf.reduce_sum(tf.reshape(tf.square(j), [n, -1]), 1) for j in jac])
            return out

        self._diagonals = diagonals

    def ntk_diagonals(self):
        """``{term: NTK diagonal (NumPy)}`` at the current weights."""
        return {k: v.numpy() for k, v in self._diagonals().items()}

    def compute_weights(self):
        return ntk_weights(self.ntk_diagonals(), self.current_weights(), self.momentum)


class _LossValueWeighting(TermWeighting):
    """Base of the rules driven by the term values (evaluated after each update step)."""

    def setup(self):
        pinn = self.pinn

        @tf.function
        def values():
            _, terms = pinn.compute_terms(training=False)
            return terms

        self._values = values
        self.value_history = []
        self._previous = None
        self._initial = None

    def values(self):
        """The current unweighted term values (also appended to ``value_history``)."""
        v = self._values()
        out = {k: float(v[k].numpy()) for k in self.names}
        self.value_history.append(out)
        return out


class SoftAdapt(_LossValueWeighting):
    """SoftAdapt (Heydari, Thompson & Mehmood 2019): weights from loss rates of change.

    ``s_k = L_k(t) - L_k(t - update_every)``,
    ``w_k = scale * exp(beta s_k) / sum_j exp(beta s_j)`` (terms that stop
    decreasing get more weight). Variants: ``normalized`` (``s / sum|s|``) and
    ``loss_weighted`` (``L_k exp(beta s_k)``).

    Args:
        beta: temperature (default 0.1).
        normalized: default False.
        loss_weighted: default False.
        scale: the weights sum to this (default 1.0 as in the paper; the
            number of terms keeps the scale of unit weights).
        terms: see :class:`TermWeighting`.
        update_every: see :class:`TermWeighting` (default 1).
        verbose: see :class:`TermWeighting`.
    """

    def __init__(self, beta=0.1, normalized=False, loss_weighted=False, scale=1.0, terms=None, update_every=1, verbose=False):
        super().__init__(terms, update_every, verbose)
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not np.isfinite(beta):
            raise ValueError(f"`beta` must be a finite number. Received: beta={beta!r}")
        self.beta = float(beta)
        self.normalized = bool(normalized)
        self.loss_weighted = bool(loss_weighted)
        self.scale = _check_positive(scale, "scale")

    def compute_weights(self):
        now = self.values()
        prev, self._previous = self._previous, now
        if prev is None:
            return None
        w = softadapt_weights(now, prev, self.beta, self.normalized, self.loss_weighted)
        return {k: self.scale * v for k, v in w.items()}


class ReLoBRaLo(_LossValueWeighting):
    """Relative Loss Balancing with Random Lookback (Bischof & Kraus 2021).

    ``bal(t, t')_k = m exp(L_k(t) / (T L_k(t'))) / sum_j exp(L_j(t) / (T L_j(t')))``,
    ``w_k(t) = alpha (rho w_k(t-1) + (1 - rho) bal(t, 0)_k) + (1 - alpha) bal(t, t-1)_k``,
    ``rho ~ Bernoulli(expected_rho)``; ``m`` terms, weights start at 1.

    Args:
        alpha: default 0.999.
        expected_rho: default 0.999.
        temperature: ``T``, default 0.1.
        seed: seed of the lookback draws (default None).
        terms: see :class:`TermWeighting`.
        update_every: see :class:`TermWeighting` (default 1).
        verbose: see :class:`TermWeighting`.
    """

    def __init__(self, alpha=0.999, expected_rho=0.999, temperature=0.1, seed=None, terms=None, update_every=1, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.alpha = _check_fraction(alpha, "alpha")
        self.expected_rho = _check_fraction(expected_rho, "expected_rho")
        self.temperature = _check_positive(temperature, "temperature")
        self._rng = np.random.default_rng(seed)

    def compute_weights(self):
        now = self.values()
        if self._previous is None:
            self._previous = self._initial = now
            return None
        rho = float(self._rng.random() < self.expected_rho)
        w = relobralo_weights(
            now, self._previous, self._initial, self.current_weights(), self.alpha, rho, self.temperature
        )
        self._previous = now
        return w


# ------------------------------------------------------- condition wrappers
class _WrappedCondition(Condition):
    """A condition that delegates to ``inner`` and modifies its residual."""

    def __init__(self, inner):  # noqa: D401 - no Condition.__init__: state lives in inner
        if not isinstance(inner, Condition):
            raise ValueError(f"`condition` must be a Condition. Received: condition={inner!r}")
        self.__dict__["inner"] = inner

    def __getattr__(self, item):
        inner = self.__dict__.get("inner")
        if inner is None or item.startswith("__"):
            raise AttributeError(item)
        return getattr(inner, item)

    def __setattr__(self, key, value):
        if key in ("name", "weight", "domain", "num_points", "fixed_points", "method"):
            setattr(self.inner, key, value)
        else:
            object.__setattr__(self, key, value)

    @property
    def dim(self):
        return self.inner.dim

    def bind(self, *args, **kwargs):
        return self.inner.bind(*args, **kwargs)

    def sample(self, seed=None):
        return self.inner.sample(seed)

    def check_residual(self, r, n):
        return self.inner.check_residual(r, n)

    def _accept_points(self, arrays):
        self.inner._accept_points(arrays)

    def _describe(self):
        return f"{type(self).__name__}({self.inner._describe()})"


class SelfAdaptiveWeights(_WrappedCondition):
    """Self-adaptive per-point weights (McClenny & Braga-Neto 2023, SA-PINN).

    The term becomes ``L = mean_i m(lambda_i) |r_i|^2 / K`` with one weight
    ``lambda_i`` per collocation point and the mask ``m(l) = l^2``
    (``mask="square"``, the paper's polynomial mask with ``q = 2``) or
    ``m(l) = sigmoid(l)`` (``mask="sigmoid"``). The network minimises ``L``;
    the weights *maximise* it, by gradient ascent
    ``lambda <- lambda + lr dL/dlambda = lambda + lr m'(lambda) |r|^2 / (N K)``
    done by the :class:`SelfAdaptiveUpdate` callback (with Adam when
    ``optimizer="adam"``). The squared residuals of the last training step are
    kept (``last_squared_residual``), so the update costs no extra network
    evaluation.

    The points must stay fixed (no ``resample_every``) and training must be
    on one device.

    Args:
        condition: the condition to weight (e.g. a ``PDEResidual``).
        initial: initial ``lambda`` (default 1.0), or an array ``[n]``.
        mask: ``"square"`` (default) or ``"sigmoid"``.
    """

    def __init__(self, condition, initial=1.0, mask="square"):
        super().__init__(condition)
        if mask not in ("square", "sigmoid"):
            raise ValueError(f"`mask` must be 'square' or 'sigmoid'. Received: mask={mask!r}")
        self.mask = mask
        self.initial = initial
        self.lambdas = None
        self.last_squared_residual = None

    def sample(self, seed=None):
        arrays = self.inner.sample(seed)
        n = arrays["x"].shape[0]
        init = np.broadcast_to(np.asarray(self.initial, np.float64), (n,)).copy()
        if self.lambdas is None:
            self.lambdas = tf.Variable(init, trainable=False, name=f"{self.inner.name}_lambda", dtype=tf.float64)
            self.last_squared_residual = tf.Variable(
                np.zeros(n), trainable=False, name=f"{self.inner.name}_r2", dtype=tf.float64
            )
        elif int(self.lambdas.shape[0]) != n:
            raise ValueError(
                f"{self._describe()}: the number of points changed ({int(self.lambdas.shape[0])} -> {n}); "
                "self-adaptive weights need fixed points (no resampling)."
            )
        return arrays

    def _accept_points(self, arrays):
        n = arrays["x"].shape[0]
        if self.lambdas is not None and int(self.lambdas.shape[0]) != n:
            raise ValueError(
                f"{self._describe()}: the number of points cannot change ({int(self.lambdas.shape[0])} -> {n}); "
                "self-adaptive weights need fixed points."
            )
        self.inner._accept_points(arrays)

    def mask_value(self, lam):
        return tf.square(lam) if self.mask == "square" else tf.sigmoid(lam)

    def mask_derivative(self, lam):
        if self.mask == "square":
            return 2.0 * lam
        s = tf.sigmoid(lam)
        return s * (1.0 - s)

    def residual(self, model, arrays):
        r = self.inner.check_residual(self.inner.residual(model, arrays), None)
        k = tf.cast(tf.shape(r)[1], r.dtype)
        sq = tf.cast(tf.stop_gradient(tf.reduce_sum(tf.square(r), axis=1) / k), tf.float64)
        nr = tf.shape(r)[0]

        def keep():
            self.last_squared_residual.assign(sq)
            return tf.constant(0)

        # only a full evaluation (a training step) is kept; a few points (validation,
        # NTK probes) use the first weights
        tf.cond(tf.equal(nr, tf.shape(self.lambdas)[0]), keep, lambda: tf.constant(0))
        m = tf.cast(self.mask_value(self.lambdas[:nr]), r.dtype)
        return r * tf.sqrt(m)[:, None]


class SelfAdaptiveUpdate(keras.callbacks.Callback):
    """Gradient ascent on the per-point weights of :class:`SelfAdaptiveWeights`.

    ``g_i = dL/dlambda_i = m'(lambda_i) |r_i|^2 / (N K)``; ``"sgd"``:
    ``lambda += learning_rate g``; ``"adam"``: Adam on ``-g`` (maximisation),
    as in the paper.

    Args:
        conditions: one :class:`SelfAdaptiveWeights` or a list of them.
        learning_rate: default 5e-3.
        optimizer: ``"adam"`` (default) or ``"sgd"``.
    """

    def __init__(self, conditions, learning_rate=5e-3, optimizer="adam"):
        super().__init__()
        conditions = [conditions] if isinstance(conditions, SelfAdaptiveWeights) else list(conditions)
        for c in conditions:
            if not isinstance(c, SelfAdaptiveWeights):
                raise ValueError(f"`conditions` must hold SelfAdaptiveWeights. Received: {c!r}")
        if optimizer not in ("adam", "sgd"):
            raise ValueError(f"`optimizer` must be 'adam' or 'sgd'. Received: optimizer={optimizer!r}")
        self.conditions = conditions
        self.learning_rate = _check_positive(learning_rate, "learning_rate")
        self.optimizer_name = optimizer
        self._opt = None

    def ascent_gradient(self, c):
        n = tf.cast(tf.shape(c.lambdas)[0], tf.float64)
        return c.mask_derivative(c.lambdas) * c.last_squared_residual / n

    def _build_step(self):
        # one compiled ascent step (eagerly it costs ~20 small ops per step)
        if self.optimizer_name == "adam":
            self._opt = keras.optimizers.Adam(self.learning_rate)
            self._opt.build([c.lambdas for c in self.conditions])

        @tf.function
        def step():
            grads = [self.ascent_gradient(c) for c in self.conditions]
            if self._opt is None:
                for c, g in zip(self.conditions, grads):
                    c.lambdas.assign_add(self.learning_rate * g)
            else:
                self._opt.apply_gradients([(-g, c.lambdas) for c, g in zip(self.conditions, grads)])

        self._step_fn = step

    def on_train_batch_end(self, batch, logs=None):
        if getattr(self, "_step_fn", None) is None:
            self._build_step()
        self._step_fn()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for c in self.conditions:
                lam = c.mask_value(c.lambdas).numpy()
                logs[f"sa_mean_{c.name}"] = float(lam.mean())
                logs[f"sa_max_{c.name}"] = float(lam.max())


class CausalWeighting(_WrappedCondition):
    """Causal training of a time-dependent residual (Wang, Sankaran & Perdikaris 2024).

    The time interval is cut into ``num_chunks`` equal chunks; with ``L_i``
    the mean squared residual of chunk ``i``,
    ``w_i = exp(-eps sum_{j<i} L_j)`` (no gradient through ``w``) and the term
    becomes ``L = (1 / M) sum_i w_i L_i``: later times count only once the
    earlier ones are fitted. Implemented by rescaling each point's residual
    by ``sqrt(w_i N / (M N_i))`` (``N_i`` points in chunk ``i``).
    The current weights are in ``chunk_weights`` (a ``tf.Variable``);
    :class:`CausalSchedule` raises ``epsilon`` when ``min w > threshold``.

    Args:
        condition: a ``PDEResidual`` on a space-time domain.
        num_chunks: ``M`` (default 32).
        epsilon: causality parameter (default 1.0).
        time_range: ``(t0, t1)`` (default: from the condition's domain).
        time_axis: column of ``t`` (default -1, the last).
    """

    def __init__(self, condition, num_chunks=32, epsilon=1.0, time_range=None, time_axis=-1):
        super().__init__(condition)
        self.num_chunks = _check_positive_int(num_chunks, "num_chunks")
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon >= 0:
            raise ValueError(f"`epsilon` must be a non-negative number. Received: epsilon={epsilon!r}")
        if time_range is None:
            time = getattr(condition.domain, "time", None)
            if time is None:
                raise ValueError(
                    "CausalWeighting needs `time_range=(t0, t1)` when the condition has no space-time domain."
                )
            time_range = (float(time.t0), float(time.t1))
        t0, t1 = (float(v) for v in time_range)
        if not t1 > t0:
            raise ValueError(f"`time_range` must satisfy t0 < t1. Received: time_range={time_range!r}")
        self.time_range = (t0, t1)
        self.time_axis = int(time_axis)
        self.epsilon = tf.Variable(float(epsilon), trainable=False, dtype=tf.float64, name="causal_epsilon")
        self.chunk_weights = tf.Variable(np.ones(self.num_chunks), trainable=False, dtype=tf.float64, name="causal_w")
        self.chunk_losses = tf.Variable(np.zeros(self.num_chunks), trainable=False, dtype=tf.float64, name="causal_L")

    def residual(self, model, arrays):
        r = self.inner.check_residual(self.inner.residual(model, arrays), None)
        dtype = r.dtype
        x = tf.convert_to_tensor(arrays["x"])
        t = tf.cast(x[:, self.time_axis], tf.float64)
        t0, t1 = self.time_range
        m = self.num_chunks
        idx = tf.clip_by_value(tf.cast(tf.floor((t - t0) / (t1 - t0) * m), tf.int32), 0, m - 1)
        k = tf.cast(tf.shape(r)[1], dtype)
        sq = tf.reduce_sum(tf.square(r), axis=1) / k
        counts = tf.math.unsorted_segment_sum(tf.ones_like(t), idx, m)
        sums = tf.math.unsorted_segment_sum(tf.cast(tf.stop_gradient(sq), tf.float64), idx, m)
        losses = sums / tf.maximum(counts, 1.0)
        w = tf.exp(-self.epsilon * tf.math.cumsum(losses, exclusive=True))
        self.chunk_losses.assign(losses)
        self.chunk_weights.assign(w)
        n = tf.cast(tf.shape(r)[0], tf.float64)
        scale = tf.gather(w * n / (m * tf.maximum(counts, 1.0)), idx)
        return r * tf.cast(tf.sqrt(scale), dtype)[:, None]


class CausalSchedule(keras.callbacks.Callback):
    """Raises ``epsilon`` of a :class:`CausalWeighting` when ``min_i w_i > threshold``.

    Follows the paper's schedule ``eps in [1e-2, 1e-1, 1, 10, 100]``: when
    the last chunk's weight exceeds ``threshold`` (all earlier times are
    fitted), move to the next ``eps``. Logs ``causal_eps`` and
    ``causal_min_w`` every epoch.

    Args:
        condition: the :class:`CausalWeighting`.
        epsilons: the schedule (default ``(1e-2, 1e-1, 1, 10, 100)``).
        threshold: default 0.99.
        check_every: steps between checks (default 10).
    """

    def __init__(self, condition, epsilons=(1e-2, 1e-1, 1.0, 10.0, 100.0), threshold=0.99, check_every=10):
        super().__init__()
        if not isinstance(condition, CausalWeighting):
            raise ValueError(f"`condition` must be a CausalWeighting. Received: condition={condition!r}")
        self.condition = condition
        self.epsilons = [float(e) for e in epsilons]
        if not self.epsilons:
            raise ValueError("`epsilons` must not be empty.")
        self.threshold = _check_fraction(threshold, "threshold")
        self.check_every = _check_positive_int(check_every, "check_every")
        self.level = 0
        self._step = 0
        self.changes = []  # (step, new eps)
        condition.epsilon.assign(self.epsilons[0])

    def on_train_batch_end(self, batch, logs=None):
        spe = int(getattr(self.model, "steps_per_execution", 1) or 1) if self.model is not None else 1
        self._step += spe
        self._since = getattr(self, "_since", 0) + spe
        if self._since < self.check_every:
            return
        self._since = 0
        w_min = float(tf.reduce_min(self.condition.chunk_weights).numpy())
        if w_min > self.threshold and self.level + 1 < len(self.epsilons):
            self.level += 1
            self.condition.epsilon.assign(self.epsilons[self.level])
            self.changes.append((self._step, self.epsilons[self.level]))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["causal_eps"] = float(self.condition.epsilon.numpy())
            logs["causal_min_w"] = float(tf.reduce_min(self.condition.chunk_weights).numpy())
