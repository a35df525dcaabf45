"""NodeLayerNormalization: layer normalization of every node's features."""

import keras

from kextras_graph.layers._node import NodeLayer, check_node_axis


class NodeLayerNormalization(NodeLayer):
    """``keras.layers.LayerNormalization`` on node features (per node, over features).

    ``x_i' = gamma (x_i - mean(x_i)) / sqrt(var(x_i) + epsilon) + beta``.

    Args: ``epsilon`` (1e-3), ``center``, ``scale`` (True), ``beta_initializer``,
    ``gamma_initializer``, ``beta_regularizer``, ``gamma_regularizer``,
    ``beta_constraint``, ``gamma_constraint``, as ``keras.layers.LayerNormalization``
    (``axis`` must stay -1). Weights: ``gamma [F]``, ``beta [F]`` (of ``self.inner``).

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict.
    Output: same structure, same shape.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        options = dict(
            axis=check_node_axis(axis), epsilon=epsilon, center=center, scale=scale,
            beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
            beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        super().__init__(options, **kwargs)

    def make_inner(self, dtype, **options):
        return keras.layers.LayerNormalization(dtype=dtype, **options)

    def get_config(self):
        config = super().get_config()
        inner = self.inner.get_config()  # serialized initializers, regularizers, ...
        config.update({k: inner[k] for k in self._options if k in inner and k != "axis"})
        return config
