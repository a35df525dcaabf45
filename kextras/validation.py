"""Argument checks shared by every kextras package.

Each check takes ``(name, value)``, returns the value converted to a plain Python type,
and raises ``ValueError`` (``TypeError`` for a wrong type where Keras does so too) with
the message style of Keras' own layers::

    ValueError: `units` must be a positive integer. Received: units=0

``bool`` is never accepted as a number (``True`` is an ``int`` in Python).
NumPy scalars (``np.int64(3)``, ``np.float32(0.5)``) are accepted.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "integer",
    "positive_int",
    "non_negative_int",
    "int_list",
    "real",
    "positive_float",
    "rate",
    "boolean",
    "choice",
]


def _fail(name: str, value: Any, what: str) -> ValueError:
    return ValueError(f"`{name}` must be {what}. Received: {name}={value!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def integer(name: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer in ``[minimum, maximum]`` (either bound may be ``None``)."""
    if not _is_int(value) or (minimum is not None and value < minimum) or (
            maximum is not None and value > maximum):
        if minimum == 1 and maximum is None:
            what = "a positive integer"
        elif minimum == 0 and maximum is None:
            what = "a non-negative integer"
        elif minimum is None and maximum is None:
            what = "an integer"
        else:
            lo = "-inf" if minimum is None else minimum
            hi = "inf" if maximum is None else maximum
            what = f"an integer in [{lo}, {hi}]"
        raise _fail(name, value, what)
    return int(value)


def positive_int(name: str, value: Any) -> int:
    """An integer ``>= 1``."""
    return integer(name, value, minimum=1)


def non_negative_int(name: str, value: Any) -> int:
    """An integer ``>= 0``."""
    return integer(name, value, minimum=0)


def int_list(name: str, value: Any, minimum: int = 1, allow_scalar: bool = True,
             allow_empty: bool = False) -> list[int]:
    """A list of integers ``>= minimum``; a bare integer becomes ``[value]`` if allowed."""
    if allow_scalar and _is_int(value):
        value_list: Sequence = [value]
    elif isinstance(value, (list, tuple)):
        value_list = value
    else:
        value_list = None  # type: ignore[assignment]
    if (value_list is None or (not value_list and not allow_empty)
            or any(not _is_int(v) or v < minimum for v in value_list)):
        kind = {1: "positive integers", 0: "non-negative integers"}.get(
            minimum, f"integers >= {minimum}")
        what = f"a {'possibly empty' if allow_empty else 'non-empty'} list of {kind}"
        if allow_scalar:
            what = f"an integer or {what}"
        raise _fail(name, value, what)
    return [int(v) for v in value_list]


def real(name: str, value: Any, minimum: float | None = None, maximum: float | None = None,
         include_minimum: bool = True, include_maximum: bool = True) -> float:
    """A finite real number in the given interval (bounds open or closed)."""
    ok = _is_real(value) and math.isfinite(value)
    if ok and minimum is not None:
        ok = value >= minimum if include_minimum else value > minimum
    if ok and maximum is not None:
        ok = value <= maximum if include_maximum else value < maximum
    if not ok:
        if minimum is None and maximum is None:
            what = "a finite number"
        elif minimum == 0 and not include_minimum and maximum is None:
            what = "a positive finite number"
        else:
            lo = "(-inf" if minimum is None else ("[" if include_minimum else "(") + f"{minimum:g}"
            hi = "inf)" if maximum is None else f"{maximum:g}" + ("]" if include_maximum else ")")
            what = f"a finite number in {lo}, {hi}"
        raise _fail(name, value, what)
    return float(value)


def positive_float(name: str, value: Any) -> float:
    """A finite number ``> 0``."""
    return real(name, value, minimum=0, include_minimum=False)


def rate(name: str, value: Any, include_one: bool = False) -> float:
    """A probability-like rate in ``[0, 1)`` (``[0, 1]`` with ``include_one``)."""
    return real(name, value, minimum=0, maximum=1, include_maximum=include_one)


def boolean(name: str, value: Any) -> bool:
    """``True`` or ``False`` (NumPy booleans too); never a truthy number or string."""
    if isinstance(value, bool) or type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
        return bool(value)
    raise _fail(name, value, "True or False")


def choice(name: str, value: Any, choices: Iterable) -> Any:
    """One of ``choices``; the message lists them."""
    choices = list(choices)
    try:
        ok = value in choices
    except TypeError:  # unhashable against a set-like
        ok = False
    if not ok:
        raise _fail(name, value, f"one of {choices}")
    return value
