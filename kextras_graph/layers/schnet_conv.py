"""SchNetConv: continuous-filter convolution on edge distances (Schütt et al., 2017)."""

import math

import tensorflow as tf

from kextras import validation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing


def shifted_softplus(x):
    """``ssp(x) = softplus(x) - log 2`` (SchNet's activation, 0 at 0)."""
    return tf.nn.softplus(x) - tf.cast(math.log(2.0), x.dtype)


class SchNetConv(DenseWeightsMixin, MessagePassing):
    """SchNet continuous-filter convolution ("SchNet: A continuous-filter convolutional
    neural network for modeling quantum interactions", NeurIPS 2017), as the CFConv of
    PyTorch Geometric's ``SchNet``.

    For an edge ``j -> i`` of length ``d`` (an edge feature column):

    * radial basis ``e_k(d) = exp(-gamma (d - mu_k)^2)``, ``mu_k = k cutoff / (R - 1)``,
      ``k < R = num_rbf``, ``gamma = 0.5 / (cutoff / (R - 1))^2``;
    * filter ``W(d) = (ssp(e(d) F_1 + c_1) F_2 + c_2) * C(d)`` with the cosine cutoff
      ``C(d) = 0.5 (cos(pi d / cutoff) + 1)`` for ``d < cutoff``, else 0, and
      ``ssp(x) = softplus(x) - log 2``;
    * ``x_i' = activation((sum_{j -> i} (x_j W_in) ⊙ W(d_ji)) W_out + b_out)``.

    Args:
        units: output size.
        filters: filter/hidden size; default ``units``.
        num_rbf: number of Gaussians ``R`` (>= 2); default 16.
        cutoff: default 5.0.
        distance_feature: the edge feature column holding ``d``; default 0.
        activation: default None.
        kernel_initializer: as ``keras.layers.Dense``.
        bias_initializer: as ``keras.layers.Dense``.
        kernel_regularizer: as ``keras.layers.Dense``.
        bias_regularizer: as ``keras.layers.Dense``.
        kernel_constraint: as ``keras.layers.Dense``.
        bias_constraint: as ``keras.layers.Dense``.

    Weights: ``filter_kernel_0 [R, filters]``, ``filter_bias_0``, ``filter_kernel_1
    [filters, filters]``, ``filter_bias_1``, ``kernel_in [F, filters]`` (no bias),
    ``kernel [filters, units]``, ``bias [units]``.

    Input: ``[nodes, edges, edge_features]`` or a dict with "edge_features".
    Output: ``RaggedTensor[batch, (n), units]``.
    """

    eager_function = True

    requires_edge_features = True

    def __init__(self, units, filters=None, num_rbf=16, cutoff=5.0, distance_feature=0,
                 activation=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(units, activation, True, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.filters = (self.units if filters is None
                        else validation.positive_int("filters", filters))
        self.num_rbf = validation.integer("num_rbf", num_rbf, minimum=2)
        self.cutoff = validation.positive_float("cutoff", cutoff)
        self.distance_feature = validation.non_negative_int("distance_feature", distance_feature)

    def build_graph(self, node_dim, edge_dim):
        if self.distance_feature >= edge_dim:
            raise ValueError(
                "SchNetConv: `distance_feature` must index an edge feature column. Received: "
                f"distance_feature={self.distance_feature} with {edge_dim} edge features")
        f = self.filters
        self.filter_kernel_0 = self._kernel((self.num_rbf, f), name="filter_kernel_0")
        self.filter_bias_0 = self._bias((f,), name="filter_bias_0")
        self.filter_kernel_1 = self._kernel((f, f), name="filter_kernel_1")
        self.filter_bias_1 = self._bias((f,), name="filter_bias_1")
        self.kernel_in = self._kernel((node_dim, f), name="kernel_in")
        self.kernel = self._kernel((f, self.units))
        self.bias = self._bias((self.units,))

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def message(self, x_j, edge_weight):
        return x_j * edge_weight  # continuous filter [E, filters]

    def call_graph(self, graph, training=None):
        x = graph.nodes
        dtype = x.dtype
        d = graph.edge_features[:, self.distance_feature]
        step = self.cutoff / (self.num_rbf - 1)
        mu = tf.cast(tf.linspace(0.0, self.cutoff, self.num_rbf), dtype)
        gamma = 0.5 / step ** 2
        rbf = tf.exp(-gamma * tf.square(d[:, None] - mu[None, :]))
        w = shifted_softplus(tf.matmul(rbf, self.filter_kernel_0) + self.filter_bias_0)
        w = tf.matmul(w, self.filter_kernel_1) + self.filter_bias_1
        c = 0.5 * (tf.cos(d * (math.pi / self.cutoff)) + 1.0)
        c = tf.where(d < self.cutoff, c, tf.zeros_like(c))
        w = w * c[:, None]
        h = tf.matmul(x, self.kernel_in)
        agg = self.propagate(h, graph, edge_weight=w)
        return self.activation(tf.matmul(agg, self.kernel) + self.bias)

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        dense = self._dense_config()
        dense.pop("use_bias")
        config.update(dense)
        config.update(filters=self.filters, num_rbf=self.num_rbf, cutoff=self.cutoff,
                      distance_feature=self.distance_feature)
        return config
