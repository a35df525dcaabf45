"""NeighborSampler: GraphSAGE-style neighbour-sampled mini-batches as a ``tf.data`` pipeline.

For a batch of seed nodes and fan-outs ``[k_1, ..., k_L]``, hop ``l`` draws for every node
first reached at hop ``l - 1`` (the seeds at hop 1) up to ``k_l`` of its in-neighbours and
adds the edges ``neighbour -> node``. The mini-batch is the union of the sampled edges: one
subgraph whose first ``num_seeds`` nodes are the seeds, the next ones the nodes first reached
at hop 1, then hop 2, ... (Hamilton et al., 2017; the layout of PyG's ``NeighborLoader``).
Every step is vectorised NumPy over all rows of a hop: no Python loop per node.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import tensorflow as tf

from kextras import validation as v
from kextras_graph.data._store import as_store, sorted_unique


def sample_neighbors(indptr, indices, nodes, fanout, replace, rng):
    """Sample up to ``fanout`` in-neighbours of each of ``nodes``.

    Without replacement a node of in-degree ``d`` gets ``min(fanout, d)`` distinct edges
    (all of them when ``d <= fanout``; else a uniform ``fanout``-subset by Floyd's
    algorithm, vectorised over rows); with replacement it gets ``fanout`` edges drawn
    uniformly (none when ``d = 0``).

    Returns:
        ``(rows, sources)``: for each sampled edge the position of its target in ``nodes``
        and its source node (global id), both ``int64``.
    """
    start = indptr[nodes].astype(np.int64)
    deg = indptr[nodes + 1].astype(np.int64) - start
    if replace:
        rows = np.repeat(np.arange(nodes.size), np.where(deg > 0, fanout, 0))
        offset = rng.integers(0, deg[rows]) if rows.size else rows
        return rows, indices[start[rows] + offset].astype(np.int64)
    small = np.flatnonzero(deg <= fanout)
    counts = deg[small]
    rows_all = np.repeat(small, counts)
    first = np.cumsum(counts) - counts
    offset_all = np.arange(rows_all.size) - np.repeat(first, counts)
    large = np.flatnonzero(deg > fanout)
    d = deg[large]
    chosen = np.empty((large.size, fanout), dtype=np.int64)
    for i in range(fanout if large.size else 0):  # Floyd: a uniform fanout-subset of range(d)
        j = d - fanout + i
        t = rng.integers(0, j + 1)
        if i:
            t = np.where((chosen[:, :i] == t[:, None]).any(axis=1), j, t)
        chosen[:, i] = t
    rows = np.concatenate([rows_all, np.repeat(large, fanout)])
    offset = np.concatenate([offset_all, chosen.ravel()])
    return rows, indices[start[rows] + offset].astype(np.int64)


@dataclasses.dataclass(frozen=True)
class SampledSubgraph:
    """One sampled mini-batch (NumPy arrays).

    Attributes:
        node_ids: global id of each subgraph node ``[n]`` (int64); seeds first.
        edges: ``[e, 2]`` int32 edges (source, target) in local ids (positions in ``node_ids``).
        num_seeds: the first ``num_seeds`` nodes are the seed nodes.
        hop_sizes: nodes first reached at each hop (``num_seeds`` at hop 0), ``[L + 1]``.
        hop_edge_sizes: edges sampled at each hop ``1..L`` (into the nodes of the hop before),
            ``[L]``; the edges are in that order.
    """

    node_ids: np.ndarray
    edges: np.ndarray
    num_seeds: int
    hop_sizes: np.ndarray
    hop_edge_sizes: np.ndarray

    @property
    def num_nodes(self) -> int:
        return int(self.node_ids.size)

    def seed_mask(self) -> np.ndarray:
        """``[n]`` boolean, True on the seed nodes."""
        mask = np.zeros(self.num_nodes, dtype=bool)
        mask[: self.num_seeds] = True
        return mask


class NeighborSampler:
    """Neighbour-sampled mini-batches of a :class:`GraphStore`.

    Args:
        store: the :class:`GraphStore`.
        fanouts: neighbours sampled per node at each hop, e.g. ``[15, 10, 5]`` (one hop per
            message-passing layer of the model).
        replace: sample with replacement (default ``False``: distinct edges).
        seed: integer seed; the same seed gives the same batches in every epoch sequence.

    ``sample(seeds)`` returns one :class:`SampledSubgraph`; ``dataset(...)`` the
    ``tf.data.Dataset`` that ``model.fit`` takes.
    """

    def __init__(self, store, fanouts, *, replace=False, seed=None):
        self.store = as_store(store)
        self.fanouts = v.int_list("fanouts", fanouts, minimum=1, allow_scalar=False)
        self.replace = v.boolean("replace", replace)
        self.seed = None if seed is None else v.non_negative_int("seed", seed)
        self._scratch = threading.local()

    def _local_ids(self):
        """A per-thread ``[num_nodes]`` map global -> local id, all -1 between calls."""
        buf = getattr(self._scratch, "local", None)
        if buf is None:
            buf = self._scratch.local = np.full(self.store.num_nodes, -1, dtype=np.int64)
        return buf

    def sample(self, seeds, *, seed=None) -> SampledSubgraph:
        """Sample the subgraph of a batch of (distinct) seed nodes; ``seed`` fixes the draw."""
        seeds = self.store.index(seeds)
        if sorted_unique(seeds).size != seeds.size:
            raise ValueError(f"`seeds` must be distinct node indices. Received: {seeds.size} seeds with duplicates")
        rng = np.random.default_rng(seed if seed is not None else self.seed)
        return self._sample(seeds, rng)

    def _sample(self, seeds, rng):
        store = self.store
        local = self._local_ids()
        parts, srcs, dsts, sizes = [seeds], [], [], [seeds.size]
        local[seeds] = np.arange(seeds.size)
        frontier, offset, n = seeds, 0, seeds.size
        try:
            for fanout in self.fanouts:
                rows, nb = sample_neighbors(store.indptr, store.indices, frontier, fanout, self.replace, rng)
                cand = nb[local[nb] < 0]
                # Deduplicate the new nodes in O(m): each distinct id keeps the position that won the write.
                local[cand] = np.arange(cand.size)
                new = cand[local[cand] == np.arange(cand.size)]
                local[new] = np.arange(n, n + new.size)
                srcs.append(local[nb])
                dsts.append(rows + offset)
                parts.append(new)
                sizes.append(new.size)
                frontier, offset, n = new, n, n + new.size
            node_ids = np.concatenate(parts)
        finally:
            for p in parts:
                local[p] = -1
        edges = np.stack([np.concatenate(srcs), np.concatenate(dsts)], axis=1).astype(np.int32)
        return SampledSubgraph(node_ids, edges, int(seeds.size), np.array(sizes, dtype=np.int64),
                               np.array([d.size for d in dsts], dtype=np.int64))

    # ------------------------------------------------------------------ tf.data
    def dataset(self, seeds="train", *, batch_size=1024, shuffle=True, drop_remainder=False,
                num_parallel_calls=tf.data.AUTOTUNE, prefetch=tf.data.AUTOTUNE, input_context=None,
                with_node_ids=False, hop_counts=False, dtype="float32", edge_dtype="int32") -> tf.data.Dataset:
        """A ``tf.data.Dataset`` of sampled mini-batches for ``model.fit``.

        Each element is ``(inputs, y, sample_weight)``: ``inputs`` a ragged batch of one
        graph ``{"nodes": [1, (n), F], "edges": [1, (e), 2]}`` (the format of every kextras
        layer), ``y`` the labels ``[1, n]`` (int64) and ``sample_weight`` ``[1, n]``, 1.0 on
        the seed nodes and 0.0 on the sampled neighbours, so a loss with
        ``reduction="mean_with_sample_weight"`` and ``weighted_metrics`` count the seeds only.
        ``with_node_ids=True`` appends the global ids ``[1, n]`` (int64) as a fourth element.

        ``hop_counts=True`` is for a model that trims each layer's input with
        :class:`TrimToLayer` and outputs the seed nodes only: ``inputs`` then also holds
        ``"hop_nodes"`` ``[1, L + 1]`` and ``"hop_edges"`` ``[1, L]`` (int32, the
        :class:`SampledSubgraph`'s ``hop_sizes`` and ``hop_edge_sizes``), and ``y`` and
        ``sample_weight`` cover the seeds only, ``[1, num_seeds]``.

        Args:
            seeds: a split name of the store (default ``"train"``), node indices or a mask.
            batch_size: seed nodes per mini-batch (per worker). Default 1024.
            shuffle: reshuffle the seeds every epoch (reproducible with the sampler's seed).
            drop_remainder: drop the last, smaller batch.
            num_parallel_calls: mini-batches sampled in parallel by ``Dataset.map``
                (default ``tf.data.AUTOTUNE``).
            prefetch: mini-batches prefetched ahead of the model (default
                ``tf.data.AUTOTUNE``; 0 or None: no prefetch).
            input_context: a ``tf.distribute.InputContext``: this worker then gets the
                seeds ``seeds[id::num_input_pipelines]`` only (no overlap between workers).
            dtype: floating dtype of the node features and of the sample weights
                (default ``"float32"``).
            edge_dtype: integer dtype of the edge indices (default ``"int32"``).
        """
        seeds = self.store.index(seeds)
        if sorted_unique(seeds).size != seeds.size:
            raise ValueError(f"`seeds` must be distinct node indices. Received: {seeds.size} seeds with duplicates")
        batch_size = v.positive_int("batch_size", batch_size)
        shuffle = v.boolean("shuffle", shuffle)
        with_node_ids = v.boolean("with_node_ids", with_node_ids)
        hop_counts = v.boolean("hop_counts", hop_counts)
        hops = len(self.fanouts)
        shard, num_shards = 0, 1
        if input_context is not None:
            shard, num_shards = int(input_context.input_pipeline_id), int(input_context.num_input_pipelines)
            seeds = seeds[shard::num_shards]
        if seeds.size == 0:
            raise ValueError(f"`seeds` must not be empty. Received: 0 seed nodes (shard {shard} of {num_shards})")
        self.store.labels(seeds)
        fdt = tf.as_dtype(dtype)
        idt = tf.as_dtype(edge_dtype)
        if not fdt.is_floating or not idt.is_integer:
            raise ValueError(f"`dtype` must be floating and `edge_dtype` integer. "
                             f"Received: dtype={dtype!r}, edge_dtype={edge_dtype!r}")
        base = self.seed
        ds = tf.data.Dataset.from_tensor_slices(seeds)
        if shuffle:
            ds = ds.shuffle(seeds.size, seed=None if base is None else base + shard, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size, drop_remainder=v.boolean("drop_remainder", drop_remainder))
        keys = tf.data.Dataset.random(seed=None if base is None else base + 7919 * (shard + 1),
                                      rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, keys))
        features = self.store.num_features

        def load(batch_seeds, key):
            sub = self._sample(batch_seeds, np.random.default_rng(int(key) & 0x7FFFFFFFFFFFFFFF))
            x = np.take(self.store.x, sub.node_ids, axis=0).astype(fdt.as_numpy_dtype, copy=False)
            y = np.maximum(self.store.y[sub.node_ids], 0).astype(np.int64)
            w = sub.seed_mask().astype(fdt.as_numpy_dtype)
            hop_n, hop_e = sub.hop_sizes.astype(np.int32), sub.hop_edge_sizes.astype(np.int32)
            if hop_counts:
                y, w = y[: sub.num_seeds], w[: sub.num_seeds]
            return x, sub.edges.astype(idt.as_numpy_dtype, copy=False), y, w, sub.node_ids, hop_n, hop_e

        def to_batch(batch_seeds, key):
            x, e, y, w, ids, hop_n, hop_e = tf.numpy_function(
                load, [batch_seeds, key], [fdt, idt, tf.int64, fdt, tf.int64, tf.int32, tf.int32], stateful=False)
            x.set_shape([None, features])
            e.set_shape([None, 2])
            n = tf.shape(x, out_type=tf.int64)[:1]
            inputs = {"nodes": tf.RaggedTensor.from_row_lengths(x, n, validate=False),
                      "edges": tf.RaggedTensor.from_row_lengths(e, tf.shape(e, out_type=tf.int64)[:1], validate=False)}
            if hop_counts:
                inputs["hop_nodes"] = tf.reshape(hop_n, [1, hops + 1])
                inputs["hop_edges"] = tf.reshape(hop_e, [1, hops])
            out = (inputs, tf.reshape(y, [1, -1]), tf.reshape(w, [1, -1]))
            return out + (tf.reshape(ids, [1, -1]),) if with_node_ids else out

        ds = ds.map(to_batch, num_parallel_calls=num_parallel_calls, deterministic=True)
        return ds.prefetch(prefetch) if prefetch else ds

    def __repr__(self):
        return f"NeighborSampler(fanouts={self.fanouts}, replace={self.replace}, seed={self.seed}, store={self.store!r})"
