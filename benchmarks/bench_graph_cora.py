"""Cora (Planetoid split) node classification accuracy of kextras_graph models.

* GCN (Kipf & Welling 2017): 2 layers, 16 hidden, ReLU, dropout 0.5, L2 weight decay 5e-4
  on the first layer, Adam lr 0.01, 200 epochs. Target: mean test accuracy >= 0.80
  (paper: 0.815).
* GAT (Velickovic et al. 2018): 8 heads x 8 hidden, ELU, dropout 0.6 on inputs and
  attention, one output head, weight decay 5e-4, Adam lr 0.005, 200 epochs.
  Target: >= 0.81 (paper: 0.830).

Features are row-normalized (as in both papers). Training is ``model.fit`` on the
embedded dataset (``kextras_graph.data.load_cora``): one full-graph batch, the train
mask as sample weights (loss reduction ``mean_with_sample_weight``). No early stopping:
the test accuracy after the last epoch is reported (``--track-val`` adds the test
accuracy at the epoch of best validation accuracy). Mean and std over ``--seeds`` seeds (default 10).

Weight decay: Kipf & Welling add ``5e-4 * sum(W**2) / 2`` (``tf.nn.l2_loss``) to the
mean loss, the same as PyTorch's Adam ``weight_decay=5e-4``; Keras
``regularizers.l2(l)`` adds ``l * sum(W**2)``, hence ``l = 2.5e-4``.

Usage: ``python3 benchmarks/bench_graph_cora.py [--quick] [--seeds N] [--models gcn,gat]``.
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
import numpy as np  # noqa: E402

import kextras_graph  # noqa: E402,F401
from kextras_graph import data as gd  # noqa: E402
from kextras_graph import layers as gl  # noqa: E402

TARGETS = {"gcn": 0.80, "gat": 0.81}
PAPER = {"gcn": 0.815, "gat": 0.830}


def row_normalize(x):
    s = x.sum(axis=1, keepdims=True)
    return (x / np.where(s == 0, 1, s)).astype(np.float32)


def gcn(n_features, n_classes):
    nodes = keras.Input(shape=(None, n_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = gl.NodeDropout(0.5)(nodes)
    h = gl.GCNConv(16, activation="relu", kernel_regularizer=keras.regularizers.l2(2.5e-4))([h, edges])
    h = gl.NodeDropout(0.5)(h)
    h = gl.GCNConv(n_classes)([h, edges])
    logits = keras.layers.Reshape((-1, n_classes))(h)  # [1, n_nodes, classes] (one graph)
    return keras.Model({"nodes": nodes, "edges": edges}, logits), 0.01


def gat(n_features, n_classes):
    nodes = keras.Input(shape=(None, n_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    reg = keras.regularizers.l2(2.5e-4)
    h = gl.NodeDropout(0.6)(nodes)
    h = gl.GATConv(8, heads=8, dropout=0.6, activation="elu", kernel_regularizer=reg)([h, edges])
    h = gl.NodeDropout(0.6)(h)
    h = gl.GATConv(n_classes, heads=1, concat=False, dropout=0.6, kernel_regularizer=reg)([h, edges])
    logits = keras.layers.Reshape((-1, n_classes))(h)
    return keras.Model({"nodes": nodes, "edges": edges}, logits), 0.005


class SplitAccuracy(keras.callbacks.Callback):
    """Records validation and test accuracy after every epoch (dropout off)."""

    def __init__(self, data, inputs):
        super().__init__()
        self.data, self.inputs, self.history = data, inputs, []

    def on_epoch_end(self, epoch, logs=None):
        pred = np.asarray(self.model(self.inputs, training=False))[0].argmax(-1)
        acc = {s: float(np.mean(pred[self.data.index(s)] == self.data.y[self.data.index(s)])) for s in ("val", "test")}
        self.history.append(acc)


def run(model_name, seed, epochs, data, track_val):
    keras.utils.set_random_seed(seed)
    model, lr = {"gcn": gcn, "gat": gat}[model_name](data.num_features, data.num_classes)
    model.compile(
        keras.optimizers.Adam(lr),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
        weighted_metrics=["accuracy"],
    )
    tracker = SplitAccuracy(data, data.inputs())
    start = time.perf_counter()
    model.fit(data.dataset("train"), epochs=epochs, verbose=0, callbacks=[tracker] if track_val else [])
    seconds = time.perf_counter() - start
    final = model.evaluate(data.dataset("test"), verbose=0, return_dict=True)["accuracy"]
    if not track_val:
        return float(final), None, seconds
    best = max(range(epochs), key=lambda e: (tracker.history[e]["val"], e))
    return float(final), tracker.history[best]["test"], seconds


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="3 seeds (< 2 minutes for the GCN)")
    p.add_argument("--seeds", type=int, default=None)
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--models", default="gcn,gat")
    p.add_argument("--track-val", action="store_true",
                   help="also report the test accuracy at the epoch of best validation accuracy (slower)")
    args = p.parse_args(argv)
    n_seeds = args.seeds or (3 if args.quick else 10)
    cora = gd.load_cora()
    data = gd.NodeClassificationData(**{**cora.__dict__, "x": row_normalize(cora.x)})
    for name in args.models.split(","):
        finals, at_best_val, times = [], [], []
        for seed in range(n_seeds):
            final, best, seconds = run(name, seed, args.epochs, data, args.track_val)
            finals.append(final)
            at_best_val.append(best)
            times.append(seconds)
        mean = statistics.mean(finals)
        print(json.dumps({
            "bench": "graph_cora",
            "case": f"{name}_cora_planetoid",
            "test_accuracy_mean": round(mean, 4),
            "test_accuracy_std": round(statistics.pstdev(finals), 4),
            "test_accuracy_all": [round(a, 4) for a in finals],
            "test_accuracy_at_best_val_mean": round(statistics.mean(at_best_val), 4) if args.track_val else None,
            "target": TARGETS[name],
            "paper": PAPER[name],
            "meets_target": mean >= TARGETS[name],
            "seeds": n_seeds,
            "epochs": args.epochs,
            "fit_seconds_median": round(statistics.median(times), 2),
        }), flush=True)


if __name__ == "__main__":
    main()
