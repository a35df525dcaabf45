"""Private base of the clustering pools whose assignment is ``S = softmax(MLP(X))``."""

import tensorflow as tf

from kextras import validation
from kextras.activations import resolve
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers._mlp import apply_mlp, build_mlp
from kextras_graph.layers._pooling import ClusterPool


class MLPClusterPool(DenseWeightsMixin, ClusterPool):
    """``S = softmax(MLP(X))`` over ``k`` clusters (MinCutPool, DMoNPool).

    The MLP has hidden sizes ``mlp_units`` with ``mlp_activation`` between them and a last
    Dense layer of ``k`` units; subclasses define ``coarsen`` and their loss weights.
    """

    def __init__(self, k, mlp_units=(), mlp_activation="relu", use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(k=k, **kwargs)
        self._init_dense_options(None, None, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.mlp_units = validation.int_list("mlp_units", list(mlp_units or []),
                                             allow_scalar=False, allow_empty=True)
        self.mlp_activation, self._mlp_activation_config = resolve(mlp_activation)

    def build_pool(self, node_dim, edge_dim):
        self.mlp = build_mlp(self, node_dim, self.mlp_units + [self.k])

    def assign(self, graph, training=None):
        logits = apply_mlp(graph.nodes, self.mlp, self.mlp_activation, lambda v: v)
        return tf.nn.softmax(logits, axis=-1), graph.nodes

    def get_config(self):
        config = super().get_config()
        dense = self._dense_config()
        dense.pop("activation")
        config.update(dense)
        config.update(mlp_units=list(self.mlp_units),
                      mlp_activation=self._mlp_activation_config)
        return config
