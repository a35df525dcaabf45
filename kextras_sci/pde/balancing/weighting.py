"""Callbacks that set the term weights ``w_k`` of a PINN from a balancing rule."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde.balancing.rules import grad_norm_weights, lra_weights, ntk_weights, relobralo_weights, softadapt_weights

__all__ = ["TermWeighting", "LearningRateAnnealing", "GradNormWeighting", "NTKWeighting", "SoftAdapt", "ReLoBRaLo"]


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
        self.update_every = validation.positive_int("update_every", update_every)
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
        terms: names of the terms whose weights are updated (default None: all terms
            of the PINN; the weight of ``reference`` stays as it is).
        update_every: training steps between two weight updates (default 10, the
            paper's value; Keras calls the callback once per ``steps_per_execution``
            steps, see :class:`TermWeighting`).
        verbose: print the weights at each update (default False).
    """

    def __init__(self, reference=None, alpha=0.9, terms=None, update_every=10, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.reference = reference
        self.alpha = validation.rate("alpha", alpha, include_one=True)

    def setup(self):
        super().setup()
        if self.reference is None:
            from kextras_sci.pde.conditions import PDEResidual

            cands = [c.name for c in self.pinn.conditions if isinstance(c.unwrap(), PDEResidual)]
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
        terms: names of the terms to balance (default None: all terms of the PINN).
        update_every: training steps between two weight updates (default 100; Keras
            calls the callback once per ``steps_per_execution`` steps, see
            :class:`TermWeighting`).
        verbose: print the weights at each update (default False).
    """

    def __init__(self, momentum=0.9, terms=None, update_every=100, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.momentum = validation.rate("momentum", momentum, include_one=True)

    def compute_weights(self):
        g = self.gradients()
        return grad_norm_weights({k: g[k] for k in self.names}, self.current_weights(), self.momentum)


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
        terms: names of the terms to balance (default None: all terms of the PINN).
        update_every: training steps between two weight updates (default 100; Keras
            calls the callback once per ``steps_per_execution`` steps, see
            :class:`TermWeighting`).
        verbose: print the weights at each update (default False).
    """

    def __init__(self, num_points=64, momentum=0.9, terms=None, update_every=100, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.num_points = validation.positive_int("num_points", num_points)
        self.momentum = validation.rate("momentum", momentum, include_one=True)

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
        terms: names of the terms to balance (default None: all terms of the PINN).
        update_every: training steps between two weight updates (default 1; Keras
            calls the callback once per ``steps_per_execution`` steps, see
            :class:`TermWeighting`).
        verbose: print the weights at each update (default False).
    """

    def __init__(self, beta=0.1, normalized=False, loss_weighted=False, scale=1.0, terms=None, update_every=1, verbose=False):
        super().__init__(terms, update_every, verbose)
        validation.real("beta", beta)
        self.beta = float(beta)
        self.normalized = bool(normalized)
        self.loss_weighted = bool(loss_weighted)
        self.scale = validation.positive_float("scale", scale)

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
        terms: names of the terms to balance (default None: all terms of the PINN).
        update_every: training steps between two weight updates (default 1; Keras
            calls the callback once per ``steps_per_execution`` steps, see
            :class:`TermWeighting`).
        verbose: print the weights at each update (default False).
    """

    def __init__(self, alpha=0.999, expected_rho=0.999, temperature=0.1, seed=None, terms=None, update_every=1, verbose=False):
        super().__init__(terms, update_every, verbose)
        self.alpha = validation.rate("alpha", alpha, include_one=True)
        self.expected_rho = validation.rate("expected_rho", expected_rho, include_one=True)
        self.temperature = validation.positive_float("temperature", temperature)
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


