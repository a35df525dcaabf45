"""Taylor-mode derivatives of MLPs: all requested partial derivatives from one batched forward pass.

For a chain of ``Dense`` layers with elementwise activations the derivatives of
every layer output with respect to the inputs are carried along with its value
("forward Laplacian", Li et al. 2023; Taylor mode). With ``z_a`` the derivative
``d^|a| z / dx_a`` for a multi-index ``a`` (a sorted tuple of coordinate indices):

* ``Dense``: ``h = z W + b``, ``h_a = z_a W``;
* activation ``s`` (Faa di Bruno over the set partitions ``P`` of the positions of ``a``):
  ``s(h)_a = sum_P s^(|P|)(h) prod_{B in P} h_{a_B}``; e.g.
  ``s(h)_i = s'(h) h_i``, ``s(h)_ij = s''(h) h_i h_j + s'(h) h_ij``.

The multi-indices carried are the requested ones and all their sub-multi-indices
(the set is closed downwards). Activations with closed-form derivatives of every
order: linear, tanh, sigmoid, sin, silu/swish, exact gelu. Anything else, or a
network that is not such a chain, is not recognised (:func:`mlp_chain` returns
``None``) and the caller falls back to nested gradient tapes.

Output transform ``u = T(x, N(x))``: the jets of ``N`` give its Taylor polynomial
around each point, ``N~(x) = sum_a N_a (x - x0)^a / a!`` (``x0`` a copy of ``x``
that the tapes do not watch); ``N~`` and ``N`` agree in every carried derivative
at ``x = x0``, so nested tapes through the cheap ``T(x, N~(x))`` give the exact
derivatives of ``u``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import keras
import numpy as np
import tensorflow as tf

__all__ = ["mlp_chain", "closure", "network_jets", "composed"]


# --------------------------------------------------------------------------
# activations: value and derivatives of every order in closed form
# --------------------------------------------------------------------------
def _poly_chain(p0, dp, order):
    """Coefficients (NumPy, lowest first) of ``s^(k) = P_k(s)`` when ``s' = dp(s)``."""
    polys = [np.asarray(p0, float)]
    for _ in range(order):
        p = polys[-1]
        deriv = np.polynomial.polynomial.polyder(p) if p.size > 1 else np.zeros(1)
        polys.append(np.polynomial.polynomial.polymul(deriv, dp))
    return polys


def _horner(coeffs, t):
    if len(coeffs) == 1:
        return tf.zeros_like(t) + coeffs[0]
    out = t * coeffs[-1]
    for c in coeffs[-2:0:-1]:
        out = (out + c) * t if c else out * t
    return out + coeffs[0] if coeffs[0] else out


def _tanh(h, order):
    # tanh' = 1 - t^2, tanh'' = -2 t tanh' (few ops: this is the common case)
    t = tf.tanh(h)
    out = [1.0 - t * t]
    if order >= 2:
        out.append(-2.0 * t * out[0])
    polys = _poly_chain([0.0, 1.0], [1.0, 0.0, -1.0], order)
    return out + [_horner(p, t) for p in polys[3:]]


def _sigmoid_derivs(h, order):
    s = tf.sigmoid(h)
    out = [s]
    if order >= 1:
        out.append(s * (1.0 - s))
    if order >= 2:
        out.append(out[1] * (1.0 - 2.0 * s))
    polys = _poly_chain([0.0, 1.0], [0.0, 1.0, -1.0], order)
    return out + [_horner(p, s) for p in polys[3:]]


def _sigmoid(h, order):
    return _sigmoid_derivs(h, order)[1:]


def _silu(h, order):
    # (h s)^(k) = h s^(k) + k s^(k-1)
    s = _sigmoid_derivs(h, order)
    return [h * s[k] + k * s[k - 1] for k in range(1, order + 1)]


def _sin(h, order):
    sin, cos = tf.sin(h), tf.cos(h)
    return [(cos, -sin, -cos, sin)[(k - 1) % 4] for k in range(1, order + 1)]


def _gelu(h, order):
    # gelu = h Phi(h); Phi^(j) = (-1)^(j-1) He_{j-1}(h) phi(h); gelu^(k) = h Phi^(k) + k Phi^(k-1)
    phi = tf.exp(-0.5 * tf.square(h)) / math.sqrt(2 * math.pi)
    big_phi = [0.5 * (1.0 + tf.math.erf(h / math.sqrt(2.0)))]
    for j in range(1, order + 1):
        he = np.polynomial.hermite_e.herme2poly([0.0] * (j - 1) + [1.0])
        big_phi.append((-1.0) ** (j - 1) * _horner(he, h) * phi)
    return [h * big_phi[k] + k * big_phi[k - 1] for k in range(1, order + 1)]


def _linear(h, order):
    return [tf.ones_like(h)] + [None] * (order - 1)


def _activation(fn):
    """The derivative rule of a known activation function, or ``None``."""
    if fn is None or fn is keras.activations.linear:
        return _linear
    if fn is keras.activations.tanh or fn is tf.tanh or fn is keras.ops.tanh:
        return _tanh
    if fn is keras.activations.sigmoid or fn is tf.sigmoid or fn is keras.ops.sigmoid:
        return _sigmoid
    if fn is tf.sin or fn is keras.ops.sin:
        return _sin
    if fn is keras.activations.silu or fn is tf.nn.silu or fn is keras.ops.silu:
        return _silu
    if fn is keras.activations.gelu:  # Keras' default is the exact (erf) form
        return _gelu
    return None


# --------------------------------------------------------------------------
# recognising a network
# --------------------------------------------------------------------------
def mlp_chain(net):
    """``[(layer, activation, rule), ...]`` for a recognised MLP, else ``None``.

    Recognised: a plain ``keras.layers.Dense`` or a ``keras.Sequential`` of
    ``Dense`` and ``Activation`` layers, with activations of this module, no
    LoRA, quantization or activity regularizer.
    """
    if type(net) is keras.layers.Dense:
        layers = [net]
    elif type(net) is keras.Sequential:
        layers = [layer for layer in net.layers if type(layer) is not keras.layers.InputLayer]
    else:
        return None
    chain = []
    for layer in layers:
        if type(layer) is keras.layers.Dense:
            if getattr(layer, "lora_enabled", False) or getattr(layer, "quantization_mode", None):
                return None
        elif type(layer) is not keras.layers.Activation:
            return None
        if getattr(layer, "activity_regularizer", None) is not None or not layer.built:
            return None
        rule = _activation(layer.activation)
        if rule is None:
            return None
        chain.append((layer, layer.activation, rule))
    return chain or None


# --------------------------------------------------------------------------
# propagation
# --------------------------------------------------------------------------
def closure(orders):
    """The sorted set of all sub-multi-indices (``()`` included) of the given multi-indices."""
    out = {()}
    for o in orders:
        for k in range(1, len(o) + 1):
            out.update(tuple(sorted(c)) for c in itertools.combinations(o, k))
    return sorted(out, key=lambda a: (len(a), a))


def _set_partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _set_partitions(rest):
        yield [[first]] + part
        for i in range(len(part)):
            yield part[:i] + [[first] + part[i]] + part[i + 1 :]


def _faa_di_bruno(a):
    """``{(k, blocks): count}``: the terms ``s^(k)(h) prod_B h_B`` of ``s(h)_a``."""
    terms = Counter()
    for part in _set_partitions(list(range(len(a)))):
        blocks = tuple(sorted(tuple(sorted(a[p] for p in block)) for block in part))
        terms[(len(part), blocks)] += 1
    return sorted(terms.items())


def _dense(layer, z, keys):
    # transposed layout (features x points): h^T = W^T z^T, measured ~1.5x faster than
    # z W for thin layers on CPU; one matmul per multi-index
    w = tf.cast(tf.convert_to_tensor(layer.kernel), layer.compute_dtype)
    out = {a: None if z[a] is None else tf.matmul(w, z[a], transpose_a=True) for a in keys}
    if layer.use_bias:
        out[()] = out[()] + tf.cast(tf.convert_to_tensor(layer.bias), layer.compute_dtype)[:, None]
    return out


def _activate(fn, rule, h, keys, order, tables):
    out = {(): fn(h[()])}
    if rule is _linear:
        return {**h, **out}
    if order == 0:
        return out
    ds = rule(h[()], order)
    for a in keys[1:]:
        total = None
        for (k, blocks), count in tables[a]:
            factors = [h[b] for b in blocks]
            if ds[k - 1] is None or any(f is None for f in factors):
                continue
            term = ds[k - 1]
            for f in factors:
                term = term * f
            if count != 1:
                term = term * count
            total = term if total is None else total + term
        out[a] = total
    return out


def network_jets(chain, x, keys):
    """``{a: d^|a| N / dx_a}`` for every multi-index of ``keys`` (closed downwards, ``()`` first).

    Values are ``[n, m]`` tensors, ``[1, m]`` where constant in ``x``, or ``None``
    where identically zero.
    """
    dtype = chain[0][0].compute_dtype
    x = tf.cast(x, dtype)
    d = x.shape[-1]
    eye = tf.eye(d, dtype=dtype)
    z = {(): tf.transpose(x)}  # [d, n]: the layers work on transposed values (see _dense)
    for a in keys[1:]:
        z[a] = eye[:, a[0] : a[0] + 1] if len(a) == 1 else None
    order = max(len(a) for a in keys)
    tables = {a: _faa_di_bruno(a) for a in keys[1:]}
    for layer, fn, rule in chain:
        if type(layer) is keras.layers.Dense:
            z = _dense(layer, z, keys)
        z = _activate(fn, rule, z, keys, order, tables)
    return {a: None if v is None else tf.transpose(v) for a, v in z.items()}


def composed(transform, jets, x0):
    """``x -> T(x, N~(x))`` with ``N~`` the Taylor polynomial of the jets around ``x0`` (module docstring)."""

    def u(x):
        dx = x - x0
        cols = {j: dx[:, j : j + 1] for a in jets for j in a}
        y = jets[()]
        for a, value in jets.items():
            if value is None or not a:
                continue
            scale = math.prod(math.factorial(p) for p in Counter(a).values())
            term = value if scale == 1 else value * (1.0 / scale)
            for j in a:  # products, not pow (whose gradient takes log(0))
                term = term * cols[j]
            y = y + term
        return transform(x, y)

    return u
