"""The CPU kernels of kextras_graph (``sparse=True``) against the XLA-compatible ones
(``sparse=False``) and plain TensorFlow, side by side in one run (one thread by default).

Cases (one random graph, ``--edges`` edges, nodes = edges / 10, seed 0; "fb" = forward +
backward of ``sum(out**2)`` in a ``tf.function``):

* ``spmm_cols{8,16,32,64}``: ``A @ x`` forward, ``ops.propagate_sum(sparse=True)`` (chunks of
  at most 16 columns) vs one ``tf.sparse.sparse_dense_matmul``;
* ``spmm_weighted_fb64``: the same with trainable edge weights, fb: the custom gradient vs
  TensorFlow's registered one;
* ``gat_aggregate_fb``: attention-weighted sum, ``x [N, 8, 8]``, weights ``[E, 8]``:
  ``propagate_sum(sparse=True)`` (a sparse matmul per head) vs ``sparse=False`` (gather,
  multiply, ``scatter_nd``);
* ``scatter_sum_fb``: ``[E, 8]`` scatter sum, incidence product vs ``scatter_nd``;
* ``segment_softmax_fb``: ``[E, 8]`` logits, ``sparse=True`` vs ``sparse=False``;
* ``diffpool_layer_fb``: ``DiffPool(8, units=64)`` on 128 random graphs with 20-40 nodes
  (64 features), ``sparse=True`` (padded per-graph products) vs ``sparse=False`` (flat).

Reported per case as in the other graph benchmarks (``_timing.summary``): ``kextras_*`` is
the kernel picked by ``sparse=True``, ``other_*`` the alternative, ABBA rounds, CPU time.

Usage: ``python3 benchmarks/bench_graph_kernels.py [--quick] [--threads 1] [--edges 100000]``.
"""

import json
import os

from _timing import interleaved, speed_parser, summary  # benchmarks/_timing.py

P = speed_parser(__doc__.split("\n")[0], "spmm_cols8,spmm_cols16,spmm_cols32,spmm_cols64,"
                 "spmm_weighted_fb64,gat_aggregate_fb,scatter_sum_fb,segment_softmax_fb,"
                 "diffpool_layer_fb", threads=1)
P.add_argument("--edges", type=int, default=100_000)
ARGS = P.parse_args()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)

from kextras_graph import ops  # noqa: E402
from kextras_graph.layers import DiffPool  # noqa: E402
from kextras_graph.ops.segment import scatter_sum  # noqa: E402

RNG = np.random.default_rng(0)
E = ARGS.edges
N = E // 10
SRC = RNG.integers(0, N, E).astype(np.int32)
DST = ((SRC + RNG.integers(1, N, E)) % N).astype(np.int32)
PATTERN = tf.constant(np.stack([DST, SRC], 1).astype(np.int64))


def fb(fn, *args):
    """``tf.function`` of forward + backward of ``sum(fn(*args)**2)`` w.r.t. ``args``."""
    args = [tf.constant(a) for a in args]

    @tf.function
    def run():
        with tf.GradientTape() as tape:
            tape.watch(args)
            out = fn(*args)
            loss = tf.reduce_sum(out * out)
        return tape.gradient(loss, args)
    return run


def forward(fn, *args):
    args = [tf.constant(a) for a in args]
    return tf.function(lambda: fn(*args))


def normal(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def case_spmm(cols):
    x = normal(N, cols)
    ones = tf.ones([E])
    mine = forward(lambda x: ops.propagate_sum(x, SRC, DST, N, adjacency=PATTERN), x)
    plain = forward(lambda x: tf.sparse.sparse_dense_matmul(
        tf.SparseTensor(PATTERN, ones, [N, N]), x), x)
    return mine, plain


def case_weighted():
    x, w = normal(N, 64), RNG.uniform(0.5, 2, E).astype(np.float32)
    mine = fb(lambda x, w: ops.propagate_sum(x, SRC, DST, N, w, adjacency=PATTERN), x, w)
    plain = fb(lambda x, w: tf.sparse.sparse_dense_matmul(
        tf.SparseTensor(PATTERN, w, [N, N]), x), x, w)
    return mine, plain


def case_gat():
    x, w = normal(N, 8, 8), RNG.uniform(0, 1, (E, 8)).astype(np.float32)
    return tuple(fb(lambda x, w, s=s: ops.propagate_sum(x, SRC, DST, N, w, sparse=s), x, w)
                 for s in (True, False))


def case_scatter():
    d = normal(E, 8)
    return tuple(fb(lambda d, s=s: scatter_sum(d, DST, N, sparse=s), d) for s in (True, False))


def case_softmax():
    logits = normal(E, 8) * 3
    return tuple(fb(lambda v, s=s: ops.segment_softmax(v, DST, N, sparse=s), logits)
                 for s in (True, False))


def case_diffpool():
    lengths = RNG.integers(20, 41, 128)
    edges = []
    for n in lengths:
        s, t = RNG.integers(0, n, 2 * n), RNG.integers(0, n, 2 * n)
        pairs = np.unique(np.stack([np.minimum(s, t), np.maximum(s, t)], 1)[s != t], axis=0)
        edges.append(np.concatenate([pairs, pairs[:, ::-1]]))
    nodes = tf.RaggedTensor.from_row_lengths(normal(int(lengths.sum()), 64), lengths)
    edges = tf.RaggedTensor.from_row_lengths(np.concatenate(edges).astype(np.int32),
                                             [len(e) for e in edges])
    steps = []
    for sparse in (True, False):
        layer = DiffPool(8, units=64, activation="relu", sparse=sparse)
        layer([nodes, edges])

        @tf.function
        def run(layer=layer):
            with tf.GradientTape() as tape:
                tape.watch(nodes.values)
                out = layer([nodes, edges])
                loss = tf.reduce_sum(out[0].values) + tf.add_n(layer.losses)
            return tape.gradient(loss, [nodes.values] + layer.trainable_weights)
        steps.append(run)
    return tuple(steps)


def main():
    builders = {f"spmm_cols{c}": (lambda c=c: case_spmm(c)) for c in (8, 16, 32, 64)}
    builders.update(spmm_weighted_fb64=case_weighted, gat_aggregate_fb=case_gat,
                    scatter_sum_fb=case_scatter, segment_softmax_fb=case_softmax,
                    diffpool_layer_fb=case_diffpool)
    repeats = ARGS.repeats or (6 if ARGS.quick else 15)
    steps = ARGS.steps or (5 if ARGS.quick else 20)
    print(json.dumps({"bench": "graph_kernels_env", "tensorflow": tf.__version__,
                      "threads": ARGS.threads, "edges": E, "nodes": N,
                      "load_average_1min": os.getloadavg()[0]}), flush=True)
    for name in ARGS.cases.split(","):
        mine, other = builders[name]()
        mine(), other()  # trace
        kt, ot, kc, oc = interleaved(mine, other, repeats, steps)
        print(json.dumps({"bench": "graph_kernels", "case": name, "unit": "s per call",
                          **summary(kt, ot, kc, oc, competitor="other"),
                          "repeats": repeats, "steps": steps,
                          "load_average_1min": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    main()
