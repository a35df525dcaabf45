"""Independent NumPy references (per graph, dense adjacency) for the extra convolutions."""

import math

import numpy as np


def adjacency(n, edges, mask=None):
    """``A[t, s]`` = number of edges ``s -> t`` (only the edges where ``mask``)."""
    a = np.zeros((n, n))
    for m, (s, t) in enumerate(edges):
        if mask is None or mask[m]:
            a[t, s] += 1
    return a


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def cheb(x, edges, kernel, bias, lambda_max=2.0):
    n = len(x)
    a = adjacency(n, edges)
    np.fill_diagonal(a, 0)
    deg = a.sum(0)  # out-degree (a[t, s] counts s -> t), as PyG get_laplacian
    inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
    lap = np.eye(n) - inv[:, None] * a * inv[None, :]
    lhat = 2 * lap / lambda_max - np.eye(n)
    ts = [x, lhat @ x]
    for _ in range(2, len(kernel)):
        ts.append(2 * lhat @ ts[-1] - ts[-2])
    return sum(t @ w for t, w in zip(ts, kernel)) + bias


def gcn_matrix(n, edges):
    a = adjacency(n, edges) + np.eye(n)
    deg = a.sum(1)
    inv = np.where(deg > 0, 1 / np.sqrt(np.where(deg > 0, deg, 1)), 0)
    return inv[:, None] * a * inv[None, :]


def appnp(x, edges, k, alpha):
    p = gcn_matrix(len(x), edges)
    z = x
    for _ in range(k):
        z = (1 - alpha) * p @ z + alpha * x
    return z


def gated(x, edges, kernel, wx, wh, bx, bh):
    n, u = len(x), kernel.shape[1]
    a = adjacency(n, edges)
    h = np.concatenate([x, np.zeros((n, u - x.shape[1]))], 1)
    for w in kernel:
        m = a @ (h @ w)
        gx, gh = m @ wx + bx, h @ wh + bh
        z = sigmoid(gx[:, :u] + gh[:, :u])
        r = sigmoid(gx[:, u:2 * u] + gh[:, u:2 * u])
        cand = np.tanh(gx[:, 2 * u:] + r * gh[:, 2 * u:])
        h = z * h + (1 - z) * cand
    return h


def rgcn(x, edges, relations, kernels, root, bias, aggregate="mean"):
    n = len(x)
    out = x @ root + bias
    for r, w in enumerate(kernels):
        a = adjacency(n, edges, mask=relations == r)
        if aggregate == "mean":
            a = a / np.maximum(a.sum(1, keepdims=True), 1)
        out = out + a @ x @ w
    return out


def ssp(v):
    return np.log1p(np.exp(v)) - math.log(2.0)


def schnet(x, edges, dist, f0, c0, f1, c1, w_in, w_out, b_out, num_rbf, cutoff):
    n = len(x)
    mu = np.linspace(0, cutoff, num_rbf)
    gamma = 0.5 / (cutoff / (num_rbf - 1)) ** 2
    h = x @ w_in
    agg = np.zeros((n, h.shape[1]))
    for m, (s, t) in enumerate(edges):
        d = dist[m]
        e = np.exp(-gamma * (d - mu) ** 2)
        w = ssp(e @ f0 + c0) @ f1 + c1
        c = 0.5 * (np.cos(np.pi * d / cutoff) + 1) if d < cutoff else 0.0
        agg[t] += h[s] * w * c
    return agg @ w_out + b_out
