"""Private base of the graph layers: input styles, the shared structure, output specs.

Input styles accepted by every graph layer:

* functional: ``[nodes, edges]`` or ``[nodes, edges, edge_features]`` (list/tuple) ->
  ragged nodes (the structure is built and validated by this layer);
* dict: ``{"nodes", "edges"[, "edge_features"][, "graph"]}`` -> the same dict with new
  ``"nodes"`` and the structure under ``"graph"`` (built by the first layer that lacks it,
  or by ``kextras_graph.ops.prepare_graph``, then shared by every later layer).

Inside, everything is flat (``kextras_graph.ops.GraphBatch``). Output specs are computed
from the input specs (as ``keras.layers.Dense.compute_output_shape`` does), never traced.
"""

import collections.abc

import keras
import tensorflow as tf

from kextras import validation
from kextras_graph.ops._eager import EagerFunction
from kextras_graph.ops.graph_batch import GraphBatch, edge_feature_values, ragged_to_disjoint
from kextras_graph.ops.structure import (
    INVALID_MESSAGE,
    STRUCTURE_KEY,
    eager_errors,
    flat_structure,
    validate_graph_inputs,
)

def resolve_sparse(sparse):
    """The ``sparse`` option as a bool: "auto" is True unless an accelerator is visible
    (where Keras compiles with XLA by default, and XLA has no sparse matmul)."""
    if isinstance(sparse, str) and sparse == "auto":
        return not any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    if not isinstance(sparse, str):
        try:
            return validation.boolean("sparse", sparse)
        except ValueError:
            pass
    raise ValueError(f"`sparse` must be 'auto', True or False. Received: sparse={sparse!r}")


# ----------------------------------------------------------------------------- inputs

def unpack_graph_inputs(inputs, layer_name, needs_edges=True):
    """``(style, nodes, edges, edge_features, structure)``; style "list", "dict" or "nodes"."""
    if isinstance(inputs, dict):
        if "nodes" not in inputs or (needs_edges and "edges" not in inputs):
            raise ValueError(
                f"{layer_name} expects a dict with keys 'nodes' and 'edges' (and optionally "
                f"'edge_features'). Received: keys {sorted(inputs)}")
        return ("dict", inputs["nodes"], inputs.get("edges"), inputs.get("edge_features"),
                inputs.get(STRUCTURE_KEY))
    if isinstance(inputs, (list, tuple)):
        if len(inputs) not in (2, 3) and not (len(inputs) == 1 and not needs_edges):
            raise ValueError(
                f"{layer_name} expects [nodes, edges] or [nodes, edges, edge_features]. "
                f"Received: a {type(inputs).__name__} of {len(inputs)} inputs")
        inputs = list(inputs) + [None] * (3 - len(inputs))
        return "list", inputs[0], inputs[1], inputs[2], None
    if needs_edges:
        raise ValueError(
            f"{layer_name} expects [nodes, edges(, edge_features)] or a dict with keys "
            f"'nodes' and 'edges'. Received: inputs of type {type(inputs).__name__}")
    return "nodes", inputs, None, None, None


def pack_graph_outputs(style, inputs, new_nodes, structure=None):
    if style == "dict":
        out = dict(inputs)
        out["nodes"] = new_nodes
        if structure is not None:
            out[STRUCTURE_KEY] = structure
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


# ------------------------------------------------------------------------ output specs

def ragged_spec(batch, inner, dtype):
    """A ragged ``KerasTensor`` ``[batch, (n), *inner]``."""
    return keras.KerasTensor((batch, None) + tuple(inner), dtype, ragged=True)


def fresh_specs(tree):
    """New ``KerasTensor``s like the given ones (a layer must not output its inputs)."""
    def copy(x):
        if isinstance(x, keras.KerasTensor):
            return keras.KerasTensor(x.shape, x.dtype, sparse=x.sparse, ragged=x.ragged)
        return x
    if isinstance(tree, dict):
        return {k: fresh_specs(v) for k, v in tree.items()}
    return copy(tree)


def structure_spec():
    """Spec of the packed structure of ``ops.graph_structure``."""
    return keras.KerasTensor((None,), "int32")


def poison(values, invalid):
    """``values`` + NaN where the batch is invalid, after an assertion on ``invalid``
    (graph mode only: a bad batch raises ``InvalidArgumentError`` before anything uses
    the values; under XLA, which drops assertions, it gives NaN, never a silently wrong
    number)."""
    if tf.executing_eagerly():
        return values  # eager validation raised already
    check = tf.debugging.Assert(tf.logical_not(invalid), [INVALID_MESSAGE])
    nan = tf.constant(float("nan"), values.dtype)
    with tf.control_dependencies([check]):
        return values + tf.where(invalid, nan, tf.zeros([], values.dtype))


# ------------------------------------------------------------------ the flat step

_SPLITS = ("node_row_splits", "edge_row_splits")


class _Fields(collections.abc.Mapping):
    """The row splits given to a flat step; notes every key read, given or not, in
    ``read`` (iterating reads them all)."""

    def __init__(self, data, read):
        self._data = data
        self._read = read

    def __getitem__(self, key):
        self._read.add(key)
        return self._data[key]

    def __iter__(self):
        self._read.update(self._data)
        return iter(self._data)

    def __len__(self):
        return len(self._data)


class _StepBatch(GraphBatch):
    """The ``GraphBatch`` a flat step sees: its row splits come from a mapping (``_Fields``
    or a dict)."""

    def __init__(self, nodes, edge_features, structure, splits, parts=None):
        super().__init__(nodes, edge_features, structure, None, None, parts=parts)
        self._splits = splits

    @property
    def node_row_splits(self):
        return self._splits["node_row_splits"]

    @property
    def edge_row_splits(self):
        return self._splits["edge_row_splits"]

    def nodes_to_ragged(self, values):
        return tf.RaggedTensor.from_row_splits(values, self.node_row_splits, validate=False)


# ---------------------------------------------------------------------- base classes

class GraphLayer(keras.layers.Layer):
    """Base of layers taking a graph batch; subclasses implement ``call_graph``.

    ``call_graph(graph, training)`` receives a :class:`kextras_graph.ops.GraphBatch` (node
    features already cast to the compute dtype) and returns the new flat node features
    ``[N, F']``. ``build_graph(node_dim, edge_dim)`` creates the weights (``edge_dim`` is
    None without edge features); ``compute_output_dim(node_dim, edge_dim)`` gives ``F'``.

    Args:
        sparse: how the sums ``A @ x`` are computed: True, a sparse-dense matmul (about 5x
            faster on CPU; XLA cannot compile it), False, a gather and a scatter (compiles
            everywhere: use it with ``jit_compile=True`` on CPU), or "auto" (default: True
            on a CPU-only machine, False where an accelerator is visible, on which Keras
            compiles with XLA by default). ``supports_jit`` is ``not sparse``.

    A class that sets ``eager_function = True`` (every built-in layer whose step is
    traceable) runs ``call_graph`` as one call of a traced function when it is called
    eagerly (:class:`~kextras_graph.ops._eager.EagerFunction`: after two plain calls,
    bounded traces), given the packed structure and only the row splits it read in those
    calls (one it reads only when traced is added by a retrace); without a structure
    (the first layer), the same call builds and validates it. The default False runs it
    op by op.
    """

    requires_edge_features = False
    eager_function = False

    def __init__(self, sparse="auto", **kwargs):
        super().__init__(**kwargs)
        self.sparse_option = sparse
        self.sparse = resolve_sparse(sparse)
        self.supports_jit = not self.sparse
        self._eager_step = EagerFunction(self._flat_step) if self.eager_function else None
        self._read_fields = None  # the row splits the flat step has read (None: not run)

    def build(self, input_shape):
        name = type(self).__name__
        node_shape, _, ef_shape = split_input_shape(input_shape, name)
        node_dim = feature_dim(node_shape, "nodes", name)
        edge_dim = feature_dim(ef_shape, "edge_features", name)
        self._check_edge_features(edge_dim)
        self.build_graph(node_dim, edge_dim)
        self.built = True

    def _check_edge_features(self, edge_features):
        if self.requires_edge_features and edge_features is None:
            raise ValueError(
                f"{type(self).__name__} needs edge features: call it on [nodes, edges, "
                "edge_features] or a dict with key 'edge_features'. Received: no edge_features")

    def build_graph(self, node_dim, edge_dim):
        """Creates the layer's weights; ``edge_dim`` is None without edge features."""

    def graph_batch(self, nodes, edges, edge_features, structure, packed=False):
        graph = ragged_to_disjoint(nodes, edges, edge_features, structure=structure,
                                   packed=packed)
        graph.nodes = tf.cast(graph.nodes, self.compute_dtype)
        if graph.edge_features is not None:
            graph.edge_features = tf.cast(graph.edge_features, self.compute_dtype)
        return graph

    def call(self, inputs, training=None):
        style, nodes, edges, edge_features, structure = unpack_graph_inputs(
            inputs, type(self).__name__)
        self._check_edge_features(edge_features)
        if self._eager_step is not None and tf.executing_eagerly():
            values, structure = self._eager_call(nodes, edges, edge_features, structure,
                                                 training)
            return pack_graph_outputs(style, inputs, nodes.with_values(values), structure)
        graph = self.graph_batch(nodes, edges, edge_features, structure, style == "dict")
        values = poison(self.call_graph(graph, training=training), graph.invalid)
        return pack_graph_outputs(style, inputs, graph.nodes_to_ragged(values),
                                  graph.structure if style == "dict" else None)

    def _eager_call(self, nodes, edges, edge_features, structure, training):
        """``(values, structure)`` through the flat step's ``EagerFunction``: given the
        structure and the row splits it read so far (all before its first run), or,
        without a structure, the row splits and flat edges, from which the same function
        call builds and validates it (no call of its own)."""
        ef = edge_feature_values(nodes, edges, edge_features, structure)
        if structure is None:
            validate_graph_inputs(nodes, edges)
            built = (nodes.row_splits, edges.values, edges.row_splits)
            with eager_errors(*built):
                return self._eager_step((training, None), nodes.values, ef, *built)
        while True:
            read = self._read_fields
            fields = _SPLITS if read is None else tuple(k for k in _SPLITS if k in read)
            splits = [nodes.row_splits if k == "node_row_splits" else edges.row_splits
                      for k in fields]
            try:
                return self._eager_step((training, fields), nodes.values, ef, structure,
                                        *splits), structure
            except Exception:
                if self._read_fields is None or set(self._read_fields) <= set(fields):
                    raise
                # the step read a row split it was not given: retry with it

    def _flat_step(self, static, nodes, edge_features, *values):
        """``call_graph`` on the flat nodes and the structure (``fields``: the row splits
        given after it, noting those read in ``_read_fields``), or, with ``fields`` None,
        ``(call_graph, structure)`` from the row splits and flat edges."""
        training, fields = static
        nodes = tf.cast(nodes, self.compute_dtype)
        if edge_features is not None:
            edge_features = tf.cast(edge_features, self.compute_dtype)
        if fields is None:
            node_splits, local, edge_splits = values
            structure, parts = flat_structure(node_splits, local, edge_splits)
            splits = {"node_row_splits": node_splits, "edge_row_splits": edge_splits}
            graph = _StepBatch(nodes, edge_features, structure, splits, parts)
            return self.call_graph(graph, training=training), structure
        read = set()
        graph = _StepBatch(nodes, edge_features, values[0], _Fields(
            dict(zip(fields, values[1:])), read))
        try:
            return self.call_graph(graph, training=training)
        finally:
            self._read_fields = read | (self._read_fields or set())

    def call_graph(self, graph, training=None):
        raise NotImplementedError

    def compute_output_dim(self, node_dim, edge_dim):
        """``F'``; the default runs ``call_graph`` once on a one-node graph (eagerly)."""
        with tf.init_scope():
            nodes = tf.RaggedTensor.from_row_lengths(tf.zeros([1, node_dim]), [1])
            edges = tf.RaggedTensor.from_row_lengths(tf.zeros([0, 2], tf.int32), [0])
            ef = (None if edge_dim is None else
                  tf.RaggedTensor.from_row_lengths(tf.zeros([0, edge_dim]), [0]))
            graph = self.graph_batch(nodes, edges, ef, None)
            return int(self.call_graph(graph, training=False).shape[-1])

    def compute_output_spec(self, inputs, training=None):
        style, nodes, _, ef, _ = unpack_graph_inputs(inputs, type(self).__name__)
        dim = self.compute_output_dim(nodes.shape[-1], None if ef is None else ef.shape[-1])
        spec = ragged_spec(nodes.shape[0], (dim,), self.compute_dtype)
        return pack_graph_outputs(style, fresh_specs(inputs), spec, structure_spec())

    def get_config(self):
        config = super().get_config()
        config["sparse"] = self.sparse_option
        return config
