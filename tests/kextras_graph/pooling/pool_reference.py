"""Independent NumPy references (per graph, dense adjacency) for the pooling layers."""

import math

import numpy as np
import tensorflow as tf


def adjacency(n, edges):
    """``A[t, s]`` = number of edges ``s -> t``."""
    a = np.zeros((n, n))
    for s, t in edges:
        a[t, s] += 1
    return a


def softmax(z):
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def gcn_propagation(n, edges):
    a = adjacency(n, edges) + np.eye(n)
    deg = a.sum(1)
    inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
    return inv[:, None] * a * inv[None, :]


def select(x, edges, ef, y, gate, ratio=None, k=None):
    """Top-k selection: returns (x', edges', ef', idx)."""
    n = len(x)
    kk = min(math.ceil(round(ratio * n, 9)), n) if ratio is not None else min(k, n)
    idx = np.argsort(-y, kind="stable")[:kk]
    pos = {int(i): j for j, i in enumerate(idx)}
    new_x = x[idx] * gate(y[idx])[:, None]
    keep = [m for m, (s, t) in enumerate(edges) if s in pos and t in pos]
    new_edges = np.array([[pos[edges[m][0]], pos[edges[m][1]]] for m in keep]).reshape(-1, 2)
    new_ef = None if ef is None else ef[keep].reshape(-1, ef.shape[1])
    return new_x, new_edges, new_ef, idx


def topk_scores(x, p):
    return (x @ p)[:, 0] / np.linalg.norm(p)


def sag_scores(x, edges, theta, b):
    return (gcn_propagation(len(x), edges) @ x @ theta + b)[:, 0]


def unpool(x_pooled, idx, skip, combine=None):
    up = np.zeros((len(skip), x_pooled.shape[1]))
    up[idx] = x_pooled
    if combine == "add":
        return up + skip
    if combine == "concat":
        return np.concatenate([up, skip], 1)
    return up


def all_pairs(k, a_pool):
    """Edges (s, t) t-major and their weights A'[t, s]."""
    edges = np.array([[s, t] for t in range(k) for s in range(k)])
    return edges, np.array([a_pool[t, s] for t, s in zip(edges[:, 1], edges[:, 0])])[:, None]


def diffpool(x, edges, w_pool, b_pool, w_emb=None, b_emb=None, act=lambda v: v):
    n = len(x)
    p = gcn_propagation(n, edges)
    s = softmax(p @ x @ w_pool + b_pool)
    z = x if w_emb is None else act(p @ x @ w_emb + b_emb)
    a = adjacency(n, edges)
    losses = {"link": np.linalg.norm(a - s @ s.T) / n ** 2,
              "entropy": np.mean(-np.sum(s * np.log(s + 1e-15), 1))}
    return s, s.T @ z, s.T @ a @ s, losses


def mlp_assign(x, weights):
    h = x
    for j, (w, b) in enumerate(weights):
        h = h @ w + b
        if j < len(weights) - 1:
            h = np.maximum(h, 0)
    return softmax(h)


def mincut(x, edges, weights, k):
    n = len(x)
    s = mlp_assign(x, weights)
    a = adjacency(n, edges)
    d = np.diag(a.sum(1))
    at = s.T @ a @ s
    np.fill_diagonal(at, 0)
    deg = at.sum(1)
    inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
    a_pool = inv[:, None] * at * inv[None, :]
    den = np.trace(s.T @ d @ s)
    ss = s.T @ s
    losses = {"cut": (-np.trace(s.T @ a @ s) / den) if den > 0 else None,
              "ortho": np.linalg.norm(ss / np.linalg.norm(ss) - np.eye(k) / np.sqrt(k))}
    return s, s.T @ x, a_pool, losses


def selu(v):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(v > 0, v, alpha * (np.exp(v) - 1))


def dmon(x, edges, weights, k):
    n = len(x)
    s = mlp_assign(x, weights)
    a = adjacency(n, edges)
    d = a.sum(1)
    two_m = a.sum()
    c = s / s.sum(0, keepdims=True)
    x_pool = selu(c.T @ x)
    if two_m > 0:
        b = a - np.outer(d, d) / two_m
        spectral = -np.trace(s.T @ b @ s) / two_m
    else:
        spectral = None
    collapse = np.linalg.norm(s.sum(0)) / n * np.sqrt(k) - 1
    return s, x_pool, s.T @ a @ s, {"spectral": spectral, "collapse": collapse}


def sort_pool(x, k):
    f = x.shape[1]
    out = np.zeros((k, f))
    if len(x):
        order = np.argsort(-x[:, -1], kind="stable")[:k]
        out[:len(order)] = x[order]
    return out


# ----------------------------------------------------------------------- test graphs
def random_graphs(rng, specs, f=3, fe=2, symmetric=False):
    """``specs``: list of (n_nodes, n_edges). Returns list of (x, edges, ef)."""
    graphs = []
    for n, e in specs:
        x = rng.normal(size=(n, f))
        if n == 0 or e == 0:
            edges = np.zeros((0, 2), np.int64)
        else:
            edges = rng.integers(0, n, size=(e, 2))
            if symmetric:
                edges = np.concatenate([edges, edges[:, ::-1]])
        ef = rng.normal(size=(len(edges), fe))
        graphs.append((x, edges, ef))
    return graphs


def to_ragged(graphs, dtype="float32"):
    nodes = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[0] for g in graphs]).astype(dtype), [len(g[0]) for g in graphs])
    edges = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[1] for g in graphs]).reshape(-1, 2).astype("int32"),
        [len(g[1]) for g in graphs])
    ef = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[2] for g in graphs]).astype(dtype), [len(g[2]) for g in graphs])
    return nodes, edges, ef


# Edge cases in one batch: ordinary, zero nodes, no edges, a single node, fewer nodes
# than k (k = 3 in the tests), duplicates and self loops by chance.
EDGE_CASE_SPECS = [(6, 10), (0, 0), (5, 0), (1, 1), (2, 3), (7, 14)]
