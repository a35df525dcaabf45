"""Node-level tasks in ``Sequential`` (dict style, ended by ``NodeOutput``): test accuracy.

* ``graphconv``: ``GraphConv(16, "relu"), GraphConv(C), NodeOutput()``, raw features, no
  dropout, Adam lr 0.01, loss ``SparseCategoricalCrossentropy(from_logits=True)``.
* ``gcn``: ``NodeDropout(0.5), GCNConv(16, "relu"), NodeDropout(0.5), GCNConv(C),
  NodeOutput()``, raw features, Adam lr 0.01, loss reduction ``mean_with_sample_weight``.

On ``load_karate_club()`` (train: the 2 leaders, test: the other 32) and ``load_cora()``
(Planetoid split), ``--epochs`` epochs (default 200) of full-batch ``fit`` on
``dataset("train")``, accuracy after the last epoch. Seeds 0..``--seeds``-1 (default 5);
mean, min and max over seeds.

Usage: ``python3 benchmarks/bench_graph_node_tasks.py [--seeds N] [--epochs E]``.
Prints one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

import kextras_graph  # noqa: E402,F401
from kextras_graph import data as gd  # noqa: E402
from kextras_graph import layers as gl  # noqa: E402


def make(model, num_classes):
    if model == "graphconv":
        layers = [gl.GraphConv(16, activation="relu"), gl.GraphConv(num_classes)]
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    else:
        layers = [gl.NodeDropout(0.5), gl.GCNConv(16, activation="relu"), gl.NodeDropout(0.5),
                  gl.GCNConv(num_classes)]
        loss = keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight")
    net = keras.Sequential(layers + [gl.NodeOutput()])
    net.compile(keras.optimizers.Adam(0.01), loss, weighted_metrics=["accuracy"])
    return net


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args()
    for data in (gd.load_karate_club(), gd.load_cora()):
        for model in ("graphconv", "gcn"):
            train, test, seconds = [], [], []
            for seed in range(args.seeds):
                keras.utils.set_random_seed(seed)
                net = make(model, data.num_classes)
                start = time.perf_counter()
                net.fit(data.dataset("train"), epochs=args.epochs, verbose=0)
                seconds.append(time.perf_counter() - start)
                train.append(net.evaluate(data.dataset("train"), verbose=0, return_dict=True)["accuracy"])
                test.append(net.evaluate(data.dataset("test"), verbose=0, return_dict=True)["accuracy"])
            print(json.dumps({
                "dataset": data.name, "model": model, "epochs": args.epochs,
                "seeds": list(range(args.seeds)),
                "train_accuracy": [round(a, 4) for a in train],
                "test_accuracy": [round(a, 4) for a in test],
                "test_mean": round(statistics.mean(test), 4),
                "test_min": round(min(test), 4), "test_max": round(max(test), 4),
                "fit_seconds_mean": round(statistics.mean(seconds), 2),
            }), flush=True)


if __name__ == "__main__":
    main()
