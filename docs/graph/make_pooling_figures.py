"""Draws the pictures of docs/graph/pooling.md (graphs before and after pooling).

Run: ``python3 docs/graph/make_pooling_figures.py`` (writes ``docs/graph/img/pool_*.png``).
"""

import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kextras_graph.layers.dmon_pool import DMoNPool  # noqa: E402
from kextras_graph.layers.mincut_pool import MinCutPool  # noqa: E402
from kextras_graph.layers.sag_pool import SAGPool  # noqa: E402
from kextras_graph.layers.sort_pool import SortPool  # noqa: E402
from kextras_graph.layers.topk_pool import TopKPool  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent / "img"


def _batch(g, x):
    edges = np.array(list(g.edges()), np.int32)
    edges = np.concatenate([edges, edges[:, ::-1]])
    nodes = tf.RaggedTensor.from_row_lengths(x.astype("float32"), [len(x)])
    return nodes, tf.RaggedTensor.from_row_lengths(edges, [len(edges)])


def selection_figure(layer_cls, name, title):
    g = nx.karate_club_graph()
    deg = np.array([d for _, d in g.degree()], float)
    x = np.stack([deg / deg.max(), np.ones_like(deg)], 1)
    nodes, edges = _batch(g, x)
    layer = layer_cls(ratio=0.3)
    layer([nodes, edges])
    # score = degree feature (a hand-set weight, to make the selection readable)
    layer.kernel.assign(np.array([[1.0], [0.0]], "float32"))
    new_nodes, new_edges, idx = layer([nodes, edges])
    kept = idx[0].numpy().tolist()
    pos = nx.spring_layout(g, seed=3)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    colors = ["tab:red" if v in kept else "lightgray" for v in g.nodes]
    nx.draw_networkx(g, pos, ax=axes[0], node_color=colors, node_size=220, font_size=7,
                     edge_color="gray")
    axes[0].set_title(f"before: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
                      "(red: kept)")
    sub = nx.Graph()
    sub.add_nodes_from(range(len(kept)))
    sub.add_edges_from(new_edges[0].numpy().tolist())
    labels = {j: str(v) for j, v in enumerate(kept)}
    nx.draw_networkx(sub, {j: pos[v] for j, v in enumerate(kept)}, ax=axes[1],
                     labels=labels, node_color="tab:red", node_size=220, font_size=7,
                     edge_color="gray")
    axes[1].set_title(f"after {title}: {len(kept)} nodes, {sub.number_of_edges()} edges")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(OUT / f"pool_{name}.png", dpi=90)
    plt.close(fig)


def clustering_figure(layer_cls, name, title, steps=300):
    keras.utils.set_random_seed(0)
    g = nx.planted_partition_graph(3, 8, 0.7, 0.04, seed=2)
    g = nx.relabel_nodes(g, {v: i for i, v in enumerate(g.nodes)})
    x = np.random.default_rng(0).normal(size=(g.number_of_nodes(), 8))
    # smooth the features over the graph so that the clusters can be read from them
    a = nx.to_numpy_array(g) + np.eye(g.number_of_nodes())
    x = np.linalg.matrix_power(a / a.sum(1, keepdims=True), 3) @ x
    nodes, edges = _batch(g, x)
    layer = layer_cls(3, mlp_units=[16])
    layer([nodes, edges])
    opt = keras.optimizers.Adam(0.01)
    for _ in range(steps):  # unsupervised: the auxiliary losses only
        with tf.GradientTape() as tape:
            layer([nodes, edges])
            loss = tf.add_n(layer.losses)
        grads = tape.gradient(loss, layer.trainable_weights)
        opt.apply_gradients(zip(grads, layer.trainable_weights))
    new_nodes, new_edges, weights, s = layer([nodes, edges])
    assign = s[0].numpy()
    cluster = assign.argmax(1)
    palette = np.array(["tab:blue", "tab:orange", "tab:green"])
    pos = nx.spring_layout(g, seed=1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    nx.draw_networkx(g, pos, ax=axes[0], node_color=palette[cluster].tolist(),
                     node_size=200, font_size=7, edge_color="gray")
    axes[0].set_title(f"before: {g.number_of_nodes()} nodes, colour = argmax of S")
    k = 3
    w = weights[0].numpy().reshape(k, k)  # w[t, s]
    coarse = nx.Graph()
    coarse.add_nodes_from(range(k))
    for t in range(k):
        for s_ in range(t + 1, k):
            weight = 0.5 * (w[t, s_] + w[s_, t])
            if weight > 1e-3:
                coarse.add_edge(s_, t, weight=weight)
    centers = {c: np.mean([pos[v] for v in g.nodes if cluster[v] == c] or [[0, 0]], 0)
               for c in range(k)}
    widths = [1 + 8 * d["weight"] / max(1e-9, w.max()) for _, _, d in coarse.edges(data=True)]
    sizes = 300 + 1500 * assign.sum(0) / assign.sum(0).max()
    nx.draw_networkx(coarse, centers, ax=axes[1], node_color=palette.tolist(),
                     node_size=sizes.tolist(), width=widths, edge_color="gray")
    axes[1].set_title(f"after {title}: {k} clusters (size ~ Σ S, width ~ A')")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(OUT / f"pool_{name}.png", dpi=90)
    plt.close(fig)


def sort_figure():
    g = nx.karate_club_graph()
    deg = np.array([d for _, d in g.degree()], float)
    nodes, _ = _batch(g, np.stack([np.ones_like(deg), deg], 1))
    out = SortPool(6)(nodes).numpy()[0]
    order = np.argsort(-deg, kind="stable")[:6]
    pos = nx.spring_layout(g, seed=3)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), gridspec_kw={"width_ratios": [2, 1]})
    colors = ["tab:purple" if v in order else "lightgray" for v in g.nodes]
    labels = {v: (str(int(np.nonzero(order == v)[0][0]) + 1) if v in order else "")
              for v in g.nodes}
    nx.draw_networkx(g, pos, ax=axes[0], node_color=colors, labels=labels, node_size=220,
                     font_size=8, edge_color="gray")
    axes[0].set_title("SortPool(k=6): nodes ranked by the last channel (degree)")
    axes[0].axis("off")
    axes[1].imshow(out, cmap="viridis", aspect="auto")
    axes[1].set_title("output [k, F]")
    axes[1].set_xlabel("feature")
    axes[1].set_ylabel("rank")
    fig.tight_layout()
    fig.savefig(OUT / "pool_sort.png", dpi=90)
    plt.close(fig)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    selection_figure(TopKPool, "topk", "TopKPool(ratio=0.3)")
    selection_figure(SAGPool, "sag", "SAGPool(ratio=0.3)")
    clustering_figure(MinCutPool, "mincut", "MinCutPool(3)")
    clustering_figure(DMoNPool, "dmon", "DMoNPool(3)")
    sort_figure()
    print("wrote", sorted(p.name for p in OUT.glob("pool_*.png")))


if __name__ == "__main__":
    main()
