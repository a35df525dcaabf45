"""Graph classification on networkx's graph atlas: flat readout vs hierarchical pooling.

No download: ``networkx.graph_atlas_g()`` lists every graph with up to 7 nodes. We keep the
connected ones with at least 3 nodes (994 graphs) and predict a structural property that
the degree sequence does not determine:

* ``k4``: the graph contains a 4-clique (35% positive). A classifier that sees only the
  edge count and the degree sequence can reach at most 87.5% (the "degree oracle": the
  majority label per degree sequence, fitted on all graphs).
* ``triangles``: the graph has at least 4 triangles (57% positive; degree oracle 93.7%).

Node features are constant (1.0), so every model has to read the structure. Models share
a GIN backbone (hidden 32): ``flat`` (3 GIN layers, sum readout), and ``topk``, ``sag``,
``diffpool``, ``mincut`` (2 GIN layers, a pooling layer, one more GIN/GINE layer on the
pooled graph, sum readouts of both levels concatenated). Accuracy on a stratified 20% test
split, mean and standard deviation over seeds.

Run: ``python3 benchmarks/bench_graph_atlas.py [--quick] [--task k4|triangles]
[--seeds 3] [--epochs 40]``. Prints one JSON object per line.
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kextras_graph.layers import GINConv, GINEConv, GlobalSumPool  # noqa: E402
from kextras_graph.layers.diff_pool import DiffPool  # noqa: E402
from kextras_graph.layers.mincut_pool import MinCutPool  # noqa: E402
from kextras_graph.layers.sag_pool import SAGPool  # noqa: E402
from kextras_graph.layers.topk_pool import TopKPool  # noqa: E402

MODELS = ("flat", "topk", "sag", "diffpool", "mincut")


def atlas_task(task="k4"):
    """Returns ``(graphs, labels, degree_oracle_accuracy)``; graphs are dicts with
    ``nodes [n, 1]`` (ones) and ``edges [2m, 2]`` (both directions)."""
    from collections import defaultdict

    graphs, labels, keys = [], [], []
    for g in nx.graph_atlas_g():
        if g.number_of_nodes() < 3 or not nx.is_connected(g):
            continue
        if task == "k4":
            label = max(len(c) for c in nx.find_cliques(g)) >= 4
        elif task == "triangles":
            label = sum(nx.triangles(g).values()) // 3 >= 4
        else:
            raise ValueError(f"`task` must be 'k4' or 'triangles'. Received: task={task!r}")
        edges = np.array(list(g.edges()), dtype=np.int32).reshape(-1, 2)
        edges = np.concatenate([edges, edges[:, ::-1]])
        graphs.append({"nodes": np.ones((g.number_of_nodes(), 1), np.float32),
                       "edges": edges})
        labels.append(float(label))
        keys.append((g.number_of_edges(), tuple(sorted(d for _, d in g.degree()))))
    groups = defaultdict(list)
    for key, y in zip(keys, labels):
        groups[key].append(y)
    oracle = sum(max(sum(v), len(v) - sum(v)) for v in groups.values()) / len(labels)
    return graphs, np.array(labels, np.float32), oracle


def build_model(kind, hidden=32):
    nodes = keras.Input(shape=(None, 1), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")

    def gin(x, e):
        return GINConv([hidden, hidden], activation="relu")([x, e])

    h = gin(nodes, edges)
    h = gin(h, edges)
    if kind == "flat":
        h = gin(h, edges)
        readout = GlobalSumPool()(h)
    else:
        if kind in ("topk", "sag"):
            layer = TopKPool(ratio=0.5) if kind == "topk" else SAGPool(ratio=0.5)
            hp, ep, _ = layer([h, edges])
            hp = gin(hp, ep)
        else:
            layer = DiffPool(4, units=hidden) if kind == "diffpool" else MinCutPool(4)
            hp, ep, wp, _ = layer([h, edges])
            hp = GINEConv([hidden, hidden], activation="relu")([hp, ep, wp])
        readout = keras.layers.Concatenate()([GlobalSumPool()(h), GlobalSumPool()(hp)])
    out = keras.layers.Dense(hidden, activation="relu")(readout)
    out = keras.layers.Dense(1, activation="sigmoid")(out)
    return keras.Model({"nodes": nodes, "edges": edges}, out)


def _dataset(graphs, labels, idx, batch_size, shuffle, seed):
    from kextras_graph.data import graph_dataset

    return graph_dataset([graphs[i] for i in idx], labels[idx], batch_size=batch_size,
                         shuffle=shuffle, seed=seed)


def split(labels, seed, test_fraction=0.2):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in (0.0, 1.0):
        idx = rng.permutation(np.nonzero(labels == c)[0])
        n_test = int(round(test_fraction * len(idx)))
        test += idx[:n_test].tolist()
        train += idx[n_test:].tolist()
    return np.array(sorted(train)), np.array(sorted(test))


def run(kind, graphs, labels, seed, epochs, batch_size=32, lr=5e-3):
    keras.utils.set_random_seed(seed)
    train, test = split(labels, seed)
    model = build_model(kind)
    model.compile(keras.optimizers.Adam(lr), "binary_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(_dataset(graphs, labels, train, batch_size, True, seed), epochs=epochs,
              verbose=0)
    seconds = time.perf_counter() - start
    _, acc = model.evaluate(_dataset(graphs, labels, test, 256, False, None), verbose=0)
    _, train_acc = model.evaluate(_dataset(graphs, labels, train, 256, False, None), verbose=0)
    return float(acc), float(train_acc), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 seed, 3 epochs, flat and topk only")
    parser.add_argument("--task", choices=["k4", "triangles"], default="k4")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args(argv)
    seeds, epochs = (1, 3) if args.quick else (args.seeds, args.epochs)
    models = "flat,topk" if args.quick else args.models
    graphs, labels, oracle = atlas_task(args.task)
    print(json.dumps({"bench": "graph_atlas", "case": f"{args.task}/dataset",
                      "graphs": len(graphs), "positive_fraction": float(labels.mean()),
                      "degree_oracle_accuracy": oracle}), flush=True)
    for kind in models.split(","):
        results = [run(kind, graphs, labels, seed, epochs) for seed in range(seeds)]
        accs = [r[0] for r in results]
        print(json.dumps({
            "bench": "graph_atlas", "case": f"{args.task}/{kind}", "seeds": seeds,
            "epochs": epochs, "test_accuracy_mean": float(np.mean(accs)),
            "test_accuracy_std": float(np.std(accs)), "test_accuracies": accs,
            "train_accuracy_mean": float(np.mean([r[1] for r in results])),
            "kextras_s": float(np.median([r[2] for r in results])),
        }), flush=True)


if __name__ == "__main__":
    main()
