"""TopKUnpool: the unpooling of graph U-Nets (inverse of TopKPool / SAGPool)."""

import re

import keras
import tensorflow as tf

from kextras_graph.layers._base import fresh_specs, ragged_spec
from kextras_graph.layers._pooling import pool_level
from kextras_graph.ops.structure import STRUCTURE_KEY

_COMBINES = (None, "add", "concat")


def _check_ragged(name, x, integer):
    if not isinstance(x, tf.RaggedTensor) or x.ragged_rank != 1:
        raise ValueError(
            f"TopKUnpool: `{name}` must be a RaggedTensor with ragged_rank=1. Received: "
            f"{name}={type(x).__name__} with shape {getattr(x, 'shape', None)}")
    rank = 2 if integer else 3
    if x.shape.rank != rank:
        raise ValueError(
            f"TopKUnpool: `{name}` must have rank {rank}. Received: {name} with shape "
            f"{x.shape}")


class TopKUnpool(keras.layers.Layer):
    """Graph U-Net unpooling (Gao & Ji, 2019): puts pooled nodes back where they came from.

    ``X_up[idx[j]] = X'[j]`` and ``X_up[i] = 0`` for the nodes ``i`` the pooling dropped,
    per graph, with ``idx`` the ``pool_indices`` of ``TopKPool``/``SAGPool`` and the node
    count of the graph before pooling. ``combine="add"`` returns ``X_up + X_skip``
    (the U-Net skip connection), ``"concat"`` returns ``[X_up || X_skip]``.

    Args:
        combine: None (default), "add" or "concat".

    Input, functional: ``[nodes' [B, (k), F], pool_indices [B, (k)] int,
    skip_nodes [B, (n), F_s]]`` (``skip_nodes``, the nodes before pooling, give the
    output row lengths). Output: ``RaggedTensor[B, (n), F]`` (``F + F_s`` for "concat").
    Dict: pops the highest pooling level ``L`` of the dict: ``nodes`` become the unpooled
    nodes, ``edges``/``edge_features`` are restored from ``pool_edges_L``/
    ``pool_edge_features_L`` and the ``*_L`` keys are removed.
    """

    def __init__(self, combine=None, **kwargs):
        super().__init__(**kwargs)
        if combine not in _COMBINES:
            raise ValueError(
                f"`combine` must be one of None, 'add', 'concat'. Received: combine={combine!r}")
        self.combine = combine

    def build(self, input_shape):
        self.built = True

    def _unpool(self, nodes, indices, skip):
        _check_ragged("nodes", nodes, False)
        _check_ragged("pool_indices", indices, True)
        _check_ragged("skip_nodes", skip, False)
        if self.combine == "add" and nodes.shape[-1] is not None and skip.shape[-1] is not None \
                and nodes.shape[-1] != skip.shape[-1]:
            raise ValueError(
                "TopKUnpool with combine='add' needs the same feature size for the pooled "
                f"and the skip nodes. Received: nodes with shape {nodes.shape}, skip_nodes "
                f"with shape {skip.shape}")
        values = tf.cast(nodes.values, self.compute_dtype)
        splits = tf.cast(skip.row_splits, tf.int32)
        graph_ids = tf.cast(indices.value_rowids(), tf.int32)
        target = tf.cast(indices.values, tf.int32) + tf.gather(splits, graph_ids)
        total = splits[-1]
        up = tf.scatter_nd(target[:, None], values,
                           tf.stack([total, tf.shape(values)[1]]))
        skip_values = tf.cast(skip.values, self.compute_dtype)
        if self.combine == "add":
            up = up + skip_values
        elif self.combine == "concat":
            up = tf.concat([up, skip_values], -1)
        return tf.RaggedTensor.from_row_splits(up, skip.row_splits, validate=False)

    @staticmethod
    def _restore(inputs, level):
        """The dict without the level-``level`` keys, edges (and structure) restored."""
        out = {k: v for k, v in inputs.items() if not re.match(rf"^pool_\w+_{level}$", k)}
        out["edges"] = inputs[f"pool_edges_{level}"]
        for key in ("edge_features", STRUCTURE_KEY):
            out.pop(key, None)
            if f"pool_{key}_{level}" in inputs:
                out[key] = inputs[f"pool_{key}_{level}"]
        return out

    def call(self, inputs):
        if isinstance(inputs, dict):
            level = pool_level(inputs) - 1
            if level < 0 or f"pool_indices_{level}" not in inputs:
                raise ValueError(
                    "TopKUnpool expects a graph dict produced by TopKPool or SAGPool (keys "
                    "'pool_indices_L', 'pool_nodes_L', 'pool_edges_L'). Received: keys "
                    f"{sorted(inputs)}")
            out = self._restore(inputs, level)
            out["nodes"] = self._unpool(inputs["nodes"], inputs[f"pool_indices_{level}"],
                                        inputs[f"pool_nodes_{level}"])
            return out
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 3:
            raise ValueError(
                "TopKUnpool expects [nodes, pool_indices, skip_nodes] or a graph dict. "
                f"Received: inputs of type {type(inputs).__name__}")
        return self._unpool(*inputs)

    def _unpool_spec(self, nodes, skip):
        dim = nodes.shape[-1] + (skip.shape[-1] if self.combine == "concat" else 0)
        return ragged_spec(skip.shape[0], (dim,), self.compute_dtype)

    def compute_output_spec(self, inputs):
        if isinstance(inputs, dict):
            level = pool_level(inputs) - 1
            out = self._restore(fresh_specs(inputs), level)
            out["nodes"] = self._unpool_spec(inputs["nodes"], inputs[f"pool_nodes_{level}"])
            return out
        nodes, _, skip = inputs
        return self._unpool_spec(nodes, skip)

    def get_config(self):
        config = super().get_config()
        config["combine"] = self.combine
        return config
