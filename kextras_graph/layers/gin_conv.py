"""GINConv: graph isomorphism network layer (Xu et al., 2019)."""

import keras
import tensorflow as tf

from kextras import validation
from kextras.activations import resolve
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._mlp import apply_mlp, build_mlp
from kextras_graph.layers.message_passing import MessagePassing


class GINConv(DenseWeightsMixin, MessagePassing):
    """Graph isomorphism convolution ("How Powerful are Graph Neural Networks?").

    ``x_i' = MLP((1 + eps) x_i + sum_{j -> i} x_j)`` where the MLP is Dense layers of sizes
    ``mlp_units`` with ``mlp_activation`` between them and ``activation`` after the last,
    or any Keras layer passed as ``mlp`` (applied to the flat ``[N, F]`` node features, e.g.
    ``keras.Sequential([Dense(64), BatchNormalization(), ReLU(), Dense(64)])``; it computes
    in its own dtype, the result is cast to this layer's compute dtype).

    Args:
        mlp_units: int or list of ints, the MLP layer sizes (the last is the output size);
            give either ``mlp_units`` or ``mlp``.
        mlp: a Keras layer used as the MLP instead; default None.
        eps: initial value of ``eps``; default 0.
        train_eps: make ``eps`` a trainable scalar weight; default False.
        mlp_activation: activation between MLP layers; default "relu".
        activation: activation after the last MLP layer; default None.
        use_bias: for every MLP layer.
        kernel_initializer: for every MLP layer.
        bias_initializer: for every MLP layer.
        kernel_regularizer: for every MLP layer.
        bias_regularizer: for every MLP layer.
        kernel_constraint: for every MLP layer.
        bias_constraint: for every MLP layer.

    Weights: ``kernel_0 [F, u_0], bias_0 [u_0], kernel_1 [u_0, u_1], ...`` (or the weights
    of ``mlp``) then ``eps`` (when ``train_eps``).

    Input: ``[nodes, edges]`` or a dict. Output: ``RaggedTensor[batch, (n), mlp_units[-1]]``.
    """

    eager_function = True

    def __init__(self, mlp_units=None, eps=0.0, train_eps=False, mlp_activation="relu",
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, mlp=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(None, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        if isinstance(mlp, dict):
            mlp = keras.saving.deserialize_keras_object(mlp)
        if (mlp is None) == (mlp_units is None):
            raise ValueError(
                "Give exactly one of `mlp_units` and `mlp`. Received: "
                f"mlp_units={mlp_units!r}, mlp={mlp!r}")
        if mlp is not None and not isinstance(mlp, keras.layers.Layer):
            raise ValueError(f"`mlp` must be a Keras layer. Received: mlp={mlp!r}")
        self.mlp_layer = mlp
        self.mlp_units = None if mlp_units is None else validation.int_list("mlp_units", mlp_units)
        self.mlp_activation, self._mlp_activation_config = resolve(mlp_activation)
        self.eps_init = validation.real("eps", eps)
        self.train_eps = validation.boolean("train_eps", train_eps)

    def build_graph(self, node_dim, edge_dim):
        if self.mlp_layer is not None:
            self.mlp = []
            if not self.mlp_layer.built:
                self.mlp_layer.build((None, node_dim))
        else:
            self.mlp = build_mlp(self, node_dim, self.mlp_units)
        if self.train_eps:
            self.eps = self.add_weight(name="eps", shape=(),
                                       initializer=keras.initializers.Constant(self.eps_init))
        else:
            self.eps = None

    def _epsilon(self, dtype):
        if self.eps is None:
            return tf.constant(self.eps_init, dtype)
        return tf.cast(self.eps, dtype)

    def combine(self, graph, aggregated):
        x = graph.nodes
        if self.eps is None and self.eps_init == 0.0:
            out = x + aggregated  # (1 + 0) * x, without the multiplication
        else:
            out = (1 + self._epsilon(x.dtype)) * x + aggregated
        if self.mlp_layer is not None:
            return tf.cast(self.mlp_layer(out), x.dtype)
        return apply_mlp(out, self.mlp, self.mlp_activation, self.activation)

    def compute_output_dim(self, node_dim, edge_dim):
        if self.mlp_layer is not None:
            return int(self.mlp_layer.compute_output_shape((None, node_dim))[-1])
        return self.mlp_units[-1]

    def call_graph(self, graph, training=None):
        return self.combine(graph, self.propagate(graph.nodes, graph))

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        config.update(self._dense_config())
        config.update(mlp_units=None if self.mlp_units is None else list(self.mlp_units),
                      mlp=None if self.mlp_layer is None
                      else keras.saving.serialize_keras_object(self.mlp_layer),
                      eps=self.eps_init,
                      train_eps=self.train_eps,
                      mlp_activation=self._mlp_activation_config)
        return config
