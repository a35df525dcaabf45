"""Graph ops on flat ("disjoint") tensors: conversion, segment reductions, normalizations."""

from kextras_graph.ops.disjoint import (
    DisjointGraph,
    disjoint_to_ragged,
    ragged_to_disjoint,
    row_ids,
    validate_graph_inputs,
)
from kextras_graph.ops.normalization import (
    add_self_loops,
    degree,
    gcn_norm,
    remove_self_loops,
)
from kextras_graph.ops.segment import (
    propagate_sum,
    segment_count,
    segment_max,
    segment_mean,
    segment_min,
    segment_softmax,
    segment_std,
    segment_sum,
)

__all__ = [
    "DisjointGraph",
    "ragged_to_disjoint",
    "disjoint_to_ragged",
    "validate_graph_inputs",
    "row_ids",
    "degree",
    "add_self_loops",
    "remove_self_loops",
    "gcn_norm",
    "propagate_sum",
    "segment_count",
    "segment_sum",
    "segment_mean",
    "segment_max",
    "segment_min",
    "segment_softmax",
    "segment_std",
]
