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

from kextras_sci.pde.balancing.causal import CausalSchedule, CausalWeighting
from kextras_sci.pde.balancing.rules import (
    grad_norm_weights,
    lra_weights,
    ntk_weights,
    relobralo_weights,
    softadapt_weights,
)
from kextras_sci.pde.balancing.self_adaptive import SelfAdaptiveUpdate, SelfAdaptiveWeights
from kextras_sci.pde.balancing.weighting import (
    GradNormWeighting,
    LearningRateAnnealing,
    NTKWeighting,
    ReLoBRaLo,
    SoftAdapt,
    TermWeighting,
)

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

