"""GraphSAGEConv: GraphSAGE (Hamilton et al., 2017)."""

import numpy as np
import tensorflow as tf

from kextras import validation

from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing


class GraphSAGEConv(DenseWeightsMixin, MessagePassing):
    """GraphSAGE convolution ("Inductive Representation Learning on Large Graphs").

    ``h_i = activation((AGG_{j -> i} x_j) W + x_i W_root + b)`` and, with ``normalize``,
    ``x_i' = h_i / max(||h_i||_2, 1e-12)``. AGG is "mean" (default), "max" or "sum" over
    the incoming edges (0 for a node without any). ``root_weight=False`` drops the
    ``x_i W_root`` term.

    Args:
        units: output feature size.
        aggregate: "mean" (default), "max", "sum" (or "min").
        normalize: L2-normalize the outputs; default False.
        root_weight: default True.
        activation: default None.
        use_bias: default True.
        kernel_initializer: as in ``keras.layers.Dense``.
        bias_initializer: as in ``keras.layers.Dense``.
        kernel_regularizer: as in ``keras.layers.Dense``.
        bias_regularizer: as in ``keras.layers.Dense``.
        kernel_constraint: as in ``keras.layers.Dense``.
        bias_constraint: as in ``keras.layers.Dense``.

    Weights: ``kernel [F, units]`` (neighbours), ``root_kernel [F, units]``, ``bias [units]``.

    Input/Output: as ``GraphConv``.
    """

    eager_function = True

    def __init__(self, units, aggregate="mean", normalize=False, root_weight=True,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(aggregate=aggregate, **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.normalize = validation.boolean("normalize", normalize)
        self.root_weight = validation.boolean("root_weight", root_weight)

    def build_graph(self, node_dim, edge_dim):
        self.kernel = self._kernel((node_dim, self.units))
        self.root_kernel = (self._kernel((node_dim, self.units), name="root_kernel")
                            if self.root_weight else None)
        self.bias = self._bias((self.units,)) if self.use_bias else None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def call_graph(self, graph, training=None):
        x = graph.nodes
        if self.aggregate_name in ("sum", "mean") and self.units < x.shape[-1]:
            out = self.propagate(tf.matmul(x, self.kernel), graph)  # (A x) W = A (x W)
        else:
            out = tf.matmul(self.propagate(x, graph), self.kernel)
        out = self._output(out, x, self.root_kernel)
        if self.normalize:
            norm = tf.sqrt(tf.reduce_sum(tf.square(out), axis=-1, keepdims=True))
            eps = max(1e-12, float(np.finfo(out.dtype.as_numpy_dtype).tiny))
            out = out / tf.maximum(norm, tf.constant(eps, out.dtype))
        return out

    def get_config(self):
        config = super().get_config()
        config.update(self._dense_config())
        config.update(normalize=self.normalize, root_weight=self.root_weight)
        return config
