"""NodeBatchNormalization: batch normalization over all nodes of the batch."""

import keras

from kextras_graph.layers._node import NodeLayer, check_node_axis


class NodeBatchNormalization(NodeLayer):
    """``keras.layers.BatchNormalization`` on node features; the statistics are taken
    over every node of every graph in the batch (the flat ``[N, F]`` values).

    ``x' = gamma (x - mean) / sqrt(var + epsilon) + beta``.

    Args: ``momentum`` (0.99), ``epsilon`` (1e-3), ``center``, ``scale``, the
    initializers, regularizers and constraints of ``keras.layers.BatchNormalization``
    (``axis`` must stay -1). Weights: ``gamma``, ``beta``, ``moving_mean``,
    ``moving_variance`` ``[F]`` (of ``self.inner``).

    Graphs with zero nodes contribute nothing; a training batch without any node at all has
    undefined statistics (NaN), exactly as ``keras.layers.BatchNormalization`` on an empty
    batch, so do not train on such batches.

    Input: ragged (or dense) nodes, ``[nodes, edges(, ...)]`` or a graph dict
    (e.g. ``Sequential([GCNConv(4), NodeBatchNormalization(), GlobalSumPool()])``).
    Output: same structure, same shape.
    """

    inner_training = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        options = dict(
            axis=check_node_axis(axis), momentum=momentum, epsilon=epsilon, center=center,
            scale=scale, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
            moving_mean_initializer=moving_mean_initializer,
            moving_variance_initializer=moving_variance_initializer,
            beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        super().__init__(options, **kwargs)

    def make_inner(self, dtype, **options):
        return keras.layers.BatchNormalization(dtype=dtype, **options)

    def get_config(self):
        config = super().get_config()
        inner = self.inner.get_config()
        config.update({k: inner[k] for k in self._options if k in inner and k != "axis"})
        return config
