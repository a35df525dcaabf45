"""TrimToLayer: drop the hops of a sampled mini-batch that a layer no longer needs.

In a mini-batch of :class:`NeighborSampler` with fan-outs ``[k_1, ..., k_L]`` the nodes are
ordered by the hop that first reached them (``hop_nodes[h]`` nodes at hop ``h``, the seeds at
hop 0) and the edges by the hop that sampled them (``hop_edges[h - 1]`` edges at hop ``h``, all
pointing into hop ``h - 1`` nodes). The output of message-passing layer ``l`` (0-based) of an
``L``-layer model matters only on the nodes within ``L - l - 1`` hops of the seeds, so layer
``l`` needs as input only

    nodes of hops ``0 .. L - l``   (the first ``sum(hop_nodes[:L - l + 1])`` nodes),
    edges of hops ``1 .. L - l``   (the first ``sum(hop_edges[:L - l])`` edges),

and ``TrimToLayer(L)`` keeps the seeds alone (PyG's ``trim_to_layer``). The seeds' outputs are
unchanged for every layer whose output at ``i`` depends on ``h_i``, the edges into ``i`` and
their sources (GraphSAGE, GIN, GraphConv, GAT, node-wise layers), since the sampler adds the
in-edges of a node at one hop only, all of them kept. Local node ids need no relabelling: each
layer keeps a prefix of the nodes and of the edges.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from kextras import validation as v

_KEYS = ("nodes", "edges", "hop_nodes", "hop_edges")


def _prefix(rt, keep):
    """The first ``keep[b]`` rows of each graph ``b`` of a ragged ``[B, (n), ...]`` tensor."""
    keep = tf.minimum(tf.cast(keep, rt.row_splits.dtype), rt.row_lengths())
    starts = rt.row_starts()
    index = tf.ragged.range(starts, starts + keep).flat_values
    return tf.RaggedTensor.from_row_lengths(tf.gather(rt.values, index), keep, validate=False)


def trim_to_layer(layer, nodes, edges, hop_nodes, hop_edges, edge_features=None):
    """The nodes and edges that message-passing layer ``layer`` (0-based) needs (module docstring).

    Args:
        layer: index of the layer about to run; ``L`` (the number of hops) keeps the seeds only.
        nodes: ``RaggedTensor[B, (n), F]``, nodes in hop order.
        edges: ``RaggedTensor[B, (e), 2]``, edges in hop order.
        hop_nodes: ``[B, L + 1]`` nodes first reached at each hop.
        hop_edges: ``[B, L]`` edges sampled at each hop.
        edge_features: optional ``RaggedTensor[B, (e), Fe]``, trimmed as ``edges``.

    Returns:
        ``(nodes, edges)`` or ``(nodes, edges, edge_features)``, ragged prefixes of the inputs.
    """
    hops = tf.shape(hop_edges)[1]
    k = tf.maximum(hops - layer, 0)
    n_keep = tf.reduce_sum(hop_nodes[:, : k + 1], axis=1)
    e_keep = tf.reduce_sum(hop_edges[:, :k], axis=1)
    out = (_prefix(nodes, n_keep), _prefix(edges, e_keep))
    return out if edge_features is None else out + (_prefix(edge_features, e_keep),)


class TrimToLayer(keras.layers.Layer):
    """Keep the nodes and edges of a hop-ordered sampled mini-batch that layer ``layer`` needs.

    Before message-passing layer ``l`` (0-based) of an ``L``-layer model: nodes of hops
    ``0..L-l`` and edges of hops ``1..L-l``; ``layer=L`` keeps the seed nodes only. The seeds'
    outputs equal those of the untrimmed model; layer ``l`` then costs ``O(nodes and edges
    within L - l hops)`` instead of the whole subgraph. Feed it the ``"hop_nodes"`` and
    ``"hop_edges"`` of ``NeighborSampler.dataset(..., hop_counts=True)``.

    The kept sizes depend on the hop counts' values, which XLA cannot compile:
    ``supports_jit`` is False, so Keras' ``jit_compile="auto"`` leaves such a model un-compiled.

    Args:
        layer: index of the next message-passing layer, a non-negative int.

    Input: ``[nodes, edges, hop_nodes, hop_edges]`` (nodes ``[B, (n), F]`` and edges
    ``[B, (e), 2]`` ragged, hop counts ``[B, L + 1]`` and ``[B, L]`` int) or a graph dict with
    those keys (``"edge_features"`` is trimmed with the edges, a prepared ``"graph"`` structure
    is dropped, other keys pass through).
    Output: ``[nodes, edges]`` (ragged prefixes), or the dict with trimmed entries.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = v.non_negative_int("layer", layer)
        self.supports_jit = False

    def _unpack(self, inputs):
        if isinstance(inputs, dict):
            missing = [k for k in _KEYS if k not in inputs]
            if missing:
                raise ValueError(f"{type(self).__name__} needs the keys {list(_KEYS)} (NeighborSampler.dataset("
                                 f"..., hop_counts=True)). Received: a dict without {missing}")
            return inputs
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 4:
            raise ValueError(f"{type(self).__name__} takes [nodes, edges, hop_nodes, hop_edges] or a graph dict. "
                             f"Received: inputs of type {type(inputs).__name__}"
                             + (f" with {len(inputs)} entries" if isinstance(inputs, (list, tuple)) else ""))
        return dict(zip(_KEYS, inputs))

    def call(self, inputs):
        d = self._unpack(inputs)
        for key in ("nodes", "edges"):
            if not isinstance(d[key], tf.RaggedTensor):
                raise ValueError(f"`{key}` must be a RaggedTensor [batch, (n), ...]. Received: {type(d[key]).__name__}")
        ef = d.get("edge_features") if isinstance(inputs, dict) else None
        trimmed = trim_to_layer(self.layer, d["nodes"], d["edges"], d["hop_nodes"], d["hop_edges"], ef)
        if not isinstance(inputs, dict):
            return list(trimmed)
        out = {k: t for k, t in inputs.items() if k != "graph"}  # the prepared structure is stale
        out.update(zip(("nodes", "edges", "edge_features"), trimmed))
        return out

    def compute_output_spec(self, inputs):
        d = self._unpack(inputs)
        spec = {k: keras.KerasTensor(d[k].shape, d[k].dtype, ragged=True) for k in ("nodes", "edges")}
        if not isinstance(inputs, dict):
            return [spec["nodes"], spec["edges"]]
        out = {k: keras.KerasTensor(t.shape, t.dtype, ragged=bool(getattr(t, "ragged", False)))
               for k, t in inputs.items() if k != "graph"}
        out.update(spec)
        return out

    def get_config(self):
        config = super().get_config()
        config["layer"] = self.layer
        return config
