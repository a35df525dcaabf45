"""Training speed of kextras_graph pooling models vs PyTorch Geometric on CPU, side by side.

Cases (one step = forward, backward and Adam(1e-3) update on one batch of 128 random
undirected graphs with 20-40 nodes, 16 node features, binary labels; cross-entropy on logits):

* ``topk_batch128``: GCN(64, relu) -> TopKPool(ratio 0.5, tanh gate) -> GCN(64, relu) ->
  global mean -> Dense(2); PyG: ``GCNConv``, ``TopKPooling(ratio=0.5)``, ``GCNConv``,
  ``global_mean_pool``, ``Linear``.
* ``diffpool_batch128``: GCN(64, relu) -> DiffPool(8 clusters, 64 units, relu, link and entropy
  losses added to the loss) -> mean over clusters -> Dense(2); PyG: ``GCNConv``,
  ``to_dense_batch``/``to_dense_adj``, two ``DenseGCNConv`` (assignment 8, embedding 64, relu),
  ``dense_diff_pool`` (its link + entropy losses added), mean, ``Linear``.
* ``gcn2_batch128`` (reference, no pooling): GCN(64) -> GCN(64) -> mean -> Dense(2) on both
  sides; the difference to ``topk_batch128`` is what the pooling layer costs.

Fairness: the same batches (``--batches`` different ones, cycled in the same order on both
sides), the same initial weights (copied from Keras into PyTorch, which also gives
``max_abs_err`` between the two inference forward passes), the same optimizer, the same
thread count everywhere (``tf.config.threading`` intra- and inter-op, ``torch.set_num_threads``,
``torch.set_num_interop_threads``, ``OMP_NUM_THREADS``). kextras is timed through
``model.train_on_batch`` (the compiled Keras step that ``fit`` runs), PyG through the usual
``zero_grad / forward / backward / step`` loop. After a warm-up, ``--repeats`` rounds of
``--steps`` steps alternate between the two (ABBA order, so a drift in machine load hits
both equally); reported: median ms/step of each side with the interquartile range, the ratio
of the medians, and the median and IQR of the per-round ratios (the figure that is robust to a
loaded machine).

Usage: ``python3 benchmarks/bench_graph_pool_speed.py [--quick] [--threads N] [--cases ...]``
(needs ``pip install -r benchmarks/requirements-graph.txt``). One JSON object per line.
"""

import json
import os
import platform

from _timing import interleaved, speed_parser, summary  # benchmarks/_timing.py

P = speed_parser(__doc__.split("\n")[0], "topk_batch128,diffpool_batch128,gcn2_batch128")
P.add_argument("--batches", type=int, default=None,
               help="distinct batches, cycled (default 4; 2 with --quick)")
P.add_argument("--omp-wait-policy", default="PASSIVE",
               help="OMP_WAIT_POLICY of PyTorch's OpenMP threads (ACTIVE spin-waits, which is "
                    "pathologically slow on a loaded machine)")
ARGS = P.parse_args()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_WAIT_POLICY"] = ARGS.omp_wait_policy

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)

import keras  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torch_geometric  # noqa: E402
from torch_geometric.nn import DenseGCNConv, TopKPooling, global_mean_pool  # noqa: E402
from torch_geometric.nn import GCNConv as PygGCN  # noqa: E402
from torch_geometric.nn import dense_diff_pool  # noqa: E402
from torch_geometric.utils import to_dense_adj, to_dense_batch  # noqa: E402

torch.set_num_threads(ARGS.threads)
torch.set_num_interop_threads(ARGS.threads)

from kextras_graph.layers import DiffPool, GCNConv, GlobalMeanPool, TopKPool  # noqa: E402


FEATURES, HIDDEN, CLUSTERS, GRAPHS = 16, 64, 8, 128


def random_batch(seed, n_graphs=GRAPHS):
    rng = np.random.default_rng(seed)
    xs, es, ys = [], [], []
    for _ in range(n_graphs):
        n = int(rng.integers(20, 41))
        m = 2 * n
        s, t = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = s != t
        pairs = np.unique(np.stack([np.minimum(s, t), np.maximum(s, t)], 1)[keep], axis=0)
        es.append(np.concatenate([pairs, pairs[:, ::-1]]).astype(np.int32))
        xs.append(rng.normal(size=(n, FEATURES)).astype(np.float32))
        ys.append(int(rng.integers(0, 2)))
    return xs, es, np.array(ys)


def keras_inputs(xs, es):
    nodes = tf.RaggedTensor.from_row_lengths(np.concatenate(xs), [len(x) for x in xs])
    edges = tf.RaggedTensor.from_row_lengths(np.concatenate(es), [len(e) for e in es])
    return {"nodes": nodes, "edges": edges}


def torch_inputs(xs, es):
    offsets = np.cumsum([0] + [len(x) for x in xs[:-1]])
    edge_index = np.concatenate([e + o for e, o in zip(es, offsets)]).T
    batch = np.concatenate([np.full(len(x), g) for g, x in enumerate(xs)])
    return (torch.from_numpy(np.concatenate(xs)), torch.from_numpy(edge_index.astype(np.int64)),
            torch.from_numpy(batch.astype(np.int64)))


def keras_model(kind):
    nodes = keras.Input(shape=(None, FEATURES), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = GCNConv(HIDDEN, activation="relu", name="gcn1")([nodes, edges])
    if kind == "topk":
        hp, ep, _ = TopKPool(ratio=0.5, name="pool")([h, edges])
        hp = GCNConv(HIDDEN, activation="relu", name="gcn2")([hp, ep])
    elif kind == "gcn2":
        hp = GCNConv(HIDDEN, activation="relu", name="gcn2")([h, edges])
    else:
        hp, _, _, _ = DiffPool(CLUSTERS, units=HIDDEN, activation="relu", name="pool")([h, edges])
    r = GlobalMeanPool()(hp)
    out = keras.layers.Dense(2, name="out")(r)
    model = keras.Model({"nodes": nodes, "edges": edges}, out)
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


class PygTopK(torch.nn.Module):
    def __init__(self, pool=True):
        super().__init__()
        self.gcn1, self.gcn2 = PygGCN(FEATURES, HIDDEN), PygGCN(HIDDEN, HIDDEN)
        self.pool = TopKPooling(HIDDEN, ratio=0.5) if pool else None
        self.out = torch.nn.Linear(HIDDEN, 2)

    def forward(self, x, edge_index, batch):
        h = F.relu(self.gcn1(x, edge_index))
        if self.pool is not None:
            h, edge_index, _, batch, _, _ = self.pool(h, edge_index, batch=batch)
        h = F.relu(self.gcn2(h, edge_index))
        return self.out(global_mean_pool(h, batch, size=GRAPHS)), 0.0


class PygDiffPool(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gcn1 = PygGCN(FEATURES, HIDDEN)
        self.assign = DenseGCNConv(HIDDEN, CLUSTERS)
        self.embed = DenseGCNConv(HIDDEN, HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, 2)

    def forward(self, x, edge_index, batch):
        h = F.relu(self.gcn1(x, edge_index))
        hd, mask = to_dense_batch(h, batch, batch_size=GRAPHS)
        adj = to_dense_adj(edge_index, batch, batch_size=GRAPHS)
        s = self.assign(hd, adj, mask)
        z = F.relu(self.embed(hd, adj, mask))
        xp, _, link, ent = dense_diff_pool(z, adj, s, mask)
        return self.out(xp.mean(1)), link + ent


def copy_weights(model, net, kind):
    def lin(torch_lin, kernel, bias):
        torch_lin.weight.data = torch.from_numpy(kernel.T.copy())
        if bias is not None:
            torch_lin.bias.data = torch.from_numpy(bias.copy())

    def gcn(torch_gcn, layer):
        torch_gcn.lin.weight.data = torch.from_numpy(layer.kernel.numpy().T.copy())
        torch_gcn.bias.data = torch.from_numpy(layer.bias.numpy().copy())

    gcn(net.gcn1, model.get_layer("gcn1"))
    if kind in ("topk", "gcn2"):
        gcn(net.gcn2, model.get_layer("gcn2"))
    if kind == "topk":
        net.pool.select.weight.data = torch.from_numpy(
            model.get_layer("pool").kernel.numpy()[:, 0][None].copy())
    elif kind == "diffpool":
        pool = model.get_layer("pool")
        net.assign.lin.weight.data = torch.from_numpy(pool.pool_kernel.numpy().T.copy())
        net.assign.bias.data = torch.from_numpy(pool.pool_bias.numpy().copy())
        net.embed.lin.weight.data = torch.from_numpy(pool.embed_kernel.numpy().T.copy())
        net.embed.bias.data = torch.from_numpy(pool.embed_bias.numpy().copy())
    lin(net.out, *[w.numpy() for w in model.get_layer("out").weights])


def run_case(case, repeats, steps, warmup):
    kind = case.split("_")[0]
    keras.utils.set_random_seed(0)
    torch.manual_seed(0)
    data = [random_batch(seed) for seed in range(ARGS.batches or (2 if ARGS.quick else 4))]
    kin = [(keras_inputs(xs, es), tf.constant(ys)) for xs, es, ys in data]
    tin = [(torch_inputs(xs, es), torch.from_numpy(ys)) for xs, es, ys in data]
    model = keras_model(kind)
    net = PygDiffPool() if kind == "diffpool" else PygTopK(pool=kind == "topk")
    copy_weights(model, net, kind)
    net.eval()
    with torch.no_grad():
        ref = net(*tin[0][0])[0].numpy()
    err = float(np.abs(model(kin[0][0], training=False).numpy() - ref).max())
    net.train()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    counters = {"k": 0, "t": 0}

    def torch_step():
        inputs, y = tin[counters["t"] % len(tin)]
        counters["t"] += 1
        opt.zero_grad()
        logits, aux = net(*inputs)
        loss = F.cross_entropy(logits, y) + aux
        loss.backward()
        opt.step()

    def keras_step():
        inputs, y = kin[counters["k"] % len(kin)]
        counters["k"] += 1
        model.train_on_batch(inputs, y)

    for _ in range(warmup * len(data)):  # tracing, caches, allocator
        keras_step()
        torch_step()
    times = interleaved(keras_step, torch_step, repeats, steps)
    n_params_k = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    n_params_t = int(sum(p.numel() for p in net.parameters()))
    return {"bench": "graph_pool_speed", "case": case, "unit": "ms/step",
            **summary(*times, competitor="pyg"), "max_abs_err": err,
            "params_kextras": n_params_k, "params_pyg": n_params_t,
            "threads": ARGS.threads, "repeats": repeats, "steps": steps,
            "batches": len(data), "nodes_per_batch": int(np.mean([sum(map(len, d[0])) for d in data])),
            "edges_per_batch": int(np.mean([sum(map(len, d[1])) for d in data]))}


def main():
    repeats = ARGS.repeats or (10 if ARGS.quick else 40)
    steps = ARGS.steps or (2 if ARGS.quick else 3)
    warmup = 1 if ARGS.quick else 3
    print(json.dumps({"bench": "graph_pool_speed_env", "python": platform.python_version(),
                      "tensorflow": tf.__version__, "keras": keras.__version__,
                      "torch": torch.__version__, "torch_geometric": torch_geometric.__version__,
                      "threads": ARGS.threads, "cpu_count": os.cpu_count(),
                      "omp_wait_policy": ARGS.omp_wait_policy,
                      "load_average_1min": os.getloadavg()[0]}), flush=True)
    for case in ARGS.cases.split(","):
        row = run_case(case, repeats, steps, warmup)
        row["load_average_1min"] = os.getloadavg()[0]
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
