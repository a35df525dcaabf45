"""Private helpers of the PINN architecture layers."""

from __future__ import annotations


def check_rank2(layer, input_shape, what="[batch, features]"):
    if len(input_shape) != 2:
        raise ValueError(
            f"{type(layer).__name__} expects inputs of shape {what} (rank 2). "
            f"Received: input shape={tuple(input_shape)}"
        )
    if input_shape[-1] is None:
        raise ValueError(
            f"{type(layer).__name__} needs a known number of input features. "
            f"Received: input shape={tuple(input_shape)}"
        )
    return int(input_shape[-1])


def check_min_rank(layer, input_shape, rank=2):
    if len(input_shape) < rank or input_shape[-1] is None:
        raise ValueError(
            f"{type(layer).__name__} expects inputs of rank >= {rank} with a known last axis. "
            f"Received: input shape={tuple(input_shape)}"
        )
    return int(input_shape[-1])
