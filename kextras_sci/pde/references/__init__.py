"""Reference problems with exact solutions, computed offline (no downloads).

Each reference is an object with ``domain`` (a :mod:`kextras_sci.pde.domains`
geometry), ``coefficients``, ``equation`` (text), ``solution(x) -> [n, 1]`` and
``source(x) -> [n, 1]`` (the forcing term of the equation as written), plus
``relative_l2_error(x, u_pred)``.

| class | problem |
|---|---|
| :class:`Burgers1D` | ``u_t + u u_x = nu u_xx``, ``nu = 0.01/pi``, ``u0 = -sin(pi x)``; Cole-Hopf + Gauss-Hermite |
| :class:`PoissonSquare` | ``-Lap u = f`` on ``[0,1]^2``, ``u = sin(a pi x) sin(b pi y)`` |
| :class:`PoissonLShape` | ``-Lap u = f`` on an L-shape, ``u = e^x sin(pi y)`` |
| :class:`HelmholtzSquare` | ``Lap u + k^2 u = f`` on ``[0,1]^2``, ``u = sin(a pi x) sin(b pi y)`` |
| :class:`Heat1D` | ``u_t = alpha u_xx`` on ``[0, L]``, Fourier sine series |
| :class:`DiffusionReaction1D` | ``u_t = d u_xx - k u + f``, DeepXDE's analytic case |
| :class:`AllenCahn1D` | ``u_t = 1e-4 u_xx - 5u^3 + 5u``, periodic, ``u0 = x^2 cos(pi x)``; Fourier ETDRK4 |
| :class:`Wave1D` | ``u_tt = c^2 u_xx`` on ``[0,1]^2``, ``c = 2``, ``u = sin(pi x) cos(2 pi t) + 0.5 sin(4 pi x) cos(8 pi t)`` |
| :class:`KleinGordon1D` | ``u_tt + alpha u_xx + beta u + gamma u^3 = f``, ``u = x cos(5 pi t) + (x t)^3`` |
"""

from ._base import Reference
from .allen_cahn import AllenCahn1D, etdrk4_coefficients, solve_allen_cahn
from .burgers import Burgers1D
from .diffusion_reaction import DiffusionReaction1D
from .heat import Heat1D
from .helmholtz import HelmholtzSquare
from .klein_gordon import KleinGordon1D
from .poisson import PoissonLShape, PoissonSquare
from .wave import Wave1D

__all__ = [
    "Reference",
    "Burgers1D",
    "PoissonSquare",
    "PoissonLShape",
    "HelmholtzSquare",
    "Heat1D",
    "DiffusionReaction1D",
    "KleinGordon1D",
    "Wave1D",
    "AllenCahn1D",
    "solve_allen_cahn",
    "etdrk4_coefficients",
]
