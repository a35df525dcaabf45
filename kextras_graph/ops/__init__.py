"""Graph ops on flat ("disjoint") tensors: the batch structure, reductions, normalizations."""

from kextras_graph.ops.graph_batch import GraphBatch, ragged_to_disjoint
from kextras_graph.ops.structure import (
    STRUCTURE_KEY,
    graph_structure,
    prepare_graph,
    row_ids,
    validate_graph_inputs,
)
from kextras_graph.ops.normalization import (
    add_self_loops,
    degree,
    gcn_degree_norm,
    gcn_norm,
    remove_self_loops,
)
from kextras_graph.ops.segment import (
    propagate_sum,
    scatter,
    segment_count,
    segment_max,
    segment_mean,
    segment_min,
    segment_softmax,
    segment_std,
    segment_sum,
)

__all__ = [
    "GraphBatch",
    "STRUCTURE_KEY",
    "graph_structure",
    "prepare_graph",
    "ragged_to_disjoint",
    "validate_graph_inputs",
    "row_ids",
    "degree",
    "add_self_loops",
    "remove_self_loops",
    "gcn_norm",
    "gcn_degree_norm",
    "scatter",
    "propagate_sum",
    "segment_count",
    "segment_sum",
    "segment_mean",
    "segment_max",
    "segment_min",
    "segment_softmax",
    "segment_std",
]
