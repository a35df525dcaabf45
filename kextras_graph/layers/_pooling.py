"""Private machinery of the hierarchical pooling layers.

Conventions shared by every hierarchical pooling layer (``TopKPool``, ``SAGPool``,
``DiffPool``, ``MinCutPool``, ``DMoNPool``):

* Functional call style ``[nodes, edges(, edge_features)]`` returns a list
  ``[nodes', edges', edge_features', selection]``; ``edge_features'`` is present when the
  layer produces edge features (the input had them, or the layer is a dense clustering
  layer whose coarse edges carry their weight), ``selection`` is ``pool_indices`` (selection
  pools, ``RaggedTensor[batch, (k), ] int``: local index of every kept node in the input
  graph, in output order) or ``pool_assignment`` (clustering pools,
  ``RaggedTensor[batch, (n), k]``).
* Dict call style ``{"nodes", "edges", ...}`` returns the dict with new ``"nodes"``,
  ``"edges"`` (and ``"edge_features"``) plus, for pooling level ``L`` (the number of
  pooling levels already recorded in the dict, so pools stack in ``keras.Sequential``):
  ``"pool_indices_L"`` or ``"pool_assignment_L"``, and the graph before pooling as
  ``"pool_nodes_L"``, ``"pool_edges_L"`` (and ``"pool_edge_features_L"``).
  ``TopKUnpool`` pops the highest level.
"""

import re

import keras
import tensorflow as tf

from kextras import validation
from kextras.activations import resolve
from kextras_graph.layers._base import (
    feature_dim,
    fresh_specs,
    ragged_spec,
    split_input_shape,
    structure_spec,
    poison,
    resolve_sparse,
    unpack_graph_inputs,
)
from kextras_graph.ops.graph_batch import ragged_to_disjoint
from kextras_graph.ops.structure import STRUCTURE_KEY, graph_structure
from kextras_graph.ops.normalization import gcn_norm
from kextras_graph.ops.segment import propagate_sum

_LEVEL_KEY = re.compile(r"^pool_nodes_(\d+)$")


def pool_level(graph_dict):
    """Number of pooling levels already recorded in a graph dict."""
    levels = [int(m.group(1)) for m in (_LEVEL_KEY.match(k) for k in graph_dict) if m]
    return max(levels) + 1 if levels else 0


def check_ratio_or_k(ratio, k):
    if (ratio is None) == (k is None):
        raise ValueError(
            "Exactly one of `ratio` and `k` must be given. Received: "
            f"ratio={ratio!r}, k={k!r}")
    if ratio is not None:
        ratio = validation.real("ratio", ratio, minimum=0, include_minimum=False, maximum=1)
    if k is not None:
        k = validation.positive_int("k", k)
    return ratio, k


def pack_pool_outputs(style, inputs, nodes, edges, edge_features, selection, selection_key,
                      structure=None):
    """Builds the list (functional) or dict output, see the module docstring; a dict
    also gets the ``structure`` of the pooled graph under "graph" (the one before
    pooling, if any, moves to ``pool_graph_L``)."""
    if style == "dict":
        level = pool_level(inputs)
        out = dict(inputs)
        out[f"pool_nodes_{level}"] = inputs["nodes"]
        out[f"pool_edges_{level}"] = inputs["edges"]
        if inputs.get("edge_features") is not None:
            out[f"pool_edge_features_{level}"] = inputs["edge_features"]
        if inputs.get(STRUCTURE_KEY) is not None:
            out[f"pool_{STRUCTURE_KEY}_{level}"] = inputs[STRUCTURE_KEY]
        out[f"{selection_key}_{level}"] = selection
        if structure is not None:
            out[STRUCTURE_KEY] = structure
        out["nodes"], out["edges"] = nodes, edges
        if edge_features is not None:
            out["edge_features"] = edge_features
        else:
            out.pop("edge_features", None)
        return out
    outputs = [nodes, edges]
    if edge_features is not None:
        outputs.append(edge_features)
    outputs.append(selection)
    return outputs


class PoolingLayer(keras.layers.Layer):
    """Base of the hierarchical pooling layers (graph batch in, smaller graph batch out).

    Args:
        sparse: the kernel of the ``A @ x`` sums of the layers that propagate (SAGPool,
            DiffPool), as in ``GraphLayer``: "auto" (default), True or False (XLA).
    """

    propagates = False  # uses gcn_propagate (SAGPool, DiffPool)

    def __init__(self, sparse="auto", **kwargs):
        super().__init__(**kwargs)
        self.sparse_option = sparse
        self.sparse = resolve_sparse(sparse)
        self.supports_jit = not (self.sparse and self.propagates)

    def build(self, input_shape):
        name = type(self).__name__
        node_shape, edge_shape, ef_shape = split_input_shape(input_shape, name)
        self.build_pool(feature_dim(node_shape, "nodes", name),
                        feature_dim(ef_shape, "edge_features", name))
        self.built = True

    def build_pool(self, node_dim, edge_dim):
        """Creates the weights."""

    def gcn_propagate(self, x, graph):
        """``D^-1/2 (A + I) D^-1/2 x`` (``ops.gcn_norm``, as ``GCNConv``)."""
        _, _, norm = gcn_norm(graph.sources, graph.targets, graph.num_nodes, dtype=x.dtype,
                              in_degree=graph.in_degree)
        out = propagate_sum(x, graph.sources, graph.targets, graph.num_nodes,
                            norm[:graph.num_edges], adjacency=graph.adjacency,
                            sparse=self.sparse)
        return out + x * norm[graph.num_edges:, None]  # the self loops

    def get_config(self):
        config = super().get_config()
        config["sparse"] = self.sparse_option
        return config

    def _disjoint(self, inputs):
        style, nodes, edges, edge_features, structure = unpack_graph_inputs(
            inputs, type(self).__name__)
        graph = ragged_to_disjoint(nodes, edges, edge_features, structure=structure)
        graph.nodes = tf.cast(graph.nodes, self.compute_dtype)
        if graph.edge_features is not None:
            graph.edge_features = tf.cast(graph.edge_features, self.compute_dtype)
        return style, nodes, edges, graph

    def _pack(self, style, inputs, nodes, edges, edge_features, selection, key):
        structure = None
        if style == "dict":  # built from valid pooled indices: nothing to check
            structure = graph_structure(nodes, edges, validate=False)
        return pack_pool_outputs(style, inputs, nodes, edges, edge_features, selection, key,
                                 structure)

    def output_specs(self, nodes, edges, edge_features):
        """``(nodes', edges', edge_features' or None, selection)`` specs."""
        raise NotImplementedError

    def compute_output_spec(self, inputs, training=None):
        style, nodes, edges, ef, _ = unpack_graph_inputs(inputs, type(self).__name__)
        specs = self.output_specs(nodes, edges, ef)
        key = "pool_indices" if isinstance(self, SelectionPool) else "pool_assignment"
        return pack_pool_outputs(style, fresh_specs(inputs), *specs, key,
                                 structure_spec() if style == "dict" else None)


# ------------------------------------------------------------------ selection pools

def sort_within_graphs(scores, graph_ids, node_row_splits):
    """``(order, rank)``: the nodes graph after graph, each graph by descending score (ties:
    the lower index first), and the rank of every sorted node within its graph.

    Two stable sorts in the score's own dtype (float64 scores 1 and 1 + 1e-9 do not tie),
    no padding: XLA compiles it.
    """
    splits = tf.cast(node_row_splits, tf.int32)
    by_score = tf.argsort(scores, direction="DESCENDING", stable=True)
    by_graph = tf.argsort(tf.gather(graph_ids, by_score), stable=True)
    order = tf.gather(by_score, by_graph)
    rank = tf.range(tf.shape(order)[0]) - tf.gather(splits, tf.gather(graph_ids, order))
    return order, rank


def select_top_k(scores, graph_ids, node_row_splits, ratio=None, k=None):
    """Per graph, the indices of the ``k_g`` highest scores, highest first.

    ``k_g = ceil(ratio * n_g)`` or ``min(k, n_g)``. Ties: the lower local index first.
    Returns ``(keep_global [M] int32, keep_lengths [B] int32)``.
    """
    splits = tf.cast(node_row_splits, tf.int32)
    counts = splits[1:] - splits[:-1]
    if ratio is not None:
        # ceil of the exact product (0.7 * 10 is 7.000000000000001 in floating point)
        kk = tf.cast(tf.math.ceil(ratio * tf.cast(counts, tf.float64) - 1e-9), tf.int32)
        kk = tf.minimum(kk, counts)
    else:
        kk = tf.minimum(tf.constant(k, tf.int32), counts)
    order, rank = sort_within_graphs(scores, graph_ids, node_row_splits)
    keep = rank < tf.gather(kk, tf.gather(graph_ids, order))
    return tf.boolean_mask(order, keep), kk


def induced_subgraph(graph, keep_global, kept_lengths, edge_dtype, splits_dtype):
    """Edges between kept nodes, re-indexed to the kept order of their graph.

    Returns ``(edges RaggedTensor[B, (e'), 2], kept_edge_mask [E] bool, node_row_splits')``.
    """
    num_kept = tf.shape(keep_global)[0]
    new_index = tf.tensor_scatter_nd_update(
        tf.fill([graph.num_nodes], -1), keep_global[:, None], tf.range(num_kept))
    ns = tf.gather(new_index, graph.sources)
    nt = tf.gather(new_index, graph.targets)
    mask = tf.logical_and(ns >= 0, nt >= 0)
    new_splits = tf.concat([[0], tf.cumsum(kept_lengths)], 0)
    egraph = tf.boolean_mask(graph.edge_graph_ids, mask)
    offset = tf.gather(new_splits, egraph)
    local = tf.stack([tf.boolean_mask(ns, mask) - offset, tf.boolean_mask(nt, mask) - offset], 1)
    edge_counts = tf.math.unsorted_segment_sum(tf.ones_like(egraph), egraph, graph.num_graphs)
    edges = tf.RaggedTensor.from_row_lengths(
        tf.cast(local, edge_dtype), tf.cast(edge_counts, splits_dtype), validate=False)
    return edges, mask, tf.cast(new_splits, splits_dtype)


class SelectionPool(PoolingLayer):
    """Top-k node selection by a learned score; subclasses implement ``score(graph)``.

    ``x_i' = x_i * gate(y_i)`` for the kept nodes ``i`` (the ``k_g`` highest ``y_i`` of
    every graph, highest first); edges between kept nodes are kept (and re-indexed),
    with their edge features.
    """

    def __init__(self, ratio=None, k=None, gate="tanh", **kwargs):
        super().__init__(**kwargs)
        self.ratio, self.k = check_ratio_or_k(ratio, k)
        self.gate, self._gate_config = resolve(gate)

    def output_specs(self, nodes, edges, edge_features):
        b = nodes.shape[0]
        ef = (None if edge_features is None
              else ragged_spec(b, edge_features.shape[2:], self.compute_dtype))
        return (ragged_spec(b, nodes.shape[2:], self.compute_dtype),
                ragged_spec(b, (2,), edges.dtype), ef, ragged_spec(b, (), edges.dtype))

    def score(self, graph, training=None):
        raise NotImplementedError

    def call(self, inputs, training=None):
        style, nodes, edges, graph = self._disjoint(inputs)
        y = poison(self.score(graph, training=training), graph.invalid)
        keep_global, kept_lengths = select_top_k(y, graph.node_graph_ids, graph.node_row_splits,
                                                 self.ratio, self.k)
        gate = self.gate(tf.gather(y, keep_global))
        new_values = tf.gather(graph.nodes, keep_global) * gate[:, None]
        new_edges, mask, new_splits = induced_subgraph(
            graph, keep_global, kept_lengths, edges.dtype, nodes.row_splits.dtype)
        keep_local = keep_global - tf.gather(tf.cast(graph.node_row_splits, tf.int32),
                                             tf.gather(graph.node_graph_ids, keep_global))
        new_nodes = tf.RaggedTensor.from_row_splits(new_values, new_splits, validate=False)
        new_ef = None
        if graph.edge_features is not None:
            new_ef = new_edges.with_values(tf.boolean_mask(graph.edge_features, mask))
        indices = tf.RaggedTensor.from_row_splits(
            tf.cast(keep_local, edges.dtype), new_splits, validate=False)
        return self._pack(style, inputs, new_nodes, new_edges, new_ef, indices, "pool_indices")

    def get_config(self):
        config = super().get_config()
        config.update(ratio=self.ratio, k=self.k, gate=self._gate_config)
        return config


# ------------------------------------------------------------------ clustering pools

def cluster_outputs(x_pool, a_pool, counts, num_clusters, edge_dtype, splits_dtype):
    """Ragged coarse graphs: ``k`` nodes per non-empty graph (0 for an empty one), every
    ordered pair ``(s, t)`` as an edge with weight ``a_pool[t, s]`` as its feature."""
    k = num_clusters
    batch = tf.shape(x_pool)[0]
    nonempty = counts > 0
    lengths = tf.where(nonempty, k, 0)
    node_keep = tf.repeat(nonempty, k)
    width = x_pool.shape[-1] if x_pool.shape[-1] is not None else tf.shape(x_pool)[-1]
    nodes = tf.RaggedTensor.from_row_lengths(  # [-1, width]: F' stays static
        tf.boolean_mask(tf.reshape(x_pool, [-1, width]), node_keep),
        tf.cast(lengths, splits_dtype), validate=False)
    t_idx, s_idx = tf.meshgrid(tf.range(k), tf.range(k), indexing="ij")
    pairs = tf.stack([tf.reshape(s_idx, [-1]), tf.reshape(t_idx, [-1])], 1)  # [k*k, 2]
    edge_keep = tf.repeat(nonempty, k * k)
    e_lengths = tf.cast(lengths * k, splits_dtype)
    all_pairs = tf.reshape(tf.tile(pairs[None], [batch, 1, 1]), [-1, 2])
    edges = tf.RaggedTensor.from_row_lengths(
        tf.boolean_mask(tf.cast(all_pairs, edge_dtype), edge_keep), e_lengths, validate=False)
    weights = tf.reshape(a_pool, [batch * k * k, 1])  # row t*k + s holds a_pool[t, s]
    edge_features = tf.RaggedTensor.from_row_lengths(
        tf.boolean_mask(weights, edge_keep), e_lengths, validate=False)
    return nodes, edges, edge_features


class ClusterPool(PoolingLayer):
    """Per-graph soft clustering into ``k`` clusters, on the flat batch.

    Subclasses implement ``assign(graph, training) -> (s [N, k] (rows sum to 1),
    features [N, F'])`` and ``coarsen(s, features, graph, counts) -> (x' [B, k, F'],
    a' [B, k, k], losses dict)``.
    """

    def __init__(self, k, **kwargs):
        super().__init__(**kwargs)
        self.k = validation.positive_int("k", k)

    def compute_output_dim(self, node_dim):
        return node_dim

    def output_specs(self, nodes, edges, edge_features):
        b = nodes.shape[0]
        dim = self.compute_output_dim(nodes.shape[-1])
        return (ragged_spec(b, (dim,), self.compute_dtype), ragged_spec(b, (2,), edges.dtype),
                ragged_spec(b, (1,), self.compute_dtype),
                ragged_spec(b, (self.k,), self.compute_dtype))

    def call(self, inputs, training=None):
        style, nodes, edges, graph = self._disjoint(inputs)
        splits = tf.cast(graph.node_row_splits, tf.int32)
        counts = splits[1:] - splits[:-1]
        s, features = self.assign(graph, training=training)
        s = poison(s, graph.invalid)
        x_pool, a_pool, losses = self.coarsen(s, features, graph, counts)
        total = None
        for name, (value, weight) in losses.items():
            value = tf.cast(value, "float32")
            if weight:
                term = weight * value
                total = term if total is None else total + term
        if total is not None:
            self.add_loss(total)
        new_nodes, new_edges, new_ef = cluster_outputs(
            x_pool, a_pool, counts, self.k, edges.dtype, nodes.row_splits.dtype)
        assignment = tf.RaggedTensor.from_row_splits(s, nodes.row_splits, validate=False)
        return self._pack(style, inputs, new_nodes, new_edges, new_ef, assignment,
                          "pool_assignment")

    def get_config(self):
        config = super().get_config()
        config["k"] = self.k
        return config
