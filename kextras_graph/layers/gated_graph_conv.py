"""GatedGraphConv: gated graph sequence neural network layer (Li et al., 2016)."""

import tensorflow as tf

from kextras import validation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing


class GatedGraphConv(DenseWeightsMixin, MessagePassing):
    """Gated graph convolution ("Gated Graph Sequence Neural Networks", ICLR 2016).

    ``h^0 = [x || 0]`` (zero-padded to ``units``); for ``l = 1..num_steps``:
    ``m^l_i = sum_{j -> i} h^{l-1}_j W_l`` and ``h^l = GRU(m^l, h^{l-1})`` with
    ``z = σ(m U_z + b_z + h V_z + c_z)``, ``r = σ(m U_r + b_r + h V_r + c_r)``,
    ``ĥ = tanh(m U_h + b_h + r ⊙ (h V_h + c_h))``, ``h' = z ⊙ h + (1 - z) ⊙ ĥ``
    (the GRU of ``keras.layers.GRU(reset_after=True)`` and ``torch.nn.GRUCell``).

    Args:
        units: state size (>= the input feature size).
        num_steps: default 3.
        use_bias: GRU biases; default True.
        kernel_initializer: as in ``keras.layers.Dense``.
        bias_initializer: as in ``keras.layers.Dense``.
        kernel_regularizer: as in ``keras.layers.Dense``.
        bias_regularizer: as in ``keras.layers.Dense``.
        kernel_constraint: as in ``keras.layers.Dense``.
        bias_constraint: as in ``keras.layers.Dense``.

    Weights: ``kernel [num_steps, units, units]`` (``W_l``), ``gru_kernel [units, 3 units]``
    (``U_z, U_r, U_h``), ``gru_recurrent_kernel [units, 3 units]`` (``V``), then
    ``gru_bias [3 units]``, ``gru_recurrent_bias [3 units]``.

    Input: ``[nodes, edges]`` or a dict. Output: ``RaggedTensor[batch, (n), units]``.
    """

    eager_function = True

    def __init__(self, units, num_steps=3, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(units, None, use_bias, kernel_initializer, bias_initializer,
                                 kernel_regularizer, bias_regularizer, kernel_constraint,
                                 bias_constraint)
        self.num_steps = validation.positive_int("num_steps", num_steps)

    def build_graph(self, node_dim, edge_dim):
        if node_dim > self.units:
            raise ValueError(
                "GatedGraphConv: the node feature size must be <= `units`. Received: "
                f"{node_dim} node features, units={self.units}")
        u = self.units
        self.kernel = self._kernel((self.num_steps, u, u))
        self.gru_kernel = self._kernel((u, 3 * u), name="gru_kernel")
        self.gru_recurrent_kernel = self._kernel((u, 3 * u), name="gru_recurrent_kernel")
        if self.use_bias:
            self.gru_bias = self._bias((3 * u,), name="gru_bias")
            self.gru_recurrent_bias = self._bias((3 * u,), name="gru_recurrent_bias")
        else:
            self.gru_bias = self.gru_recurrent_bias = None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.units

    def call_graph(self, graph, training=None):
        x = graph.nodes
        u = self.units
        h = tf.pad(x, [[0, 0], [0, u - x.shape[-1]]])
        for step in range(self.num_steps):
            m = self.propagate(tf.matmul(h, self.kernel[step]), graph)
            gx = tf.matmul(m, self.gru_kernel)
            gh = tf.matmul(h, self.gru_recurrent_kernel)
            if self.gru_bias is not None:
                gx, gh = gx + self.gru_bias, gh + self.gru_recurrent_bias
            xz, xr, xh = tf.split(gx, 3, axis=-1)
            hz, hr, hh = tf.split(gh, 3, axis=-1)
            z = tf.sigmoid(xz + hz)
            r = tf.sigmoid(xr + hr)
            cand = tf.tanh(xh + r * hh)
            h = z * h + (1 - z) * cand
        return h

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        dense = self._dense_config()
        dense.pop("activation")
        config.update(dense)
        config["num_steps"] = self.num_steps
        return config
