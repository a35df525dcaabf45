"""Exact periodic embedding (Dong & Ni, J. Comput. Phys. 2021)."""

from __future__ import annotations

import math
import numbers

import keras
from keras import ops

from kextras import validation
from ._base import check_rank2


class PeriodicEmbedding(keras.layers.Layer):
    """Maps periodic coordinates to Fourier modes so periodicity holds exactly.

    For a coordinate ``x_i`` with period ``P_i`` (``omega_i = 2 pi / P_i``):
    ``x_i -> [cos(k omega_i x_i), sin(k omega_i x_i)]  for k = 1 ... K``;
    a coordinate whose period is ``None`` passes through unchanged. Any
    network on top of this embedding is exactly ``P_i``-periodic in ``x_i``
    to all derivative orders (Dong & Ni 2021, "A method for representing
    periodic functions and enforcing exactly periodic boundary conditions with
    deep neural networks"), so no ``PeriodicBC`` term is needed.

    Args:
        periods: one entry per input coordinate: a positive period or ``None``
            (not periodic), e.g. ``[2.0, None]`` for ``(x, t)`` on
            ``[-1, 1] x [0, 1]``.
        num_harmonics: ``K`` (default 1).

    Input shape: ``[n, d]`` with ``d = len(periods)``. Output shape:
    ``[n, d_np + 2 K d_p]`` (``d_p`` periodic and ``d_np`` other coordinates,
    each coordinate's features in input order).
    """

    def __init__(self, periods, num_harmonics=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(periods, (numbers.Real,)) and not isinstance(periods, bool):
            periods = [periods]
        try:
            periods = list(periods)
        except TypeError:
            raise ValueError(f"`periods` must be a list of positive numbers or None. Received: periods={periods!r}") from None
        if not periods:
            raise ValueError(f"`periods` must not be empty. Received: periods={periods!r}")
        for p in periods:
            if p is not None and (
                isinstance(p, bool) or not isinstance(p, numbers.Real) or not math.isfinite(p) or p <= 0
            ):
                raise ValueError(f"`periods` must hold positive finite numbers or None. Received: periods={periods!r}")
        if all(p is None for p in periods):
            raise ValueError(f"`periods` must name at least one periodic coordinate. Received: periods={periods!r}")
        self.periods = [None if p is None else float(p) for p in periods]
        self.num_harmonics = validation.positive_int("num_harmonics", num_harmonics)

    def build(self, input_shape):
        d = check_rank2(self, input_shape, "[n, d] (one row of coordinates per point)")
        if d != len(self.periods):
            raise ValueError(
                f"PeriodicEmbedding got {d} coordinates but `periods` has {len(self.periods)} entries. "
                f"Received: periods={self.periods}"
            )

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        k = ops.cast(ops.arange(1, self.num_harmonics + 1), self.compute_dtype)
        parts = []
        for i, p in enumerate(self.periods):
            xi = x[:, i : i + 1]
            if p is None:
                parts.append(xi)
            else:
                arg = xi * k[None, :] * (2.0 * math.pi / p)
                parts.extend([ops.cos(arg), ops.sin(arg)])
        return ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        n_p = sum(p is not None for p in self.periods)
        return (input_shape[0], len(self.periods) - n_p + 2 * self.num_harmonics * n_p)

    def get_config(self):
        config = super().get_config()
        config.update(periods=list(self.periods), num_harmonics=self.num_harmonics)
        return config
