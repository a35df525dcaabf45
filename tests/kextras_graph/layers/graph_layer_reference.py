"""Independent NumPy references (dense adjacency, per graph) and random test graphs."""

import numpy as np
import tensorflow as tf


# ------------------------------------------------------------------ graph batches
def random_graph(rng, n, e, self_loops=True, duplicates=True):
    """Edges ``[e, 2]`` on ``n`` nodes; with self loops and duplicates by construction."""
    if n == 0:
        return np.zeros((0, 2), np.int64)
    edges = rng.integers(0, n, size=(e, 2))
    if e >= 3 and self_loops:
        edges[0] = [0, 0]
    if e >= 4 and duplicates:
        edges[1] = edges[2]
    return edges


def edge_case_graphs(rng, f=3, fe=2):
    """A list of (x, edges, edge_features) covering the edge cases."""
    specs = [
        (5, 9),   # self loop + duplicate edge, some isolated nodes likely
        (0, 0),   # a graph with zero nodes
        (4, 0),   # no edges at all
        (1, 1),   # a single node with a self loop
        (6, 4),   # sparse: isolated nodes
        (3, 12),  # dense with many duplicates
    ]
    graphs = []
    for n, e in specs:
        x = rng.normal(size=(n, f))
        edges = random_graph(rng, n, e)
        ef = rng.normal(size=(len(edges), fe))
        graphs.append((x, edges, ef))
    return graphs


def to_ragged(graphs, dtype="float32", index_dtype="int32"):
    nodes = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[0] for g in graphs]).astype(dtype), [len(g[0]) for g in graphs])
    edges = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[1] for g in graphs]).reshape(-1, 2).astype(index_dtype),
        [len(g[1]) for g in graphs])
    ef = tf.RaggedTensor.from_row_lengths(
        np.concatenate([g[2] for g in graphs]).astype(dtype), [len(g[2]) for g in graphs])
    return nodes, edges, ef


def split_rows(ragged):
    return [r.numpy() for r in ragged]


# ------------------------------------------------------------------------- helpers
def adjacency(n, edges):
    """``A[t, s]`` = number of edges ``s -> t``."""
    a = np.zeros((n, n))
    for s, t in edges:
        a[t, s] += 1
    return a


def relu(x):
    return np.maximum(x, 0)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def mlp(x, weights, hidden=relu, last=lambda v: v):
    for k, (w, b) in enumerate(weights):
        x = x @ w + (0 if b is None else b)
        x = last(x) if k == len(weights) - 1 else hidden(x)
    return x


def neighbour_reduce(a, values_per_pair, reduce, dim):
    """``out[i] = reduce_{j: A[i, j] > 0} values_per_pair(i, j)``; 0 without neighbours."""
    n = a.shape[0]
    out = []
    for i in range(n):
        js = np.nonzero(a[i])[0]
        if len(js) == 0:
            out.append(None)
        else:
            out.append(reduce(np.stack([values_per_pair(i, j) for j in js]), axis=0))
    return np.stack([np.zeros(dim) if o is None else o for o in out]) if n else np.zeros((0, dim))


def aggregate_dense(a, x, how):
    n = a.shape[0]
    if n == 0:
        return np.zeros((0, x.shape[1]))
    if how == "sum":
        return a @ x
    if how == "mean":
        return (a @ x) / np.maximum(a.sum(1, keepdims=True), 1)
    reducer = {"max": np.max, "min": np.min}[how]
    return neighbour_reduce(a, lambda i, j: x[j], reducer, x.shape[1])


# ---------------------------------------------------------------------- references
def gcn(x, edges, w, b, add_self_loops=True, normalize=True):
    n = len(x)
    a = adjacency(n, edges) + (np.eye(n) if add_self_loops else 0)
    if normalize:
        deg = a.sum(1)
        inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
        a = inv[:, None] * a * inv[None, :]
    return a @ x @ w + b


def graph_conv(x, edges, w, w_root, b, how="sum"):
    a = adjacency(len(x), edges)
    return aggregate_dense(a, x, how) @ w + x @ w_root + b


def sage(x, edges, w, w_root, b, how="mean", normalize=False):
    out = graph_conv(x, edges, w, w_root, b, how)
    if normalize:
        out = out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


def gin(x, edges, weights, eps=0.0, hidden=relu):
    a = adjacency(len(x), edges)
    return mlp((1 + eps) * x + a @ x, weights, hidden=hidden)


def gine(x, edges, ef, weights, edge_w=None, edge_b=None, eps=0.0):
    e = ef if edge_w is None else ef @ edge_w + edge_b
    agg = np.zeros_like(x)
    for k, (s, t) in enumerate(edges):
        agg[t] += relu(x[s] + e[k])
    return mlp((1 + eps) * x + agg, weights)


def gat(x, edges, w, a_src, a_dst, b, heads, units, concat=True, slope=0.2, v2=False,
        w_t=None, att=None):
    n = len(x)
    a = adjacency(n, edges)
    np.fill_diagonal(a, 0)  # existing self loops removed ...
    a = a + np.eye(n)       # ... and one added per node
    z = (x @ w).reshape(n, heads, units)
    outs = []
    for h in range(heads):
        if v2:
            zt = (x @ w_t).reshape(n, heads, units)[:, h]
            pre = z[None, :, h, :] + zt[:, None, :]          # [i, j, u]
            pre = np.where(pre > 0, pre, slope * pre)
            e = pre @ att[h]
        else:
            e = (z[:, h] @ a_dst[h])[:, None] + (z[:, h] @ a_src[h])[None, :]
            e = np.where(e > 0, e, slope * e)
        e = np.where(a > 0, e, -np.inf)
        e = e - e.max(1, keepdims=True) if n else e
        p = a * np.exp(e)
        p = p / p.sum(1, keepdims=True)
        outs.append(p @ z[:, h])
    out = np.concatenate(outs, 1) if concat else np.mean(outs, 0)
    if n == 0:
        out = np.zeros((0, heads * units if concat else units))
    return out + b


def edge_conv(x, edges, weights, how="max"):
    a = adjacency(len(x), edges)
    reducer = {"max": np.max, "min": np.min, "sum": np.sum, "mean": np.mean}[how]
    units = weights[-1][0].shape[1]
    if len(x) == 0:
        return np.zeros((0, units))
    out = neighbour_reduce(a, lambda i, j: mlp(np.concatenate([x[i], x[j] - x[i]]), weights),
                           reducer, units) if how in ("max", "min") else None
    if out is None:  # sum / mean count duplicate edges
        out = np.zeros((len(x), units))
        cnt = np.zeros(len(x))
        for s, t in edges:
            out[t] += mlp(np.concatenate([x[t], x[s] - x[t]]), weights)
            cnt[t] += 1
        if how == "mean":
            out = out / np.maximum(cnt, 1)[:, None]
    return out


def nn_conv(x, edges, ef, filter_weights, w_root, b, units):
    out = x @ w_root + b
    f = x.shape[1]
    for k, (s, t) in enumerate(edges):
        theta = mlp(ef[k], filter_weights).reshape(f, units)
        out[t] += x[s] @ theta
    return out


def pool(x, how, f):
    if len(x) == 0:
        return np.zeros(f)
    return {"sum": np.sum, "mean": np.mean, "max": np.max}[how](x, axis=0)


def attention_pool(x, w, b, wg, bg):
    if len(x) == 0:
        return np.zeros(w.shape[1])
    return (sigmoid(x @ wg + bg) * (x @ w + b)).sum(0)


def set2set(x, kernel, recurrent, bias, steps):
    f = kernel.shape[0] // 2
    q_star = np.zeros(2 * f)
    h = np.zeros(f)
    c = np.zeros(f)
    for _ in range(steps):
        z = q_star @ kernel + h @ recurrent + bias
        i, fg, cc, o = np.split(z, 4)
        c = sigmoid(fg) * c + sigmoid(i) * np.tanh(cc)
        h = sigmoid(o) * np.tanh(c)
        if len(x):
            s = x @ h
            att = np.exp(s - s.max())
            att = att / att.sum()
            r = att @ x
        else:
            r = np.zeros(f)
        q_star = np.concatenate([h, r])
    return q_star
