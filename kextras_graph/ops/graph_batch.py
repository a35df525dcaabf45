"""GraphBatch: a ragged graph batch as one flat ("disjoint") graph, what a layer's
``call_graph`` sees: flat node and edge features plus the fields of the batch structure
(``structure.py``), read from its packed tensor or derived on first use.
"""

import copy
import functools

import tensorflow as tf

from kextras_graph.ops.structure import (
    INDEX_DTYPE,
    check_ragged,
    leading_size,
    check_edge_features,
    graph_structure,
    row_ids,
    static_size,
    structure_parts,
    validate_graph_inputs,
)

__all__ = ["GraphBatch", "ragged_to_disjoint"]


class GraphBatch:
    """A batch of graphs as one flat disjoint graph (what a layer's ``call_graph`` sees).

    Attributes:
        nodes: ``[N, F]`` node features of all graphs, graph after graph.
        edge_features: ``[E, Fe]`` or None.
        structure: the packed int32 tensor of :func:`graph_structure`.
        sources: ``[E]`` int32 global node index of every edge's source.
        targets: ``[E]`` int32 global node index of every edge's target.
        in_degree: ``[N]`` int32 number of edges into every node.
        out_degree: ``[N]`` int32 number of edges out of every node.
        adjacency: ``[E, 2]`` int64 (target, source): the pattern of the sparse ``A``.
        node_graph_ids: ``[N]`` int32 graph of every node.
        edge_graph_ids: ``[E]`` int32 graph of every edge.
        invalid: scalar bool, a bad batch (see :func:`graph_structure`).
        node_row_splits: ``[B + 1]`` row splits of the ragged node features (graph ``b``
            owns nodes ``node_row_splits[b]:node_row_splits[b + 1]``).
        edge_row_splits: ``[B + 1]`` row splits of the ragged edges.
        num_nodes: total node count ``N`` of the batch, a scalar int32 tensor.
        num_edges: total edge count ``E`` of the batch, a scalar int32 tensor.
        num_graphs: number of graphs ``B`` in the batch, a scalar int32 tensor.

    Everything but ``nodes`` and ``edge_features`` is computed on first use (a slice of
    ``structure`` or one or two ops; nothing for the fields a layer does not read).
    """

    def __init__(self, nodes, edge_features, structure, ragged_nodes, edge_row_splits,
                 edge_count=None, parts=None):
        self.nodes = nodes
        self.edge_features = edge_features
        if structure is not None:
            self.structure = structure
        if parts is not None:  # built here (``structure_parts``): no split of the packing
            self._parts = parts
        self._ragged_nodes = ragged_nodes
        self._edge_row_splits = edge_row_splits
        self._edge_count = edge_count

    @functools.cached_property
    def structure(self):
        return tf.concat(self._parts, 0)

    @property
    def node_row_splits(self):
        return self._ragged_nodes.row_splits

    @property
    def edge_row_splits(self):
        return self._edge_row_splits

    @functools.cached_property
    def _parts(self):
        """``(sources, targets, in_degree, invalid [1])``: one split of the structure.
        Its sizes come from the structure and the edges' shape when given
        (``edge_count``), so that in a graph every layer splits with the same ops (merged
        by Grappler), else from the nodes' shape."""
        e = self._edge_count
        if e is None:
            e = (leading_size(self.structure) - leading_size(self.nodes) - 1) // 2
        return tf.split(self.structure, [e, e, -1, 1] if isinstance(e, int)
                        else tf.stack([e, e, -1, 1]))

    @functools.cached_property
    def sources(self):
        return self._parts[0]

    @functools.cached_property
    def targets(self):
        return self._parts[1]

    @functools.cached_property
    def in_degree(self):
        if self._replaced:
            return tf.math.unsorted_segment_sum(tf.ones_like(self.targets), self.targets,
                                                self.num_nodes)
        return self._parts[2]

    @functools.cached_property
    def out_degree(self):
        return tf.math.unsorted_segment_sum(tf.ones_like(self.sources), self.sources,
                                            self.num_nodes)

    @functools.cached_property
    def adjacency(self):
        return tf.cast(tf.stack([self.targets, self.sources], 1), tf.int64)

    @functools.cached_property
    def invalid(self):
        return tf.reshape(self._parts[3], []) > 0

    @functools.cached_property
    def node_graph_ids(self):
        return row_ids(self.node_row_splits, self.nodes)

    @functools.cached_property
    def edge_graph_ids(self):
        """Of the batch's edges (not of edges added by :meth:`replace`); in range even
        on a nodes/edges batch-size mismatch."""
        ids = row_ids(self.edge_row_splits, self._parts[0])
        return tf.minimum(ids, self.num_graphs - 1)

    # sizes on first use (most layers need one or two of them: no op for the others)
    @functools.cached_property
    def num_nodes(self):
        return static_size(self.nodes)

    @functools.cached_property
    def num_edges(self):
        return static_size(self.sources)

    @functools.cached_property
    def num_graphs(self):
        return static_size(self.node_row_splits) - 1

    _replaced = False

    def replace(self, **fields):
        """A copy with some edge fields replaced (``sources``/``targets`` of a layer that
        adds self loops); ``adjacency``, the degrees and ``num_edges`` follow them."""
        out = copy.copy(self)
        for key in ("adjacency", "in_degree", "out_degree", "num_edges"):
            out.__dict__.pop(key, None)
        out.__dict__.update(fields)
        out._replaced = True
        return out

    def nodes_to_ragged(self, values):
        """Wraps flat per-node ``values`` ``[N, ...]`` as ``[batch, (n), ...]``."""
        return self._ragged_nodes.with_values(values)

    def edges_to_ragged(self, values):
        """Wraps flat per-edge ``values`` ``[E, ...]`` as ``[batch, (e), ...]``."""
        return tf.RaggedTensor.from_row_splits(values, self.edge_row_splits, validate=False)


def check_structure(structure, nodes, edges):
    """A "graph" entry that is not a packed structure, or a stale one (edges or nodes
    changed after it was built), is an error wherever the sizes are known (always in
    eager mode)."""
    if (not isinstance(structure, tf.Tensor) or structure.dtype != INDEX_DTYPE
            or structure.shape.rank != 1):
        raise ValueError(
            "The 'graph' entry of a graph dict must be the int32 vector of "
            "kextras_graph.ops.graph_structure. Received: "
            f"{type(structure).__name__} {getattr(structure, 'dtype', '')} with shape "
            f"{getattr(structure, 'shape', None)}")
    have, n, e = structure.shape[0], nodes.values.shape[0], edges.values.shape[0]
    if None not in (have, n, e) and have != 2 * e + n + 1:
        raise ValueError(
            "The 'graph' structure does not belong to these nodes and edges: it has "
            f"{have} entries, {n} nodes and {e} edges need 2 * {e} + {n} + 1 = "
            f"{2 * e + n + 1}. After replacing 'nodes' row lengths or 'edges' in a graph "
            "dict, drop its 'graph' key (or call kextras_graph.ops.prepare_graph on the new "
            "dict).")


def edge_feature_values(nodes, edges, edge_features, structure=None, validate=True):
    """The checks of :func:`ragged_to_disjoint` (ValueError); returns the flat edge
    feature values (None without edge features)."""
    check_ragged("nodes", nodes, 3)
    if structure is not None:
        check_structure(structure, nodes, edges)
    if edge_features is None:
        return None
    check_ragged("edge_features", edge_features, 3)
    if validate and structure is None:
        return check_edge_features(edges, edge_features)
    return edge_features.values


def ragged_to_disjoint(nodes, edges, edge_features=None, structure=None, validate=True,
                       packed=False):
    """A :class:`GraphBatch` of a ragged batch; reuses ``structure`` when given.

    Args:
        nodes: ``RaggedTensor[batch, (n), F]`` float node features.
        edges: ``RaggedTensor[batch, (e), 2]`` int, local indices (source, target).
        edge_features: optional ``RaggedTensor[batch, (e), Fe]`` float.
        structure: the :func:`graph_structure` of these nodes and edges (then nothing is
            rebuilt nor re-validated).
        validate: see :func:`graph_structure`; also checks the edge feature row lengths.
        packed: in a graph, build a missing structure packed, as a graph dict carries it
            (the later layers of a dict-style model split it with the same ops, merged
            by Grappler), rather than as :func:`structure_parts` (default: the layers of
            a list-style model build the same edge parts, merged). Eager builds are
            packed.
    """
    ef_values = edge_feature_values(nodes, edges, edge_features, structure, validate)
    parts = None
    if structure is None and (packed or validate and tf.executing_eagerly()):
        structure = graph_structure(nodes, edges, validate)
    elif structure is None:
        validate_graph_inputs(nodes, edges)
        parts = structure_parts(nodes.row_splits, edges.values, edges.row_splits,
                                static_size(nodes.values), validate)
    return GraphBatch(nodes.values, ef_values, structure, nodes, edges.row_splits,
                      leading_size(edges.values), parts)
