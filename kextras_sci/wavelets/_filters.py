"""Wavelet filter banks, wavelet names and level helpers (PyWavelets conventions)."""

from __future__ import annotations

import difflib
import math
import warnings
from numbers import Integral

import numpy as np

__all__ = ["FilterBank", "get_wavelet", "wavelist", "dwt_max_level", "swt_max_level"]


def _pywt():
    try:
        import pywt
    except ImportError as e:  # pragma: no cover - pywt is a dependency of the `sci` extra
        raise ImportError(
            "kextras_sci.wavelets needs PyWavelets for the filter coefficients of named "
            'wavelets: pip install "kextras[sci]"'
        ) from e
    return pywt


class FilterLengths:
    """``dec_len`` / ``rec_len`` of a bank with ``dec_lo`` / ``rec_lo`` arrays or tensors."""

    @property
    def dec_len(self) -> int:
        return int(self.dec_lo.shape[0])

    @property
    def rec_len(self) -> int:
        return int(self.rec_lo.shape[0])


class FilterBank(FilterLengths):
    """A two-channel filter bank: decomposition and reconstruction low/high-pass filters.

    Same conventions as ``pywt.Wavelet``: ``dec_lo``/``dec_hi`` are the analysis filters as
    used by ``pywt.dwt`` (the transform is ``cA[i] = sum_j dec_lo[j] x[2i + 1 - j]`` on the
    extended signal) and ``rec_lo``/``rec_hi`` the synthesis filters.

    Args:
        dec_lo: decomposition low-pass filter, a 1D array-like (length >= 1). An odd
            length is padded with one trailing zero tap per filter, exactly like
            ``pywt.Wavelet(name, filter_bank=...)`` (so ``dec_len`` is then the length + 1).
        dec_hi: decomposition high-pass filter, of the same length as ``dec_lo``.
        rec_lo: reconstruction low-pass filter, of the same length.
        rec_hi: reconstruction high-pass filter, of the same length.
        name: optional name (``"db4"``); user banks are called ``"custom"``.
        orthogonal: whether the bank is orthogonal (only used for ``swt(norm=True)``'s warning).
    """

    def __init__(self, dec_lo, dec_hi, rec_lo, rec_hi, name="custom", orthogonal=None):
        arrs = []
        for arg, v in zip(("dec_lo", "dec_hi", "rec_lo", "rec_hi"), (dec_lo, dec_hi, rec_lo, rec_hi)):
            a = np.asarray(v)
            if np.iscomplexobj(a):
                raise ValueError(f"`{arg}` must be real. Received a complex filter.")
            a = a.astype(np.float64)
            if a.ndim != 1 or a.shape[0] < 1:
                raise ValueError(
                    f"`{arg}` must be a 1D filter with at least 1 tap. Received shape {a.shape}."
                )
            if not np.all(np.isfinite(a)):
                raise ValueError(f"`{arg}` contains non-finite values.")
            arrs.append(a)
        lens = {a.shape[0] for a in arrs}
        if len(lens) != 1:
            raise ValueError(
                "All four filters of a filter bank must have the same length. Received lengths "
                f"{[a.shape[0] for a in arrs]}."
            )
        if lens.pop() % 2:
            # PyWavelets (``pywt.Wavelet(name, filter_bank=...)``) appends one zero tap to
            # every filter of an odd-length bank; the transforms then use the even length.
            arrs = [np.concatenate([a, np.zeros(1)]) for a in arrs]
        self.dec_lo, self.dec_hi, self.rec_lo, self.rec_hi = arrs
        self.name = str(name)
        if orthogonal is None:
            orthogonal = bool(
                np.allclose(self.rec_lo, self.dec_lo[::-1]) and np.allclose(self.rec_hi, self.dec_hi[::-1])
                and abs(np.dot(self.dec_lo, self.dec_lo) - 1.0) < 1e-10
            )
        self.orthogonal = bool(orthogonal)

    @property
    def filter_bank(self):
        """``(dec_lo, dec_hi, rec_lo, rec_hi)`` as Python lists (like ``pywt.Wavelet.filter_bank``)."""
        return tuple(a.tolist() for a in (self.dec_lo, self.dec_hi, self.rec_lo, self.rec_hi))

    def scaled(self, factor: float) -> "FilterBank":
        """A copy with all four filters multiplied by ``factor``."""
        return FilterBank(
            self.dec_lo * factor, self.dec_hi * factor, self.rec_lo * factor, self.rec_hi * factor,
            name=self.name, orthogonal=self.orthogonal,
        )

    def __eq__(self, other):
        return isinstance(other, FilterBank) and all(
            np.array_equal(a, b) for a, b in zip(self.filter_bank, other.filter_bank)
        )

    def __hash__(self):
        return hash((self.name, tuple(self.dec_lo.tolist())))

    def __repr__(self):
        return f"FilterBank(name={self.name!r}, dec_len={self.dec_len})"


_DISCRETE = None
_CONTINUOUS = None


def _names():
    global _DISCRETE, _CONTINUOUS
    if _DISCRETE is None:
        pywt = _pywt()
        _DISCRETE = tuple(pywt.wavelist(kind="discrete"))
        _CONTINUOUS = tuple(pywt.wavelist(kind="continuous"))
    return _DISCRETE, _CONTINUOUS


def wavelist(family: str | None = None) -> list[str]:
    """Names of every discrete wavelet available (PyWavelets' discrete list).

    Args:
        family: optional family short name (``"db"``, ``"sym"``, ``"coif"``, ``"bior"``,
            ``"rbio"``, ``"haar"``, ``"dmey"``) to restrict the list.
    """
    if family is None:
        return list(_names()[0])
    return list(_pywt().wavelist(family=family, kind="discrete"))


def _is_continuous(name: str) -> bool:
    cont = _names()[1]
    base = name.split("-")[0].rstrip("0123456789.")
    return name in cont or base in {c.rstrip("0123456789") for c in cont}


def get_wavelet(wavelet) -> FilterBank:
    """Return the :class:`FilterBank` for a wavelet name, a filter bank or a wavelet object.

    Args:
        wavelet: a discrete wavelet name known to PyWavelets (``"db4"``, ``"bior2.2"``,
            ``"dmey"``, ...), a :class:`FilterBank`, an object with a ``filter_bank`` attribute
            (e.g. ``pywt.Wavelet``), or a sequence of four 1D filters
            ``(dec_lo, dec_hi, rec_lo, rec_hi)``.

    Raises:
        ValueError: unknown name (the message lists close names), continuous wavelet name, or
            an invalid filter bank.
    """
    if isinstance(wavelet, FilterBank):
        return wavelet
    if isinstance(wavelet, str):
        discrete, _ = _names()
        if wavelet in discrete:
            w = _pywt().Wavelet(wavelet)
            return FilterBank(*w.filter_bank, name=wavelet, orthogonal=w.orthogonal)
        if _is_continuous(wavelet):
            raise ValueError(
                f"`wavelet` must be a discrete wavelet. Received the continuous wavelet "
                f"wavelet={wavelet!r}; discrete transforms need a filter bank (see "
                "kextras_sci.wavelets.wavelist())."
            )
        close = difflib.get_close_matches(wavelet, discrete, n=5, cutoff=0.5)
        hint = f" Did you mean one of {close}?" if close else ""
        raise ValueError(
            f"Unknown wavelet name. Received: wavelet={wavelet!r}.{hint} "
            "See kextras_sci.wavelets.wavelist() for all names."
        )
    fb = getattr(wavelet, "filter_bank", None)
    if fb is not None:
        name = getattr(wavelet, "name", None) or "custom"
        orth = getattr(wavelet, "orthogonal", None)
        return FilterBank(*fb, name=name, orthogonal=orth)
    if isinstance(wavelet, (list, tuple)) and len(wavelet) == 4:
        return FilterBank(*wavelet)
    raise ValueError(
        "`wavelet` must be a wavelet name, a FilterBank, an object with a `filter_bank` "
        f"attribute or four filters (dec_lo, dec_hi, rec_lo, rec_hi). Received: wavelet={wavelet!r}"
    )


def _filter_len(filter_len) -> int:
    if isinstance(filter_len, (str, FilterBank)) or hasattr(filter_len, "filter_bank"):
        return get_wavelet(filter_len).dec_len
    if isinstance(filter_len, bool) or not (
        isinstance(filter_len, Integral) or (isinstance(filter_len, float) and filter_len % 1 == 0)
    ):
        raise ValueError(
            "`filter_len` must be an integer, a wavelet name or a filter bank. "
            f"Received: filter_len={filter_len!r}"
        )
    return int(filter_len)


def dwt_max_level(data_len: int, filter_len) -> int:
    """Maximum useful decomposition level, ``floor(log2(data_len / (filter_len - 1)))``.

    Same as ``pywt.dwt_max_level``: 0 when ``data_len < filter_len - 1`` (an empty axis too).

    Args:
        data_len: length of the signal along the transformed axis.
        filter_len: filter length, or a wavelet name / filter bank.
    """
    f = _filter_len(filter_len)
    if f < 2:
        raise ValueError(f"invalid wavelet filter length. Received: filter_len={f}")
    n = int(data_len)
    if n < 0:
        raise ValueError(f"`data_len` must be >= 0. Received: data_len={data_len}")
    if n < f - 1:
        return 0
    # integer floor(log2(n / (f - 1))) without float rounding trouble
    lev = int(math.floor(math.log2(n / (f - 1))))
    while (f - 1) << (lev + 1) <= n:
        lev += 1
    while lev > 0 and (f - 1) << lev > n:
        lev -= 1
    return max(lev, 0)


def swt_max_level(input_len: int) -> int:
    """Maximum level of the stationary transform: how many times ``input_len`` halves evenly.

    Warns (``UserWarning``, as pywt) when that is 0 (an odd length).
    """
    n = int(input_len)
    lev = 0
    while n > 0 and n % 2 == 0:
        n //= 2
        lev += 1
    if lev == 0:
        warnings.warn(
            "No levels of stationary wavelet decomposition are possible. The signal to be "
            "transformed must have a size that is a multiple of 2**level for the swt.",
            UserWarning,
            stacklevel=2,
        )
    return lev
