"""Private base of the node-wise layers: a stock Keras layer applied to node features.

Composition, not inheritance: the public layer owns the stock layer (``self.inner``) and
calls only its public API (``build``, ``__call__``, ``compute_output_shape``,
``get_config``), so changes of Keras' private build logic cannot break it.
"""

import keras
import tensorflow as tf

from kextras_graph.layers._base import (
    fresh_specs,
    pack_graph_outputs,
    split_input_shape,
    unpack_graph_inputs,
)

_BASE_KEYS = ("name", "trainable", "dtype")


def check_node_axis(axis):
    if axis not in (-1, [-1], (-1,)):
        raise ValueError(f"`axis` must be -1 (the node feature axis). Received: axis={axis!r}")
    return -1


class NodeLayer(keras.layers.Layer):
    """Applies ``self.inner`` (made by ``make_inner(**options)``) to the node features.

    Accepts a ragged or dense node tensor, ``[nodes, edges(, edge_features)]`` (returns the
    new nodes) or a graph dict (returns the dict with new ``"nodes"``).
    """

    inner_training = False  # pass `training` to the inner layer

    def __init__(self, options, name=None, trainable=True, dtype=None, **kwargs):
        super().__init__(name=name, trainable=trainable, dtype=dtype, **kwargs)
        self._options = dict(options)
        self.inner = self.make_inner(dtype=self.dtype_policy, **self._options)

    def make_inner(self, dtype, **options):
        """The stock layer, with this layer's dtype policy."""
        raise NotImplementedError

    def _node_dim(self, input_shape):
        node_shape, _, _ = split_input_shape(input_shape, type(self).__name__, False)
        if node_shape is None or len(node_shape) < 2 or node_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__}: `nodes` must be [batch, (n), F] with a known feature "
                f"size F. Received: nodes with shape {node_shape}")
        return int(node_shape[-1])

    def build(self, input_shape):
        self.inner.build((None, self._node_dim(input_shape)))
        self.built = True

    def _apply(self, values, training):
        if self.inner_training:
            return self.inner(values, training=training)
        return self.inner(values)

    def call(self, inputs, training=None):
        style, nodes, _, _, _ = unpack_graph_inputs(inputs, type(self).__name__, False)
        if isinstance(nodes, tf.RaggedTensor):
            if nodes.ragged_rank != 1 or nodes.shape.rank != 3:
                raise ValueError(
                    f"{type(self).__name__}: `nodes` must be a RaggedTensor with "
                    f"ragged_rank=1. Received: nodes with shape {nodes.shape} and "
                    f"ragged_rank={nodes.ragged_rank}")
            new = nodes.with_values(self._apply(nodes.values, training))
        else:
            new = self._apply(nodes, training)
        return pack_graph_outputs(style, inputs, new)

    def compute_output_spec(self, inputs, training=None):
        style, nodes, _, _, _ = unpack_graph_inputs(inputs, type(self).__name__, False)
        dim = self.inner.compute_output_shape((None, nodes.shape[-1]))[-1]
        spec = keras.KerasTensor(tuple(nodes.shape[:-1]) + (dim,), self.compute_dtype,
                                 ragged=bool(getattr(nodes, "ragged", False)))
        return pack_graph_outputs(style, fresh_specs(inputs), spec)

    def get_config(self):
        config = super().get_config()
        config.update(self._options)
        return config
