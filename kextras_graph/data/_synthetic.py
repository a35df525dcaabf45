"""A degree-corrected stochastic block model with class-dependent features, vectorised.

Each node ``i`` has a class ``c_i`` (uniform over ``num_classes``) and a degree propensity
``theta_i`` drawn from a Pareto law, ``P(theta > t) = t^{-(gamma - 1)}`` (``t >= 1``, capped at
``sqrt(num_nodes)``), so degrees have a power-law tail of exponent ``gamma``
(Karrer & Newman, 2011). An undirected edge picks its first end with probability
``theta_i / sum(theta)``, then the class of its other end: the same class with probability
``homophily``, otherwise one of the other classes uniformly, and inside that class a node with
probability proportional to ``theta``. Self loops and repeated pairs are dropped and every edge
is stored in both directions. Features: ``x_i = mu_{c_i} + eps_i``, ``mu_c ~ N(0, signal^2 I)``,
``eps_i ~ N(0, I)``, so both the features and the neighbours carry the class.
"""

from __future__ import annotations

import numpy as np

from kextras import validation as v
from kextras_graph.data._store import GraphStore, sorted_unique

_CHUNK = 1 << 22


def synthetic_sbm(num_nodes, num_edges, *, num_classes=47, num_features=100, homophily=0.8,
                  degree_exponent=2.5, feature_signal=0.15, train_fraction=0.08, val_fraction=0.02,
                  seed=0) -> GraphStore:
    """Generate a large node-classification graph.

    ogbn-products' size (2.4M nodes, 62M directed edges, 100 features) takes minutes and a peak
    of 2.5 GiB (``benchmarks/bench_graph_sampling.py --parts scale``, docs/graph/large-graphs.md).

    Args:
        num_nodes: number of nodes ``N``.
        num_edges: directed edges wanted (both directions of ``num_edges // 2`` undirected
            draws; dropped self loops and repeats make the result slightly smaller).
        num_classes: classes ``C`` (default 47, as ogbn-products).
        num_features: feature size (default 100).
        homophily: fraction of edges inside a class, in ``[0, 1]`` (default 0.8).
        degree_exponent: power-law exponent ``gamma > 2`` of the degrees (default 2.5).
        feature_signal: standard deviation of the class means (default 0.15).
        train_fraction: fraction of the nodes, drawn at random, in the ``"train"`` split
            (default 0.08).
        val_fraction: fraction of the nodes in the ``"val"`` split (default 0.02); the
            nodes left over form ``"test"`` (``train_fraction + val_fraction <= 1``).
        seed: integer seed; the same seed gives the same graph.

    Returns:
        A :class:`GraphStore` (float32 ``x``, int32 ``y`` and ``indices``, splits
        ``"train"``, ``"val"``, ``"test"``).
    """
    n = v.positive_int("num_nodes", num_nodes)
    m = v.non_negative_int("num_edges", num_edges) // 2
    c = v.integer("num_classes", num_classes, minimum=2)
    f = v.positive_int("num_features", num_features)
    h = v.rate("homophily", homophily, include_one=True)
    gamma = v.real("degree_exponent", degree_exponent, minimum=2, include_minimum=False)
    signal = v.real("feature_signal", feature_signal, minimum=0)
    train = v.rate("train_fraction", train_fraction, include_one=True)
    val = v.rate("val_fraction", val_fraction, include_one=True)
    if train + val > 1:
        raise ValueError(f"`train_fraction + val_fraction` must be at most 1. "
                         f"Received: train_fraction={train}, val_fraction={val}")
    rng = np.random.default_rng(v.non_negative_int("seed", seed))

    y = rng.integers(0, c, size=n).astype(np.int32)
    theta = np.minimum((1.0 - rng.random(n)) ** (-1.0 / (gamma - 1.0)), max(np.sqrt(n), 1.0))
    order = np.argsort(y, kind="stable")
    cum = np.cumsum(theta[order])
    bounds = np.searchsorted(y[order], np.arange(c + 1))  # class k occupies order[bounds[k]:bounds[k+1]]
    lower = np.where(bounds[:-1] > 0, cum[np.maximum(bounds[:-1] - 1, 0)], 0.0)
    mass = cum[np.maximum(bounds[1:] - 1, 0)] - lower
    keys = []
    for start in range(0, m, _CHUNK):
        k = min(_CHUNK, m - start)
        pos = np.minimum(np.searchsorted(cum, rng.random(k) * cum[-1], side="right"), n - 1)
        a = order[pos]
        other = (y[a] + rng.integers(1, c, size=k)) % c
        cls = np.where(rng.random(k) < h, y[a], other)
        pos = np.searchsorted(cum, lower[cls] + rng.random(k) * mass[cls], side="right")
        pos = np.clip(pos, bounds[cls], np.maximum(bounds[cls + 1] - 1, bounds[cls]))
        b = order[np.minimum(pos, n - 1)]
        keep = (a != b) & (mass[cls] > 0)
        a, b = a[keep].astype(np.int64), b[keep].astype(np.int64)
        keys += [b * n + a, a * n + b]  # key = target * N + source, both directions
    key = sorted_unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
    del keys
    indptr = np.searchsorted(key, np.arange(n + 1, dtype=np.int64) * n)
    indices = (key % n).astype(np.int32)
    del key

    mu = (rng.standard_normal((c, f)) * signal).astype(np.float32)
    x = np.empty((n, f), dtype=np.float32)
    for start in range(0, n, _CHUNK // 4):
        stop = min(start + _CHUNK // 4, n)
        x[start:stop] = rng.standard_normal((stop - start, f), dtype=np.float32)
        x[start:stop] += mu[y[start:stop]]
    perm = rng.permutation(n)
    n_train, n_val = int(round(train * n)), int(round(val * n))
    splits = {"train": np.sort(perm[:n_train]), "val": np.sort(perm[n_train:n_train + n_val]),
              "test": np.sort(perm[n_train + n_val:])}
    return GraphStore(indptr, indices, x, y, splits=splits)
