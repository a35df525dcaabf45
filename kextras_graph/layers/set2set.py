"""Set2Set: order-invariant LSTM-attention readout (Vinyals et al., 2016)."""

import keras
import tensorflow as tf

from kextras import validation
from kextras_graph.layers._pool import GlobalPool
from kextras_graph.ops.segment import scatter_sum, segment_softmax


class Set2Set(GlobalPool):
    """Set2Set global pooling ("Order Matters: Sequence to sequence for sets").

    With ``q*_0 = 0`` (``[batch, 2F]``) and ``h_0 = c_0 = 0``, for ``t = 1..T``:
    ``q_t, c_t = LSTM(q*_{t-1}, (q_{t-1}, c_{t-1}))``,
    ``a_i = softmax_{i in g}(x_i . q_t[g])``, ``r_t[g] = sum_{i in g} a_i x_i``,
    ``q*_t = [q_t, r_t]``. Output ``q*_T`` (``[batch, 2F]``); a graph with no nodes has
    ``r_t = 0``. The LSTM is a Keras ``LSTMCell`` (gate order i, f, c, o; sigmoid gates,
    tanh candidate): ``z = q* K + h R + b``.

    Args:
        processing_steps: ``T``, positive int; default 3.
        kernel_initializer: as in ``keras.layers.LSTM`` (defaults "glorot_uniform", "orthogonal", "zeros", True).
        recurrent_initializer: as in ``keras.layers.LSTM`` (defaults "glorot_uniform", "orthogonal", "zeros", True).
        bias_initializer: as in ``keras.layers.LSTM`` (defaults "glorot_uniform", "orthogonal", "zeros", True).
        unit_forget_bias: as in ``keras.layers.LSTM`` (defaults "glorot_uniform", "orthogonal", "zeros", True).

    Weights: ``kernel [2F, 4F]``, ``recurrent_kernel [F, 4F]``, ``bias [4F]``.

    Input: ragged nodes, ``[nodes, edges(, ...)]`` or a graph dict. Output: ``[batch, 2F]``.
    """

    def __init__(self, processing_steps=3, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.processing_steps = validation.positive_int("processing_steps", processing_steps)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.unit_forget_bias = validation.boolean("unit_forget_bias", unit_forget_bias)

    def compute_output_dim(self, node_dim):
        return 2 * node_dim

    def build_pool(self, node_dim):
        f = node_dim
        self.node_dim = f
        self.kernel = self.add_weight(name="kernel", shape=(2 * f, 4 * f),
                                      initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(f, 4 * f),
                                                initializer=self.recurrent_initializer)
        if self.unit_forget_bias:
            base = self.bias_initializer

            def bias_init(shape, dtype=None):
                return keras.ops.concatenate([
                    base((f,), dtype=dtype), keras.ops.ones((f,), dtype=dtype),
                    base((2 * f,), dtype=dtype)])
        else:
            bias_init = self.bias_initializer
        self.bias = self.add_weight(name="bias", shape=(4 * f,), initializer=bias_init)

    def pool(self, values, graph_ids, num_graphs, training=None):
        f = self.node_dim
        dtype = values.dtype
        q_star = tf.zeros(tf.stack([num_graphs, 2 * f]), dtype)
        h = tf.zeros(tf.stack([num_graphs, f]), dtype)
        c = tf.zeros_like(h)
        for _ in range(self.processing_steps):
            z = tf.matmul(q_star, self.kernel) + tf.matmul(h, self.recurrent_kernel) + self.bias
            zi, zf, zc, zo = tf.split(z, 4, axis=-1)
            c = tf.sigmoid(zf) * c + tf.sigmoid(zi) * tf.tanh(zc)
            h = tf.sigmoid(zo) * tf.tanh(c)
            scores = tf.reduce_sum(values * tf.gather(h, graph_ids), axis=-1)
            attention = segment_softmax(scores, graph_ids, num_graphs)
            r = scatter_sum(values * attention[:, None], graph_ids, num_graphs)
            q_star = tf.concat([h, r], axis=-1)
        return q_star

    def get_config(self):
        config = super().get_config()
        config.update(
            processing_steps=self.processing_steps,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            recurrent_initializer=keras.initializers.serialize(self.recurrent_initializer),
            bias_initializer=keras.initializers.serialize(self.bias_initializer),
            unit_forget_bias=self.unit_forget_bias)
        return config
