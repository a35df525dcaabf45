"""GATConv: graph attention (Velickovic et al., 2018), with the GATv2 variant."""

import keras
import tensorflow as tf

from kextras import validation
from kextras_graph.layers._dense import DenseWeightsMixin
from kextras_graph.layers.message_passing import MessagePassing
from kextras_graph.ops.segment import gather_rows, segment_softmax


class GATConv(DenseWeightsMixin, MessagePassing):
    """Graph attention convolution ("Graph Attention Networks"; ``v2=True``: GATv2,
    Brody et al., "How Attentive are Graph Attention Networks?").

    Per head ``h`` with ``z_j = x_j W_h``:

    * GAT: ``e_ij = LeakyReLU(a_src,h . z_j + a_dst,h . z_i)``;
    * GATv2: ``e_ij = a_h . LeakyReLU(x_j W_h + x_i W_t,h)``;

    ``alpha_ij = softmax_{j -> i}(e_ij)`` over the incoming edges of ``i`` (dropout with
    rate ``dropout`` on ``alpha`` while training) and ``x_i'^h = sum_{j -> i} alpha_ij z_j``.
    Heads are concatenated (``concat=True``, output ``heads * units``) or averaged
    (output ``units``), then ``b`` and ``activation`` are applied. With
    ``add_self_loops`` (default) existing self loops are removed and one self loop per
    node is added (as PyTorch Geometric does); a node without incoming edges gets
    ``activation(b)``. Duplicate edges are separate softmax terms.

    Args:
        units: features per head.
        heads: number of heads; default 1.
        concat: concatenate (True, default) or average the heads.
        dropout: attention dropout rate in [0, 1); default 0.
        negative_slope: LeakyReLU slope; default 0.2.
        add_self_loops: default True.
        v2: GATv2 attention; default False.
        activation: default None.
        use_bias: default True.
        kernel_initializer: as in ``keras.layers.Dense`` (kernels include the attention vectors).
        bias_initializer: as in ``keras.layers.Dense`` (kernels include the attention vectors).
        kernel_regularizer: as in ``keras.layers.Dense`` (kernels include the attention vectors).
        bias_regularizer: as in ``keras.layers.Dense`` (kernels include the attention vectors).
        kernel_constraint: as in ``keras.layers.Dense`` (kernels include the attention vectors).
        bias_constraint: as in ``keras.layers.Dense`` (kernels include the attention vectors).
        seed: attention dropout seed; default None.

    Weights: GAT: ``kernel [F, heads*units]``, ``attn_kernel_source [heads, units]``,
    ``attn_kernel_target [heads, units]``, ``bias``; GATv2: ``kernel [F, heads*units]``
    (sources), ``target_kernel [F, heads*units]``, ``attn_kernel [heads, units]``, ``bias``.
    ``bias`` is ``[heads*units]`` with concat, else ``[units]``.

    Input: ``[nodes, edges]`` or a dict. Output: ``RaggedTensor[batch, (n), heads*units]``
    (concat) or ``[batch, (n), units]``.
    """

    eager_function = True

    def __init__(self, units, heads=1, concat=True, dropout=0.0, negative_slope=0.2,
                 add_self_loops=True, v2=False, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, seed=None, **kwargs):
        super().__init__(aggregate="sum", **kwargs)
        self._init_dense_options(units, activation, use_bias, kernel_initializer,
                                 bias_initializer, kernel_regularizer, bias_regularizer,
                                 kernel_constraint, bias_constraint)
        self.heads = validation.positive_int("heads", heads)
        self.concat = validation.boolean("concat", concat)
        self.dropout = validation.rate("dropout", dropout)
        self.negative_slope = validation.real("negative_slope", negative_slope)
        self.add_self_loops = validation.boolean("add_self_loops", add_self_loops)
        self.v2 = validation.boolean("v2", v2)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed) if self.dropout > 0 else None

    def build_graph(self, node_dim, edge_dim):
        hu = self.heads * self.units
        self.kernel = self._kernel((node_dim, hu))
        if self.v2:
            self.target_kernel = self._kernel((node_dim, hu), name="target_kernel")
            self.attn_kernel = self._kernel((self.heads, self.units), name="attn_kernel")
        else:
            self.attn_kernel_source = self._kernel((self.heads, self.units),
                                                   name="attn_kernel_source")
            self.attn_kernel_target = self._kernel((self.heads, self.units),
                                                   name="attn_kernel_target")
        out = hu if self.concat else self.units
        self.bias = self._bias((out,)) if self.use_bias else None

    def compute_output_dim(self, node_dim, edge_dim):
        return self.heads * self.units if self.concat else self.units

    def call_graph(self, graph, training=None):
        x = graph.nodes
        n = graph.num_nodes
        sources, targets = graph.sources, graph.targets
        loop_bias = None
        if self.add_self_loops:
            # existing self loops get attention 0 (as if removed), one loop per node is added
            loops = tf.range(n, dtype=sources.dtype)
            keep = tf.concat([tf.not_equal(sources, targets), tf.ones([n], tf.bool)], 0)
            loop_bias = tf.where(keep, tf.constant(0.0, x.dtype),
                                 tf.constant(float("-inf"), x.dtype))[:, None]
            sources, targets = tf.concat([sources, loops], 0), tf.concat([targets, loops], 0)
            graph = graph.replace(sources=sources, targets=targets)
        z = tf.reshape(tf.matmul(x, self.kernel), [-1, self.heads, self.units])
        if self.v2:
            zt = tf.reshape(tf.matmul(x, self.target_kernel), [-1, self.heads, self.units])
            pre = self._leaky_relu(gather_rows(z, sources, self.sparse)
                                   + gather_rows(zt, targets, self.sparse))
            logits = tf.reduce_sum(pre * self.attn_kernel, axis=-1)
        else:
            a_src = tf.reduce_sum(z * self.attn_kernel_source, axis=-1)  # [N, H]
            a_dst = tf.reduce_sum(z * self.attn_kernel_target, axis=-1)
            logits = self._leaky_relu(gather_rows(a_src, sources, self.sparse)
                                      + gather_rows(a_dst, targets, self.sparse))
        if loop_bias is not None:
            logits = logits + loop_bias  # -inf: attention 0 for the removed self loops
        alpha = segment_softmax(logits, targets, n, sparse=self.sparse)  # [E, H]
        if training and self.dropout > 0:
            alpha = keras.random.dropout(alpha, self.dropout, seed=self.seed_generator)
        out = self.propagate(z, graph, edge_weight=alpha)  # per-head weights: [E, H]
        if self.concat:
            out = tf.reshape(out, [-1, self.heads * self.units])
        else:
            out = tf.reduce_mean(out, axis=1)
        return self._output(out)

    def _leaky_relu(self, x):
        if x.dtype != tf.float64:  # the fused kernel (its slope is a float32 attribute)
            return tf.nn.leaky_relu(x, self.negative_slope)
        return tf.where(x > 0, x, tf.constant(self.negative_slope, x.dtype) * x)

    def get_config(self):
        config = super().get_config()
        config.pop("aggregate")
        config.update(self._dense_config())
        config.update(heads=self.heads, concat=self.concat, dropout=self.dropout,
                      negative_slope=self.negative_slope, add_self_loops=self.add_self_loops,
                      v2=self.v2, seed=self.seed)
        return config
