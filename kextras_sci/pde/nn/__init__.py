"""Network architectures for PINNs (Keras layers, registered by the ``kextras_sci`` plugin).

| layer | technique |
|---|---|
| :class:`FourierFeatures` | random Fourier feature embedding (Tancik et al. 2020) |
| :class:`PeriodicEmbedding` | exact periodic embedding (Dong & Ni 2021) |
| :class:`FactorizedDense` | Dense with random weight factorization (Wang, Wang, Perdikaris 2022) |
| :class:`ModifiedMLP` | gated "modified MLP" (Wang, Teng, Perdikaris 2021) |
| :class:`AdaptiveActivation` | LAAF / N-LAAF / GAAF adaptive slopes (Jagtap et al. 2020) |

All accept ``activation="hyper_sinh"`` (and any :func:`kextras.activations.get` name).
"""

from .adaptive_activation import AdaptiveActivation
from .factorized_dense import FactorizedDense
from .fourier_features import FourierFeatures
from .modified_mlp import ModifiedMLP
from .periodic_embedding import PeriodicEmbedding

__all__ = ["FourierFeatures", "PeriodicEmbedding", "FactorizedDense", "ModifiedMLP", "AdaptiveActivation"]
