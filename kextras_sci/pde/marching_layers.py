"""The Keras pieces of time marching, savable in one ``.keras`` file.

* :class:`LocalTime`: a network that sees the local time ``tau`` of its window;
* :class:`WindowTransform`: ``u = g(x) + (t - t_k) y``, the hard initial
  condition of a window;
* :class:`MarchingSolution`: the trained windows (their PINNs) and the window
  boundaries, a ``keras.Model`` whose ``predict`` is the piecewise solution.
  Saved with ``.save(path)`` and reloaded with ``kextras.load_model(path)``;
  reloading links window ``k``'s initial condition to window ``k - 1`` again.

For the file to reload with ``safe_mode=True``, the initial condition of the
first window must be a Keras layer or a function registered with
``keras.saving.register_keras_serializable()`` (as for
:class:`~kextras_sci.pde.OutputTransform`).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

__all__ = ["LocalTime", "WindowTransform", "MarchingSolution", "piecewise_predict"]


class LocalTime(keras.layers.Layer):
    """Wraps a network so that it sees the local time of its window.

    ``N'(x, t) = N(x, (t - t_start) / (t_end - t_start))`` (the time column,
    ``time_axis``, is rescaled to ``[0, 1]``; the other columns pass through).

    Args:
        net: the wrapped Keras model or layer.
        t_start: window start.
        t_end: window end, ``> t_start``.
        time_axis: column of ``t`` (default -1).

    Input shape: ``[n, d]``. Output shape: that of ``net``, in the layer's dtype (by
    default the dtype policy of ``net``).
    """

    def __init__(self, net, t_start, t_end, time_axis=-1, **kwargs):
        if isinstance(net, dict):
            net = keras.saving.deserialize_keras_object(net)
        # the output dtype is the layer's own; by default that of the wrapped network
        kwargs.setdefault("dtype", getattr(net, "dtype_policy", None))
        super().__init__(**kwargs)
        if not float(t_end) > float(t_start):
            raise ValueError(f"`t_end` must be greater than `t_start`. Received: t_start={t_start}, t_end={t_end}")
        self.net = net
        self.t_start, self.t_end = float(t_start), float(t_end)
        self.time_axis = int(time_axis)

    def call(self, inputs, training=False):
        x = tf.convert_to_tensor(inputs)
        if x.shape.rank != 2:
            raise ValueError(f"LocalTime expects points of shape [n, d]. Received: shape={tuple(x.shape)}")
        d = x.shape[-1]
        ax = self.time_axis % d
        tau = (x[:, ax : ax + 1] - self.t_start) / (self.t_end - self.t_start)
        x = tf.concat([x[:, :ax], tau, x[:, ax + 1 :]], axis=1)
        return tf.cast(self.net(x, training=training), self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            net=keras.saving.serialize_keras_object(self.net),
            t_start=self.t_start,
            t_end=self.t_end,
            time_axis=self.time_axis,
        )
        return config


class WindowTransform(keras.layers.Layer):
    """``u = g(x) + (t - t_start) y``: hard initial condition of one time window.

    (The factor is the physical time since the window start, so that ``y``
    is of the order of ``u_t`` whatever the window length.) ``g`` is a callable on the
    points ``[n, d]`` (only the spatial columns should matter) returning
    ``[n, m]``: the initial condition for the first window, the previous
    window's solution at ``t_start`` afterwards (``initial=None``: ``g = 0``
    until :meth:`link` sets it, as :class:`MarchingSolution` does on loading).

    Args:
        initial: ``g``, TensorFlow callable ``[n, d] -> [n, m]``, or None.
        t_start: start time of the window, where ``u = g(x)``.
        t_end: end time of the window (greater than ``t_start``).
        time_axis: column of ``t`` (default -1).

    Input shape: ``[x, y]`` with ``x`` ``[n, d]``, ``y`` ``[n, m]``. Output: ``[n, m]``.
    """

    def __init__(self, initial, t_start, t_end, time_axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(initial, dict):
            initial = keras.saving.deserialize_keras_object(initial)
        if initial is not None and not callable(initial):
            raise ValueError(f"`initial` must be callable. Received: initial={initial!r}")
        if not float(t_end) > float(t_start):
            raise ValueError(f"`t_end` must be greater than `t_start`. Received: t_start={t_start}, t_end={t_end}")
        self._initial = initial  # not tracked: frozen previous windows stay out of the weights
        self.t_start, self.t_end = float(t_start), float(t_end)
        self.time_axis = int(time_axis)

    @property
    def chained(self):
        """Whether ``g`` is the previous window (not a user initial condition)."""
        return self._initial is None or isinstance(self._initial, _AtTime)

    def link(self, previous):
        """Sets ``g(x) = previous(x with t = t_start)`` (``previous``: the PINN of the window before)."""
        self._initial = _AtTime(previous, self.t_start, self.time_axis)

    def call(self, inputs):
        x, y = inputs
        d = x.shape[-1]
        ax = self.time_axis % d
        dt = x[:, ax : ax + 1] - self.t_start
        g = tf.zeros_like(y) if self._initial is None else tf.cast(self._initial(x), y.dtype)
        if g.shape.rank == 1:
            g = g[:, None]
        return g + tf.cast(dt, y.dtype) * y

    def compute_output_spec(self, inputs):
        x, y = inputs
        return keras.KerasTensor(y.shape, dtype=y.dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            initial=None if self.chained else keras.saving.serialize_keras_object(self._initial),
            t_start=self.t_start,
            t_end=self.t_end,
            time_axis=self.time_axis,
        )
        return config


class _AtTime:
    """``x -> pinn(x with the time column set to t)`` (the previous window at its end)."""

    def __init__(self, pinn, t, time_axis):
        self.pinn, self.t, self.time_axis = pinn, float(t), time_axis

    def __call__(self, x):
        d = x.shape[-1]
        ax = self.time_axis % d
        t = tf.fill(tf.shape(x[:, ax : ax + 1]), tf.cast(self.t, x.dtype))
        return self.pinn.solution(tf.concat([x[:, :ax], t, x[:, ax + 1 :]], axis=1))


def piecewise_predict(pinns, boundaries, x, batch_size=8192):
    """``u(x)`` (NumPy) from the window PINNs: rows with ``t`` in ``[t_k, t_{k+1})`` by window ``k``."""
    x = np.asarray(x, dtype=np.float64)
    t = x[:, -1]
    t_hi = boundaries[len(pinns)]
    tol = 1e-12 * max(1.0, abs(t_hi))
    if np.any(t < boundaries[0] - tol) or np.any(t > t_hi + tol):
        raise ValueError(
            f"`x` has times outside the trained span [{boundaries[0]}, {t_hi}]. "
            f"Received: t in [{t.min()}, {t.max()}]"
        )
    idx = np.clip(np.searchsorted(boundaries, t, side="right") - 1, 0, len(pinns) - 1)
    out = None
    for k in np.unique(idx):
        sel = np.flatnonzero(idx == k)
        pinn = pinns[k]
        for s in range(0, sel.size, batch_size):
            rows = sel[s : s + batch_size]
            y = keras.ops.convert_to_numpy(pinn(tf.constant(x[rows], dtype=pinn.compute_dtype)))
            if out is None:
                out = np.empty((x.shape[0], y.shape[1]), dtype=y.dtype)
            out[rows] = y
    return out


class MarchingSolution(keras.Model):
    """The trained windows of a :class:`~kextras_sci.pde.TimeMarching`, as one savable model.

    ``predict(x)`` (NumPy) is the piecewise solution; ``call`` evaluates every
    window on all points and selects by time (differentiable, costlier).

    Args:
        windows: the window PINNs, in order (window ``k``'s output transform is
            a :class:`WindowTransform` on ``[boundaries[k], boundaries[k + 1]]``).
        boundaries: the window boundaries ``[t_0, ..., t_K]`` (``K >= len(windows)``).
    """

    def __init__(self, windows, boundaries, name="marching_solution", **kwargs):
        windows = [keras.saving.deserialize_keras_object(w) if isinstance(w, dict) else w for w in windows]
        if not windows:
            raise ValueError("`windows` must hold at least one trained window PINN.")
        super().__init__(name=name, dtype=windows[0].dtype_policy, **kwargs)
        self.windows = list(windows)
        self.boundaries = np.asarray(boundaries, dtype=np.float64)
        if self.boundaries.ndim != 1 or self.boundaries.size < len(self.windows) + 1:
            raise ValueError(f"`boundaries` must have at least {len(self.windows) + 1} times. Received: {boundaries!r}")
        for k in range(1, len(self.windows)):
            transform = self.windows[k].output_transform
            if isinstance(transform, WindowTransform) and transform.chained:
                transform.link(self.windows[k - 1])
        self.built = True

    def call(self, inputs):
        x = tf.convert_to_tensor(inputs)
        t = x[:, -1:]
        out = None
        for k, pinn in enumerate(self.windows):
            y = pinn.solution(tf.cast(x, pinn.compute_dtype))
            inside = t >= self.boundaries[k] if k else tf.ones_like(t, dtype=bool)
            out = y if out is None else tf.where(inside, y, out)
        return out

    def predict(self, x, batch_size=8192, verbose=0, **kwargs):
        """``u(x)`` for points ``[n, d]`` in the trained time span (NumPy)."""
        return piecewise_predict(self.windows, self.boundaries, x, batch_size)

    def get_config(self):
        return {
            "name": self.name,
            "windows": [keras.saving.serialize_keras_object(w) for w in self.windows],
            "boundaries": self.boundaries.tolist(),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["windows"] = [
            keras.saving.deserialize_keras_object(w, custom_objects=custom_objects) for w in config["windows"]
        ]
        return cls(**config)

    def get_build_config(self):
        return None
