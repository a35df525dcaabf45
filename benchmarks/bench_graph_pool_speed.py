"""Training speed of kextras_graph pooling models vs PyTorch Geometric on CPU, side by side.

Cases (one step = forward, backward and Adam update on a batch of 128 random undirected
graphs with 20-40 nodes, 16 node features, binary labels):

* ``topk_batch128``: GCN(64) -> TopKPool(ratio 0.5) -> GCN(64) -> global mean -> Dense(2);
  PyG: ``GCNConv``, ``TopKPooling`` (tanh gate), ``GCNConv``, ``global_mean_pool``, ``Linear``.
* ``diffpool_batch128``: GCN(64) -> DiffPool(8 clusters, 64 units) -> mean over clusters ->
  Dense(2) with both auxiliary losses; PyG: ``GCNConv``, two ``DenseGCNConv`` (assignment,
  embedding) on ``to_dense_adj``, ``dense_diff_pool``, mean, ``Linear``.

Both models get the same initial weights (copied from Keras into PyTorch), which also gives
``max_abs_err`` between the two inference forward passes (logits). kextras is timed through
``model.train_on_batch`` (the compiled Keras step that ``fit`` runs), PyG through the usual
``zero_grad / forward / backward / step`` loop; rounds alternate and medians are reported
in ms per step. Needs ``pip install -r benchmarks/requirements-graph.txt``.

Usage: ``python3 benchmarks/bench_graph_pool_speed.py [--quick] [--threads N]``.
"""

import argparse
import json
import os
import statistics
import time

P = argparse.ArgumentParser(description=__doc__.split("\n")[0])
P.add_argument("--quick", action="store_true", help="fewer repetitions (< 2 minutes)")
P.add_argument("--threads", type=int, default=os.cpu_count() or 1)
P.add_argument("--cases", default="topk_batch128,diffpool_batch128")
ARGS = P.parse_args()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)

import keras  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch_geometric.nn import DenseGCNConv, TopKPooling, global_mean_pool  # noqa: E402
from torch_geometric.nn import GCNConv as PygGCN  # noqa: E402
from torch_geometric.nn import dense_diff_pool  # noqa: E402
from torch_geometric.utils import to_dense_adj, to_dense_batch  # noqa: E402

torch.set_num_threads(ARGS.threads)

from kextras_graph.layers import GCNConv, GlobalMeanPool  # noqa: E402
from kextras_graph.layers.diff_pool import DiffPool  # noqa: E402
from kextras_graph.layers.topk_pool import TopKPool  # noqa: E402

FEATURES, HIDDEN, CLUSTERS = 16, 64, 8


def random_batch(seed, n_graphs=128):
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
        r = GlobalMeanPool()(hp)
    else:
        hp, _, _, _ = DiffPool(CLUSTERS, units=HIDDEN, activation="relu", name="pool")([h, edges])
        r = GlobalMeanPool()(hp)
    out = keras.layers.Dense(2, name="out")(r)
    model = keras.Model({"nodes": nodes, "edges": edges}, out)
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


class PygTopK(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gcn1, self.gcn2 = PygGCN(FEATURES, HIDDEN), PygGCN(HIDDEN, HIDDEN)
        self.pool = TopKPooling(HIDDEN, ratio=0.5)
        self.out = torch.nn.Linear(HIDDEN, 2)

    def forward(self, x, edge_index, batch):
        h = F.relu(self.gcn1(x, edge_index))
        h, ei, _, b, _, _ = self.pool(h, edge_index, batch=batch)
        h = F.relu(self.gcn2(h, ei))
        return self.out(global_mean_pool(h, b)), 0.0


class PygDiffPool(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gcn1 = PygGCN(FEATURES, HIDDEN)
        self.assign = DenseGCNConv(HIDDEN, CLUSTERS)
        self.embed = DenseGCNConv(HIDDEN, HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, 2)

    def forward(self, x, edge_index, batch):
        h = F.relu(self.gcn1(x, edge_index))
        hd, mask = to_dense_batch(h, batch)
        adj = to_dense_adj(edge_index, batch)
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
    pool = model.get_layer("pool")
    if kind == "topk":
        gcn(net.gcn2, model.get_layer("gcn2"))
        net.pool.select.weight.data = torch.from_numpy(pool.kernel.numpy()[:, 0][None].copy())
    else:
        net.assign.lin.weight.data = torch.from_numpy(pool.pool_kernel.numpy().T.copy())
        net.assign.bias.data = torch.from_numpy(pool.pool_bias.numpy().copy())
        net.embed.lin.weight.data = torch.from_numpy(pool.embed_kernel.numpy().T.copy())
        net.embed.bias.data = torch.from_numpy(pool.embed_bias.numpy().copy())
    lin(net.out, *[w.numpy() for w in model.get_layer("out").weights])


def run_case(kind, repeats, steps):
    keras.utils.set_random_seed(0)
    torch.manual_seed(0)
    xs, es, ys = random_batch(0)
    kin, tin = keras_inputs(xs, es), torch_inputs(xs, es)
    y_tf, y_t = tf.constant(ys), torch.from_numpy(ys)
    model = keras_model(kind)
    net = PygTopK() if kind == "topk" else PygDiffPool()
    copy_weights(model, net, kind)
    net.eval()
    with torch.no_grad():
        ref = net(*tin)[0].numpy()
    err = float(np.abs(model(kin, training=False).numpy() - ref).max())
    net.train()
    opt = torch.optim.Adam(net.parameters(), 1e-3)

    def torch_step():
        opt.zero_grad()
        logits, aux = net(*tin)
        loss = F.cross_entropy(logits, y_t) + aux
        loss.backward()
        opt.step()

    def keras_step():
        model.train_on_batch(kin, y_tf)

    for _ in range(3):  # warm up (tracing)
        keras_step()
        torch_step()
    k_times, t_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            keras_step()
        k_times.append((time.perf_counter() - start) / steps)
        start = time.perf_counter()
        for _ in range(steps):
            torch_step()
        t_times.append((time.perf_counter() - start) / steps)
    k, t = statistics.median(k_times), statistics.median(t_times)
    return {"bench": "graph_pool_speed", "case": f"{kind}_batch128", "unit": "ms/step",
            "kextras_ms": 1e3 * k, "pyg_ms": 1e3 * t, "kextras_s": k, "pyg_s": t,
            "ratio": k / t, "max_abs_err": err, "threads": ARGS.threads,
            "nodes": int(sum(len(x) for x in xs)), "torch": torch.__version__}


def main():
    repeats, steps = (3, 5) if ARGS.quick else (7, 20)
    for case in ARGS.cases.split(","):
        print(json.dumps(run_case(case.split("_")[0], repeats, steps)), flush=True)


if __name__ == "__main__":
    main()
