"""Graph demo: a 2-layer GCN (Kipf & Welling) trained on the embedded Cora dataset.

Run ``python3 examples/demo_graph.py [outdir]``; ``make demo`` calls ``main(outdir)``.
Prints the test accuracy on the Planetoid split and saves the training curves
(``graph_cora_training.png``) to ``outdir``.
"""

from __future__ import annotations

import pathlib
import sys
import time

import keras
import numpy as np

import kextras_graph  # noqa: F401  (registers the graph layers)
from kextras_graph import data as gd
from kextras_graph import layers as gl


def build_gcn(n_features: int, n_classes: int) -> keras.Model:
    nodes = keras.Input(shape=(None, n_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = gl.NodeDropout(0.5)(nodes)
    h = gl.GCNConv(16, activation="relu", kernel_regularizer=keras.regularizers.l2(2.5e-4))([h, edges])
    h = gl.NodeDropout(0.5)(h)
    h = gl.GCNConv(n_classes)([h, edges])
    # One graph per batch: Reshape turns the ragged [1, (n), C] output into a dense [1, n, C].
    logits = keras.layers.Reshape((-1, n_classes))(h)
    return keras.Model({"nodes": nodes, "edges": edges}, logits, name="gcn_cora")


def main(outdir: pathlib.Path) -> None:
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(0)

    cora = gd.load_cora()
    x = cora.x / np.maximum(cora.x.sum(axis=1, keepdims=True), 1)  # row-normalized features
    cora = gd.NodeClassificationData(**{**cora.__dict__, "x": x.astype("float32")})
    print(f"Cora: {cora.num_nodes} nodes, {cora.edges.shape[0]} directed edges, {cora.num_features} features, "
          f"{cora.num_classes} classes; train/val/test = {len(cora.train_index)}/{len(cora.val_index)}/{len(cora.test_index)}")

    model = build_gcn(cora.num_features, cora.num_classes)
    model.compile(
        keras.optimizers.Adam(0.01),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
        weighted_metrics=["accuracy"],
    )
    start = time.perf_counter()
    history = model.fit(
        cora.dataset("train"), validation_data=cora.dataset("val"), epochs=200, verbose=0
    ).history
    seconds = time.perf_counter() - start
    test = model.evaluate(cora.dataset("test"), verbose=0, return_dict=True)
    print(f"GCN trained for 200 epochs in {seconds:.1f} s; "
          f"val accuracy {history['val_accuracy'][-1]:.3f}, test accuracy {test['accuracy']:.3f} "
          "(Kipf & Welling report 0.815)")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(history["loss"], label="train")
    ax1.plot(history["val_loss"], label="validation")
    ax1.set(xlabel="epoch", ylabel="masked cross-entropy", title="GCN on Cora: loss")
    ax1.legend()
    ax2.plot(history["accuracy"], label="train")
    ax2.plot(history["val_accuracy"], label="validation")
    ax2.axhline(test["accuracy"], color="k", ls="--", lw=1, label=f"test (final) {test['accuracy']:.3f}")
    ax2.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1.02))
    ax2.legend(loc="lower right")
    fig.tight_layout()
    path = outdir / "graph_cora_training.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"saved {path}")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "demo_output"))
