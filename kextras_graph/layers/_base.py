"""Private base classes and helpers for the graph layers.

Input styles accepted by every graph layer:

* functional: ``[nodes, edges]`` or ``[nodes, edges, edge_features]`` (list/tuple) ->
  ragged nodes;
* dict: ``{"nodes", "edges"[, "edge_features"]}`` -> the same dict with new ``"nodes"``.

Inside, everything is flat (``kextras_graph.ops.DisjointGraph``).
"""

import keras
import tensorflow as tf

from kextras_graph.ops.disjoint import ragged_to_disjoint
from kextras_graph.ops.segment import (
    segment_max,
    segment_mean,
    segment_min,
    segment_sum,
)

_AGGREGATORS = {
    "sum": segment_sum,
    "mean": segment_mean,
    "max": segment_max,
    "min": segment_min,
}


def get_aggregator(name, argname="aggregate"):
    if name not in _AGGREGATORS:
        raise ValueError(
            f"`{argname}` must be one of {sorted(_AGGREGATORS)}. Received: {argname}={name!r}")
    return _AGGREGATORS[name]


def get_activation(identifier):
    """Resolves an activation with ``kextras.activations.get`` (falls back to Keras)."""
    if isinstance(identifier, dict):
        identifier = keras.activations.deserialize(identifier)
    try:
        from kextras.activations import get
    except ImportError:  # pragma: no cover - core without activations
        get = keras.activations.get
    return get(identifier)


def serialize_activation(identifier):
    if identifier is None or isinstance(identifier, str):
        return identifier
    if isinstance(identifier, dict):
        return identifier
    return keras.activations.serialize(identifier)


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return value


def check_rate(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"`{name}` must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def check_units_list(name, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if (not isinstance(value, (list, tuple)) or not value
            or any(isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in value)):
        raise ValueError(
            f"`{name}` must be a positive integer or a non-empty list of positive integers. "
            f"Received: {name}={value!r}")
    return [int(v) for v in value]


# ----------------------------------------------------------------------------- inputs

_KEYS = ("nodes", "edges", "edge_features")


def unpack_graph_inputs(inputs, layer_name, needs_edges=True):
    """Returns ``(style, nodes, edges, edge_features)``; style is "list", "dict" or "nodes"."""
    if isinstance(inputs, dict):
        if "nodes" not in inputs or (needs_edges and "edges" not in inputs):
            raise ValueError(
                f"{layer_name} expects a dict with keys 'nodes' and 'edges' (and optionally "
                f"'edge_features'). Received: keys {sorted(inputs)}")
        return "dict", inputs["nodes"], inputs.get("edges"), inputs.get("edge_features")
    if isinstance(inputs, (list, tuple)):
        if len(inputs) not in (2, 3) and not (len(inputs) == 1 and not needs_edges):
            raise ValueError(
                f"{layer_name} expects [nodes, edges] or [nodes, edges, edge_features]. "
                f"Received: a {type(inputs).__name__} of {len(inputs)} inputs")
        inputs = list(inputs) + [None] * (3 - len(inputs))
        return "list", inputs[0], inputs[1], inputs[2]
    if needs_edges:
        raise ValueError(
            f"{layer_name} expects [nodes, edges(, edge_features)] or a dict with keys "
            f"'nodes' and 'edges'. Received: inputs of type {type(inputs).__name__}")
    return "nodes", inputs, None, None


def pack_graph_outputs(style, inputs, new_nodes):
    if style == "dict":
        out = dict(inputs)
        out["nodes"] = new_nodes
        return out
    return new_nodes


def _shape_of(x):
    return None if x is None else tuple(x)


def split_input_shape(input_shape, layer_name, needs_edges=True):
    """``(node_shape, edge_shape, edge_feature_shape)`` from a build ``input_shape``."""
    if isinstance(input_shape, dict):
        return (_shape_of(input_shape.get("nodes")), _shape_of(input_shape.get("edges")),
                _shape_of(input_shape.get("edge_features")))
    if (isinstance(input_shape, (list, tuple)) and input_shape
            and isinstance(input_shape[0], (list, tuple))):
        shapes = list(input_shape) + [None] * (3 - len(input_shape))
        return _shape_of(shapes[0]), _shape_of(shapes[1]), _shape_of(shapes[2])
    return _shape_of(input_shape), None, None


def feature_dim(shape, name, layer_name):
    if shape is None:
        return None
    if len(shape) != 3:
        raise ValueError(
            f"{layer_name}: `{name}` must have rank 3 ([batch, (ragged), features]). "
            f"Received: {name} with shape {shape}")
    if shape[-1] is None:
        raise ValueError(
            f"{layer_name}: the last axis of `{name}` must be known. Received: {name} with "
            f"shape {shape}")
    return int(shape[-1])


# ------------------------------------------------------------------- symbolic outputs

def _placeholder(x):
    if isinstance(x, keras.KerasTensor):
        if x.ragged:
            values = tf.compat.v1.placeholder(shape=(None,) + tuple(x.shape[2:]),
                                              dtype=x.dtype)
            splits = tf.compat.v1.placeholder(shape=(None,), dtype=tf.int64)
            return tf.RaggedTensor.from_row_splits(values, splits, validate=False)
        return tf.compat.v1.placeholder(shape=x.shape, dtype=x.dtype)
    return x


def ragged_compute_output_spec(fn, inputs, batch_size=None, **kwargs):
    """Like Keras' ``compute_output_spec`` but understands ragged KerasTensors."""
    from keras.src.backend.common.stateless_scope import StatelessScope
    from keras.src.backend.common.symbolic_scope import SymbolicScope

    with StatelessScope(), SymbolicScope():
        with tf.__internal__.FuncGraph("kextras_graph_scratch").as_default():
            args = tf.nest.map_structure(_placeholder, inputs)
            out = fn(args, **kwargs)

            def to_keras(x):
                if isinstance(x, tf.RaggedTensor):
                    shape = (batch_size,) + tuple(x.shape[1:])
                    return keras.KerasTensor(shape, x.dtype, ragged=True)
                if tf.is_tensor(x):
                    shape = tuple(x.shape)
                    if shape and batch_size is not None:
                        shape = (batch_size,) + shape[1:]
                    return keras.KerasTensor(shape, x.dtype)
                return x

            return tf.nest.map_structure(to_keras, out)


def _batch_size(inputs):
    for x in tf.nest.flatten(inputs):
        if isinstance(x, keras.KerasTensor) and x.shape:
            return x.shape[0]
    return None


# ---------------------------------------------------------------------- base classes

class GraphLayer(keras.layers.Layer):
    """Base of layers taking a graph batch; subclasses implement ``call_graph``.

    ``call_graph(graph, training)`` receives a :class:`kextras_graph.ops.DisjointGraph`
    (node features already cast to the compute dtype) and returns the new flat node
    features ``[N, F']``. ``build_graph(node_dim, edge_dim)`` creates the weights
    (``edge_dim`` is None without edge features).
    """

    requires_edge_features = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_jit = False

    def build(self, input_shape):
        name = type(self).__name__
        node_shape, edge_shape, ef_shape = split_input_shape(input_shape, name)
        node_dim = feature_dim(node_shape, "nodes", name)
        edge_dim = feature_dim(ef_shape, "edge_features", name)
        if self.requires_edge_features and edge_dim is None:
            raise ValueError(
                f"{name} needs edge features: call it on [nodes, edges, edge_features] or a "
                "dict with key 'edge_features'. Received: no edge_features")
        self.build_graph(node_dim, edge_dim)
        self.built = True

    def build_graph(self, node_dim, edge_dim):
        """Creates the layer's weights; ``edge_dim`` is None without edge features."""

    def _disjoint(self, nodes, edges, edge_features):
        graph = ragged_to_disjoint(nodes, edges, edge_features)
        graph.nodes = tf.cast(graph.nodes, self.compute_dtype)
        if graph.edge_features is not None:
            graph.edge_features = tf.cast(graph.edge_features, self.compute_dtype)
        return graph

    def call(self, inputs, training=None):
        style, nodes, edges, edge_features = unpack_graph_inputs(inputs, type(self).__name__)
        if self.requires_edge_features and edge_features is None:
            raise ValueError(
                f"{type(self).__name__} needs edge features: call it on [nodes, edges, "
                "edge_features] or a dict with key 'edge_features'. Received: no edge_features")
        graph = self._disjoint(nodes, edges, edge_features)
        values = self.call_graph(graph, training=training)
        if graph.invalid is not None:
            # Only matters under XLA, which drops the assertions: bad edges -> NaN, never
            # a silently wrong number. Costs one add on the outputs.
            nan = tf.constant(float("nan"), values.dtype)
            values = values + tf.where(graph.invalid, nan, tf.zeros([], values.dtype))
        return pack_graph_outputs(style, inputs, graph.nodes_to_ragged(values))

    def call_graph(self, graph, training=None):
        raise NotImplementedError

    def compute_output_spec(self, inputs, training=None):
        return ragged_compute_output_spec(self.call, inputs, _batch_size(inputs),
                                          training=training)


class NodeLayerMixin:
    """Applies ``self._call_values(values, training)`` to node features only.

    Accepts a ragged or dense node tensor, ``[nodes, edges(, edge_features)]`` (returns
    the new nodes) or a graph dict (returns the dict with new ``"nodes"``).
    """

    def _node_input_shape(self, input_shape):
        node_shape, _, _ = split_input_shape(input_shape, type(self).__name__, False)
        if node_shape is None or len(node_shape) < 2 or node_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__}: `nodes` must be [batch, (n), F] with a known feature "
                f"size F. Received: nodes with shape {node_shape}")
        return node_shape

    def _apply_to_nodes(self, inputs, fn):
        style, nodes, _, _ = unpack_graph_inputs(inputs, type(self).__name__, needs_edges=False)
        if isinstance(nodes, tf.RaggedTensor):
            if nodes.ragged_rank != 1 or nodes.shape.rank != 3:
                raise ValueError(
                    f"{type(self).__name__}: `nodes` must be a RaggedTensor with "
                    f"ragged_rank=1. Received: nodes with shape {nodes.shape} and "
                    f"ragged_rank={nodes.ragged_rank}")
            new = nodes.with_values(fn(nodes.values))
        else:
            new = fn(nodes)
        return pack_graph_outputs(style, inputs, new)

    def compute_output_spec(self, inputs, training=None, **kwargs):
        return ragged_compute_output_spec(self.call, inputs, _batch_size(inputs),
                                          training=training, **kwargs)
