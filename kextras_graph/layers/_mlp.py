"""A small MLP with Dense-layout weights (kernel_k [in, out], bias_k [out])."""

import tensorflow as tf


def build_mlp(layer, in_dim, units_list, prefix=""):
    """Creates ``{prefix}kernel_k``/``{prefix}bias_k`` for every hidden size; returns pairs."""
    weights = []
    for k, units in enumerate(units_list):
        kernel = layer._kernel((in_dim, units), name=f"{prefix}kernel_{k}")
        bias = layer._bias((units,), name=f"{prefix}bias_{k}") if layer.use_bias else None
        weights.append((kernel, bias))
        in_dim = units
    return weights


def apply_mlp(x, weights, hidden_activation, last_activation):
    """``h_{k+1} = act(h_k W_k + b_k)``; ``hidden_activation`` between, ``last_activation`` at the end."""
    n = len(weights)
    for k, (kernel, bias) in enumerate(weights):
        x = tf.matmul(x, kernel)
        if bias is not None:
            x = x + bias
        x = last_activation(x) if k == n - 1 else hidden_activation(x)
    return x
