"""Training speed of kextras_graph vs KGCNN 4 (TensorFlow backend, ragged input) on CPU.

Both libraries run on Keras 3 / TensorFlow in the same process, so they share the thread
settings (``--threads`` intra- and inter-op threads) and the training loop: both models are
compiled with ``Adam(1e-3)``, ``SparseCategoricalCrossentropy(from_logits=True)`` and
``jit_compile=False`` and timed through ``model.train_on_batch``. The KGCNN models are the
library's own ``kgcnn.literature.GCN.make_model`` / ``kgcnn.literature.GIN.make_model`` with
``input_tensor_type="ragged"``; the kextras models are built from kextras layers with the same
architecture and the same number of trainable weights:

* ``gcn``: Dense(64) -> 3 x GCN(64, relu) -> sum over nodes -> Dense(64, relu) -> Dense(2).
  KGCNN's ``GCN`` layer takes the normalized adjacency as edge weights
  ``D^-1/2 (A + I) D^-1/2`` (self loops included in its edge list), computed once outside
  the model and not timed; kextras' ``GCNConv`` computes it in the layer at every step.
  (KGCNN adds the bias before propagation, kextras after; with the zero initial biases the
  two models compute the same function, which ``max_abs_err`` checks.)
* ``gin``: Dense(64) -> 3 x [GIN sum aggregation (eps 0) -> MLP 64 relu 64] -> sum readout of
  all four node embeddings, each through Dense(64), added -> Dense(2) (KGCNN's GIN model with
  ``use_normalization=False`` in its node MLPs).

Batches: ``mol`` = 128 random molecule-sized graphs (8-32 nodes, a random spanning tree plus a
few ring closures, both edge directions), ``atlas`` = 512 graphs of the networkx graph atlas
(up to 7 nodes); 16 random node features, binary labels, ``--batches`` different batches
cycled in the same order on both sides.

The initial weights are copied from the KGCNN model into the kextras model (``max_abs_err``:
the largest difference of the inference outputs). After a warm-up, ``--repeats`` rounds of
``--steps`` steps alternate (ABBA order); reported: median ms/step with the interquartile
range, ``ratio`` = median(kextras) / median(KGCNN) on wall clock, the median and IQR of the
per-round ratios, and the same on process CPU time (``cpu_*``, less sensitive to other jobs on
a loaded machine).

Usage: ``python3 benchmarks/bench_graph_kgcnn.py [--quick] [--threads N] [--cases gcn_mol,...]``.
Needs ``kgcnn==4.0.1`` installed with ``--no-deps`` (its declared dependencies include
pymatgen, pyxtal, pyshtools, ase, rdkit, keras-tuner, none of which the GCN/GIN models use)
plus ``dm-tree``: ``pip install -r benchmarks/requirements-graph.txt`` then
``pip install --no-deps -r benchmarks/requirements-graph-nodeps.txt``. One JSON object per line.
"""

import json
import os
import platform

from _timing import interleaved, speed_parser, summary  # benchmarks/_timing.py

P = speed_parser(__doc__.split("\n")[0], "gcn_mol,gin_mol,gcn_atlas,gin_atlas")
P.add_argument("--batches", type=int, default=None,
               help="distinct batches, cycled (default 4; 2 with --quick)")
ARGS = P.parse_args()
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import logging  # noqa: E402

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)

import keras  # noqa: E402

try:
    import kgcnn
    from kgcnn.literature.GCN import make_model as make_kgcnn_gcn
    from kgcnn.literature.GIN import make_model as make_kgcnn_gin
except ImportError as exc:  # benchmark-only competitor
    raise SystemExit(f"bench_graph_kgcnn.py needs KGCNN 4 ({exc}): pip install dm-tree && "
                     "pip install --no-deps -r benchmarks/requirements-graph-nodeps.txt")

from kextras_graph.layers import GCNConv, GINConv, GlobalSumPool, NodeDense  # noqa: E402


logging.getLogger("kgcnn").setLevel(logging.WARNING)
FEATURES, HIDDEN = 16, 64


# ----------------------------------------------------------------------------- data

def mol_graph(rng):
    n = int(rng.integers(8, 33))
    parent = [int(rng.integers(0, i)) for i in range(1, n)]
    pairs = {(min(i, p), max(i, p)) for i, p in zip(range(1, n), parent)}
    for _ in range(int(rng.integers(0, n // 6 + 1))):  # ring closures
        s, t = rng.integers(0, n, 2)
        if s != t:
            pairs.add((int(min(s, t)), int(max(s, t))))
    return n, np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


ATLAS = None


def atlas_graph(rng):
    global ATLAS
    if ATLAS is None:
        ATLAS = [g for g in nx.graph_atlas_g() if g.number_of_nodes() > 0]
    g = ATLAS[int(rng.integers(0, len(ATLAS)))]
    return g.number_of_nodes(), np.array(sorted(g.edges()), dtype=np.int64).reshape(-1, 2)


def make_batch(kind, seed):
    rng = np.random.default_rng(seed)
    count, maker = (128, mol_graph) if kind == "mol" else (512, atlas_graph)
    graphs = []
    for _ in range(count):
        n, und = maker(rng)
        edges = np.concatenate([und, und[:, ::-1]]) if len(und) else und
        graphs.append((rng.normal(size=(n, FEATURES)).astype(np.float32), edges))
    labels = rng.integers(0, 2, count)
    return graphs, labels


def ragged(values, lengths, dtype=None):
    return tf.RaggedTensor.from_row_lengths(
        np.concatenate(values).astype(dtype or values[0].dtype), lengths)


def gcn_weights(n, edges):
    """KGCNN's GCN input: edges plus self loops, weights ``1 / sqrt(d_s d_t)``."""
    loops = np.stack([np.arange(n), np.arange(n)], 1)
    both = np.concatenate([edges.reshape(-1, 2), loops])
    deg = np.bincount(both[:, 1], minlength=n).astype(np.float32)
    w = 1.0 / np.sqrt(deg[both[:, 0]] * deg[both[:, 1]])
    return both, w[:, None].astype(np.float32)


def inputs_for(model_kind, graphs):
    xs = [x for x, _ in graphs]
    nl = [len(x) for x in xs]
    nodes = ragged(xs, nl)
    kx = {"nodes": nodes, "edges": ragged([e.astype(np.int32) for _, e in graphs],
                                          [len(e) for _, e in graphs])}
    if model_kind == "gcn":
        pairs = [gcn_weights(len(x), e) for x, e in graphs]
        # KGCNN index convention: column 0 receives, column 1 sends (symmetric here).
        idx = ragged([p[:, ::-1].copy() for p, _ in pairs], [len(p) for p, _ in pairs])
        kg = [nodes, ragged([w for _, w in pairs], [len(w) for _, w in pairs]), idx]
    else:
        kg = [nodes, ragged([e[:, ::-1].copy() for _, e in graphs], [len(e) for _, e in graphs],
                            np.int64)]
    return kx, kg


# ----------------------------------------------------------------------------- models

def compile_model(model):
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=False)
    return model


def kgcnn_model(kind):
    node_input = {"shape": (None, FEATURES), "name": "nodes", "dtype": "float32", "ragged": True}
    index_input = {"shape": (None, 2), "name": "edge_indices", "dtype": "int64", "ragged": True}
    if kind == "gcn":
        return make_kgcnn_gcn(
            inputs=[node_input, {"shape": (None, 1), "name": "edge_weights", "dtype": "float32",
                                 "ragged": True}, index_input],
            input_tensor_type="ragged", input_node_embedding=None, input_edge_embedding=None,
            depth=3, gcn_args={"units": HIDDEN, "use_bias": True, "activation": "relu",
                               "pooling_method": "scatter_sum"},
            node_pooling_args={"pooling_method": "scatter_sum"}, output_embedding="graph",
            output_mlp={"use_bias": [True, True], "units": [HIDDEN, 2],
                        "activation": ["relu", "linear"]})
    return make_kgcnn_gin(
        inputs=[node_input, index_input], input_tensor_type="ragged", input_node_embedding=None,
        depth=3, dropout=0.0,
        gin_mlp={"units": [HIDDEN, HIDDEN], "use_bias": True, "activation": ["relu", "linear"],
                 "use_normalization": False},
        last_mlp={"use_bias": [True], "units": [HIDDEN], "activation": ["linear"]},
        output_embedding="graph",
        output_mlp={"use_bias": True, "units": 2, "activation": "linear"})


def kextras_model(kind):
    nodes = keras.Input(shape=(None, FEATURES), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = NodeDense(HIDDEN, name="embed")(nodes)
    if kind == "gcn":
        for i in range(3):
            h = GCNConv(HIDDEN, activation="relu", name=f"conv{i}")([h, edges])
        r = keras.layers.Dense(HIDDEN, activation="relu", name="mlp0")(GlobalSumPool()(h))
        out = keras.layers.Dense(2, name="mlp1")(r)
    else:
        hs = [h]
        for i in range(3):
            h = GINConv([HIDDEN, HIDDEN], name=f"conv{i}")([h, edges])
            hs.append(h)
        parts = [keras.layers.Dense(HIDDEN, name=f"readout{i}")(GlobalSumPool()(x))
                 for i, x in enumerate(hs)]
        out = keras.layers.Dense(2, name="out")(keras.layers.Add()(parts))
    return keras.Model({"nodes": nodes, "edges": edges}, out)


def kgcnn_weights_in_order(model, kind):
    """Trainable weights of the KGCNN model in the order of ``kextras_weights_in_order``."""
    by_type = {}
    for layer in model.layers:
        by_type.setdefault(type(layer).__name__, []).append(layer)
    dense = by_type["Dense"]
    if kind == "gcn":
        layers = dense + by_type["GCN"] + by_type["MLP"]
    else:
        mlps = by_type["MLP"]  # 3 node MLPs, 4 readout MLPs, the output MLP, in that order
        layers = dense + mlps[:3] + mlps[3:7] + mlps[7:]
    return [w for layer in layers for w in layer.trainable_weights]


def kextras_weights_in_order(model, kind):
    if kind == "gcn":
        names = ["embed", "conv0", "conv1", "conv2", "mlp0", "mlp1"]
    else:
        names = ["embed", "conv0", "conv1", "conv2"] + [f"readout{i}" for i in range(4)] + ["out"]
    return [w for name in names for w in model.get_layer(name).trainable_weights]


def copy_weights(kg, kx, kind):
    src, dst = kgcnn_weights_in_order(kg, kind), kextras_weights_in_order(kx, kind)
    if len(src) != len(dst) or any(tuple(a.shape) != tuple(b.shape) for a, b in zip(src, dst)):
        raise RuntimeError(f"weight lists differ: {[tuple(w.shape) for w in src]} vs "
                           f"{[tuple(w.shape) for w in dst]}")
    for a, b in zip(src, dst):
        b.assign(a)


# ----------------------------------------------------------------------------- cases

def run_case(case, repeats, steps, warmup):
    kind, data = case.split("_")
    keras.utils.set_random_seed(0)
    batches = [make_batch(data, seed) for seed in range(ARGS.batches or (2 if ARGS.quick else 4))]
    prepared = [(*inputs_for(kind, graphs), tf.constant(labels)) for graphs, labels in batches]
    kg = compile_model(kgcnn_model(kind))
    kx = compile_model(kextras_model(kind))
    kx(prepared[0][0])
    copy_weights(kg, kx, kind)
    ref = kg.predict_on_batch(prepared[0][1])
    err = float(np.abs(kx.predict_on_batch(prepared[0][0]) - ref).max())
    counters = {"k": 0, "t": 0}

    def kextras_step():
        kx_in, _, y = prepared[counters["k"] % len(prepared)]
        counters["k"] += 1
        kx.train_on_batch(kx_in, y)

    def kgcnn_step():
        _, kg_in, y = prepared[counters["t"] % len(prepared)]
        counters["t"] += 1
        kg.train_on_batch(kg_in, y)

    for _ in range(warmup * len(prepared)):
        kextras_step()
        kgcnn_step()
    times = interleaved(kextras_step, kgcnn_step, repeats, steps)
    count = lambda m: int(sum(np.prod(w.shape) for w in m.trainable_weights))  # noqa: E731
    return {"bench": "graph_kgcnn", "case": case, "unit": "ms/step", **summary(*times, competitor="kgcnn"),
            "max_abs_err": err, "kgcnn_output_max_abs": float(np.abs(ref).max()),
            "params_kextras": count(kx), "params_kgcnn": count(kg),
            "threads": ARGS.threads, "repeats": repeats, "steps": steps,
            "graphs_per_batch": len(batches[0][0]),
            "nodes_per_batch": int(np.mean([sum(len(x) for x, _ in g) for g, _ in batches])),
            "edges_per_batch": int(np.mean([sum(len(e) for _, e in g) for g, _ in batches])),
            "load_average_1min": os.getloadavg()[0]}


def main():
    repeats = ARGS.repeats or (6 if ARGS.quick else 30)
    steps = ARGS.steps or (2 if ARGS.quick else 4)
    warmup = 1 if ARGS.quick else 3
    print(json.dumps({"bench": "graph_kgcnn_env", "python": platform.python_version(),
                      "tensorflow": tf.__version__, "keras": keras.__version__,
                      "kgcnn": getattr(kgcnn, "__kgcnn_version__", "4"),
                      "threads": ARGS.threads, "cpu_count": os.cpu_count(),
                      "load_average_1min": os.getloadavg()[0]}), flush=True)
    for case in ARGS.cases.split(","):
        print(json.dumps(run_case(case, repeats, steps, warmup)), flush=True)


if __name__ == "__main__":
    main()
