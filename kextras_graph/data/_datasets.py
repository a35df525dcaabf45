"""Small embedded datasets (no download): Cora (Planetoid split) and Zachary's karate club."""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import tensorflow as tf

_SPLITS = ("train", "val", "test")


@dataclasses.dataclass(frozen=True)
class NodeClassificationData:
    """One graph with node features, node labels and a train/val/test split.

    Attributes:
        name: dataset name.
        x: node features, ``float32`` ``[n_nodes, n_features]`` (dense).
        edges: ``int64`` ``[n_edges, 2]``, source -> target (undirected graphs hold both directions).
        y: integer node labels ``[n_nodes]``.
        train_index: node indices of each split (``int64``).
        val_index: node indices of each split (``int64``).
        test_index: node indices of each split (``int64``).
        num_classes: number of label classes.
    """

    name: str
    x: np.ndarray
    edges: np.ndarray
    y: np.ndarray
    train_index: np.ndarray
    val_index: np.ndarray
    test_index: np.ndarray
    num_classes: int

    @property
    def num_nodes(self) -> int:
        return int(self.x.shape[0])

    @property
    def num_features(self) -> int:
        return int(self.x.shape[1])

    def inputs(self, *, dtype="float32", edge_dtype="int32") -> dict:
        """The graph as a ragged batch of one: ``{"nodes": [1, (n), F], "edges": [1, (e), 2]}``."""
        from kextras_graph.data._batch import ragged_batch

        return ragged_batch([{"nodes": self.x, "edges": self.edges}], dtype=dtype, edge_dtype=edge_dtype)

    def index(self, split: str) -> np.ndarray:
        """Node indices of ``split`` (``"train"``, ``"val"`` or ``"test"``)."""
        if split not in _SPLITS:
            raise ValueError(f"`split` must be one of {_SPLITS}. Received: split={split!r}")
        return getattr(self, f"{split}_index")

    def mask(self, split: str) -> np.ndarray:
        """Boolean mask ``[n_nodes]`` of the nodes in ``split``."""
        mask = np.zeros(self.num_nodes, dtype=bool)
        mask[self.index(split)] = True
        return mask

    def dataset(self, split: str = "train", *, dtype="float32", edge_dtype="int32") -> tf.data.Dataset:
        """A one-element ``tf.data.Dataset`` ``(inputs, y, sample_weight)`` for full-batch training.

        The whole graph is one batch of one graph: ``inputs`` as :meth:`inputs`, ``y`` the
        labels ``[1, n_nodes]`` (int64) and ``sample_weight`` ``[1, n_nodes]``, 1.0 on the nodes
        of ``split`` and 0.0 elsewhere. A model whose output is ``[1, n_nodes, num_classes]``
        (end a ``Sequential`` of graph layers with ``kextras_graph.layers.NodeOutput()``, or a
        functional model on one graph with ``keras.layers.Reshape((-1, num_classes))``) then
        trains and evaluates on that split only with ``fit`` / ``evaluate`` and
        ``weighted_metrics``.
        """
        weight = self.mask(split).astype(tf.as_dtype(dtype).as_numpy_dtype)[None]
        return tf.data.Dataset.from_tensors(
            (self.inputs(dtype=dtype, edge_dtype=edge_dtype), self.y.astype(np.int64)[None], weight)
        )

    def to_networkx(self):
        """The graph as a ``networkx.Graph`` (node attributes ``x`` and ``y``)."""
        import networkx as nx

        g = nx.Graph()
        for i in range(self.num_nodes):
            g.add_node(i, x=self.x[i], y=int(self.y[i]))
        g.add_edges_from(self.edges.tolist())
        return g


def load_cora() -> NodeClassificationData:
    """Cora citation graph with the standard Planetoid split (embedded, no download).

    2708 papers, 1433 binary bag-of-words features, 7 classes, 10556 directed edges
    (5278 undirected citation links in both directions), 140 training nodes (20 per
    class), 500 validation and 1000 test nodes (Yang et al., 2016; Kipf & Welling, 2017).
    Features are raw (not row-normalized).
    """
    with resources.files("kextras_graph.data").joinpath("cora_planetoid.npz").open("rb") as fh:
        with np.load(fh, allow_pickle=False) as d:
            arrays = {k: d[k] for k in d.files}
    n, f = (int(v) for v in arrays["x_shape"])
    x = np.zeros((n, f), dtype=np.float32)
    indptr, indices = arrays["x_indptr"], arrays["x_indices"]
    rows = np.repeat(np.arange(n), np.diff(indptr))
    x[rows, indices] = arrays["x_data"]
    y = arrays["y"].astype(np.int64)
    return NodeClassificationData(
        name="cora",
        x=x,
        edges=arrays["edges"].astype(np.int64),
        y=y,
        train_index=arrays["train_index"].astype(np.int64),
        val_index=arrays["val_index"].astype(np.int64),
        test_index=arrays["test_index"].astype(np.int64),
        num_classes=int(y.max()) + 1,
    )


def load_karate_club() -> NodeClassificationData:
    """Zachary's karate club (from networkx): 34 members, 78 friendships, 2 factions.

    Node features are one-hot node ids (``[34, 34]``); labels are the faction after the
    split (0 = ``"Mr. Hi"``, 1 = ``"Officer"``); edges hold both directions (156). The
    semi-supervised split trains on the two leaders (nodes 0 and 33), validates on no
    node and tests on the other 32.
    """
    import networkx as nx

    g = nx.karate_club_graph()
    nodes = sorted(g.nodes)
    y = np.array([0 if g.nodes[i]["club"] == "Mr. Hi" else 1 for i in nodes], dtype=np.int64)
    und = np.array(sorted(g.edges), dtype=np.int64)
    edges = np.concatenate([und, und[:, ::-1]], axis=0)
    edges = edges[np.lexsort((edges[:, 1], edges[:, 0]))]
    train = np.array([0, 33], dtype=np.int64)
    return NodeClassificationData(
        name="karate_club",
        x=np.eye(len(nodes), dtype=np.float32),
        edges=edges,
        y=y,
        train_index=train,
        val_index=np.zeros(0, dtype=np.int64),
        test_index=np.setdiff1d(np.arange(len(nodes)), train).astype(np.int64),
        num_classes=2,
    )
