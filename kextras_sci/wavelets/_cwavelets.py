"""PyWavelets' continuous wavelets in NumPy: ``psi(x)``, its running integral, its frequency.

Every family of ``pywt.wavelist(kind="continuous")``, with pywt's effective supports
``[lower_bound, upper_bound]`` (``B`` = bandwidth, ``C`` = centre frequency, ``M`` = order)::

    gausN  (-1)**floor(N/2) * d^N/dx^N exp(-x**2) / norm          [-5, 5]    real
    cgauN  d^N/dx^N [exp(-1j*x) * exp(-x**2)] / norm               [-5, 5]    complex
    mexh   2 / (sqrt(3) * pi**0.25) * (1 - x**2) * exp(-x**2 / 2)  [-8, 8]    real
    morl   cos(5 x) * exp(-x**2 / 2)                               [-8, 8]    real
    cmorB-C  exp(-x**2 / B) * exp(2j*pi*C*x) / sqrt(pi * B)        [-8, 8]    complex
    shanB-C  sqrt(B) * sinc(B x) * exp(2j*pi*C*x)                  [-20, 20]  complex
    fbspM-B-C  sqrt(B) * sinc(B x / M)**M * exp(2j*pi*C*x)         [-20, 20]  complex

(``sinc(u) = sin(pi u) / (pi u)``; ``norm`` makes ``gausN``/``cgauN`` of unit energy). The
derivatives are ``p_N(x) * exp(-x**2) [* exp(-1j*x)]`` with polynomials from the recursion
``p_0 = 1``, ``p_{N+1} = p_N' + q p_N``, ``q = -2x`` (gaus) or ``-2x - 1j`` (cgau). Names are
parsed and validated by ``pywt.ContinuousWavelet`` (its metadata only: family, order, bounds,
``B``, ``C``, ``M``); the functions themselves are computed here.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import polynomial as P

from kextras_sci.wavelets._filters import _pywt

__all__ = ["ContinuousWaveletSpec", "continuous_wavelet"]

_FAMILIES = ("gaus", "cgau", "mexh", "morl", "cmor", "shan", "fbsp")


@dataclass(frozen=True)
class ContinuousWaveletSpec:
    """What the transform needs to know about one continuous wavelet."""

    name: str
    family: str
    order: int  # N of gausN / cgauN, M of fbsp, else 0
    lower_bound: float
    upper_bound: float
    bandwidth: float  # B (cmor, shan, fbsp), else 0
    center: float  # C (cmor, shan, fbsp), else 0
    complex_cwt: bool
    dtype: str = "float64"  # the precision pywt samples psi in (its ``ContinuousWavelet.dt``)

    def psi(self, x):
        """``psi(x)`` (float64 or complex128) at the points ``x``."""
        x = np.asarray(x, dtype=np.float64)
        f = self.family
        if f in ("gaus", "cgau"):
            poly, norm = _gaussian_derivative(self.order, f == "cgau")
            y = P.polyval(x, poly) * np.exp(-x * x)
            if f == "cgau":
                y = y * np.exp(-1j * x)
            return y / norm
        if f == "mexh":
            return (1 - x * x) * np.exp(-x * x / 2) * 2 / (math.sqrt(3) * math.sqrt(math.sqrt(math.pi)))
        if f == "morl":
            return np.cos(5 * x) * np.exp(-x * x / 2)
        b, c = self.bandwidth, self.center
        carrier = np.exp(2j * math.pi * c * x)
        if f == "cmor":
            return carrier * np.exp(-x * x / b) / math.sqrt(math.pi * b)
        m = 1 if f == "shan" else self.order
        return math.sqrt(b) * np.sinc(b * x / m) ** m * carrier

    def wavefun(self, precision=8):
        """``(psi, x)`` on ``2**precision`` points of the support, as ``pywt``'s ``wavefun``."""
        x = np.linspace(self.lower_bound, self.upper_bound, int(2 ** precision), dtype=self.dtype)
        psi = self.psi(x)
        return psi.astype(np.result_type(self.dtype, psi.dtype)), x

    def integrate(self, precision=8):
        """``(int_psi, x)``: ``int_psi[i] = step * sum_{k <= i} psi(x_k)`` (pywt's rectangle rule)."""
        psi, x = self.wavefun(precision)
        integral = np.cumsum(psi)
        integral *= x[1] - x[0]
        return integral, x

    def central_frequency(self, precision=8):
        """The frequency (cycles per unit of ``x``) of the largest DFT bin of ``psi``, as pywt."""
        psi, x = self.wavefun(precision)
        domain = float(x[-1] - x[0])
        index = np.argmax(abs(np.fft.fft(psi)[1:])) + 2
        if index > len(psi) / 2:
            index = len(psi) - index + 2
        return 1.0 / (domain / (index - 1))


def _gaussian_derivative(n, complex_carrier):
    """``(p_n, norm)``: ``d^n/dx^n [exp(-x^2) (exp(-i x))] = p_n(x) * ...`` and its L2 norm."""
    q = np.array([-1j, -2.0]) if complex_carrier else np.array([0.0, -2.0])
    p = np.array([1.0 + 0j])
    for _ in range(n):
        p = P.polyadd(P.polyder(p), P.polymul(q, p))
    if not complex_carrier:
        p = p.real * (-1) ** (n // 2)
    # ||p exp(-x^2)||^2 = sum_k a_k int x^k exp(-2x^2) dx, a = coefficients of |p|^2 (even k
    # only): int x^2j exp(-2x^2) dx = sqrt(pi/2) (2j-1)!! / 4^j
    a = P.polymul(p, np.conj(p)).real
    moments = [math.prod(range(1, k, 2)) / 4 ** (k // 2) if k % 2 == 0 else 0.0 for k in range(len(a))]
    energy = float(np.dot(a, moments))
    return p, math.sqrt(energy * math.sqrt(math.pi / 2))


def _fail(value, what):
    return ValueError(f"`wavelet` must be {what}. Received: wavelet={value!r}")


def continuous_wavelet(wavelet):
    """A :class:`ContinuousWaveletSpec` from a name (``"morl"``, ``"cmor1.5-1.0"``, ...), a
    ``pywt.ContinuousWavelet`` or a spec; a clear ``ValueError`` for anything else."""
    if isinstance(wavelet, ContinuousWaveletSpec):
        return wavelet
    pywt = _pywt()
    if isinstance(wavelet, str):
        name = wavelet.lower()
        if name[:4] not in _FAMILIES:
            if name in pywt.wavelist(kind="discrete"):
                raise _fail(wavelet, "a continuous wavelet (cwt needs one of "
                            f"{pywt.wavelist(kind='continuous')}; {wavelet!r} is a discrete wavelet)")
            near = difflib.get_close_matches(name, pywt.wavelist(kind="continuous"), n=3)
            hint = f" Did you mean {' or '.join(map(repr, near))}?" if near else ""
            raise ValueError(
                f"`wavelet` must be the name of a continuous wavelet, one of "
                f"{pywt.wavelist(kind='continuous')} (cmor, shan and fbsp with their parameters, "
                f"e.g. 'cmor1.5-1.0', 'shan1.5-1.0', 'fbsp2-1.5-1.0'). Received: "
                f"wavelet={wavelet!r}.{hint}")
        try:
            obj = pywt.ContinuousWavelet(name)
        except ValueError as e:
            raise _fail(wavelet, f"a valid continuous wavelet name ({e})") from None
    elif isinstance(wavelet, pywt.ContinuousWavelet):
        obj = wavelet
    elif isinstance(wavelet, pywt.Wavelet):
        raise _fail(wavelet, "a continuous wavelet (a name or a pywt.ContinuousWavelet); "
                    "received a discrete pywt.Wavelet")
    else:
        raise _fail(wavelet, "a continuous wavelet name or a pywt.ContinuousWavelet")
    lower, upper = obj.lower_bound, obj.upper_bound
    if lower is None or upper is None:  # pywt reports None for equal bounds
        raise _fail(wavelet, "a wavelet with lower_bound < upper_bound")
    family = obj.short_family_name
    order = obj.fbsp_order if family == "fbsp" else obj.family_number
    return ContinuousWaveletSpec(
        name=obj.name, family=family, order=int(order or 0), lower_bound=float(lower),
        upper_bound=float(upper), bandwidth=float(obj.bandwidth_frequency or 0.0),
        center=float(obj.center_frequency or 0.0), complex_cwt=bool(obj.complex_cwt),
        dtype=np.dtype(obj.dt).name)
