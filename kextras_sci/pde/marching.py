"""Time marching: one PINN per time window, the initial condition chained exactly.

Long time intervals are hard for a single PINN (it tends to converge to a
trivial or wrong solution that still has a small residual: "causality"
failure). Time marching (bc-PINN, Mattey & Ghosh 2022; the time windows of
Wight & Zhao 2020 and of jaxpi, Wang et al. 2023) cuts ``[t_0, t_K]`` into
windows ``t_0 < t_1 < ... < t_K`` and trains one network per window, in
order. In window ``k`` the solution is

``u_k(x, t) = g_k(x) + (t - t_k) N_k(x, tau)``,  ``tau = (t - t_k) / (t_{k+1} - t_k)``,

with ``g_0 = u_0`` (the given initial condition) and
``g_k(x) = u_{k-1}(x, t_k)`` (the previous window's solution at the window
start, evaluated through the frozen previous PINN). The initial condition of
every window therefore holds exactly (a hard constraint, no loss term), and
the global solution is continuous at the window boundaries. The network of
window ``k`` sees the local time ``tau`` in ``[0, 1]``, so with
``warm_start=True`` (default) it starts from the previous window's weights.

Cost: ``g_k`` evaluates the ``k`` previous networks (the chain), so a
training step of window ``k`` costs about ``k + 1`` network evaluations
(the frozen ones without weight gradients): keep the number of windows
moderate (about 10).

Example (heat equation ``u_t = u_xx`` on ``[0, 1]``, ``u = 0`` at both ends)::

    geom = pde.SpaceTime(pde.Interval(0, 1), pde.TimeInterval(0, 1))
    march = pde.TimeMarching(
        geom,
        windows=4,
        build_net=lambda k: keras.Sequential([keras.Input((2,)),
                                              keras.layers.Dense(32, "tanh"),
                                              keras.layers.Dense(1)]),
        build_conditions=lambda window, k: [
            pde.PDEResidual(lambda u_t, u_xx: u_t - u_xx, window, num_points=512),
            pde.DirichletBC(window, 0.0, num_points=64),
        ],
        initial=lambda x: tf.sin(np.pi * x[:, :1]),
    )
    march.fit(epochs=5, steps_per_epoch=200)
    u = march.predict(points)            # any t in [0, 1]
"""

from __future__ import annotations

import numbers
import time

import keras
import numpy as np
import tensorflow as tf

from kextras_sci.pde.domains import SpaceTime, TimeInterval
from kextras_sci.pde.marching_layers import LocalTime, MarchingSolution, WindowTransform, piecewise_predict
from kextras_sci.pde.model import PINN

__all__ = ["TimeMarching", "LocalTime", "WindowTransform", "MarchingSolution"]


def _check_windows(windows, t0, t1):
    if isinstance(windows, numbers.Integral) and not isinstance(windows, bool):
        if windows < 1:
            raise ValueError(f"`windows` must be a positive integer or a sequence of times. Received: windows={windows!r}")
        return np.linspace(t0, t1, int(windows) + 1)
    try:
        bounds = np.asarray(windows, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"`windows` must be a positive integer or a sequence of times. Received: windows={windows!r}") from None
    if bounds.ndim != 1 or bounds.size < 2 or not np.all(np.isfinite(bounds)) or np.any(np.diff(bounds) <= 0):
        raise ValueError(
            f"`windows` must be an increasing sequence of at least 2 times. Received: windows={windows!r}"
        )
    if not (np.isclose(bounds[0], t0) and np.isclose(bounds[-1], t1)):
        raise ValueError(
            f"`windows` must start at t0={t0} and end at t1={t1} of the domain. Received: windows={windows!r}"
        )
    bounds[0], bounds[-1] = t0, t1
    return bounds


class TimeMarching:
    """Trains one :class:`~kextras_sci.pde.PINN` per time window, in order.

    Window ``k`` covers ``[t_k, t_{k+1}]``; its PINN has the output transform
    ``u = g_k(x) + (t - t_k) N_k(x, tau)`` (:class:`WindowTransform`) with ``g_0``
    the initial condition and ``g_k`` the previous window's solution at
    ``t_k`` (frozen), so initial conditions hold exactly and the solution is
    continuous in time. The network sees the local time ``tau`` in ``[0, 1]``
    (:class:`LocalTime`).

    Args:
        domain: a :class:`~kextras_sci.pde.SpaceTime` domain (time is the last
            column).
        windows: number of equal windows, or the increasing window boundaries
            ``[t_0, ..., t_K]`` (from the domain's ``t0`` to its ``t1``).
        build_net: ``k -> keras model`` mapping ``[n, d]`` (space, local time)
            to ``[n, m]``; called once per window.
        build_conditions: ``(window_domain, k) -> list of conditions`` (PDE
            residual, boundary conditions; no initial condition: it is hard).
            ``window_domain`` is the ``SpaceTime`` of window ``k``.
        initial: the initial condition ``u(x, t_0)``: a TensorFlow callable on
            points ``[n, d]`` (ignore the time column) returning ``[n, m]``.
        warm_start: start window ``k`` from the weights of window ``k - 1``
            when the shapes agree (default True).
        pinn_kwargs: extra keyword arguments of every :class:`PINN` (e.g.
            ``resample_every=1``, ``seed``; default none). ``seed`` is offset by
            ``k`` per window.

    Attributes:
        boundaries: ``float64[K + 1]`` window boundaries.
        pinns: the trained PINNs (one per window, so far).
        histories: per window, the Keras ``History`` (or what ``train_fn``
            returned).
        seconds: per window, the training wall time.
    """

    def __init__(self, domain, windows, build_net, build_conditions, initial, warm_start=True, pinn_kwargs=None):
        if not isinstance(domain, SpaceTime):
            raise ValueError(f"`domain` must be a SpaceTime domain. Received: domain={domain!r}")
        for name, fn in (("build_net", build_net), ("build_conditions", build_conditions), ("initial", initial)):
            if not callable(fn):
                raise ValueError(f"`{name}` must be callable. Received: {name}={fn!r}")
        self.domain = domain
        self.boundaries = _check_windows(windows, float(domain.time.t0), float(domain.time.t1))
        self.build_net = build_net
        self.build_conditions = build_conditions
        self.initial = initial
        self.warm_start = bool(warm_start)
        self.pinn_kwargs = dict(pinn_kwargs or {})
        for bad in ("domain", "output_transform", "conditions"):
            if bad in self.pinn_kwargs:
                raise ValueError(f"`pinn_kwargs` must not set `{bad}` (TimeMarching sets it).")
        self.pinns = []
        self.histories = []
        self.seconds = []

    @property
    def num_windows(self):
        return len(self.boundaries) - 1

    def window_domain(self, k):
        """The ``SpaceTime`` of window ``k``."""
        return SpaceTime(self.domain.space, TimeInterval(float(self.boundaries[k]), float(self.boundaries[k + 1])))

    def build_window(self, k):
        """Builds (not trains) the PINN of window ``k``; windows ``< k`` must exist."""
        if k != len(self.pinns):
            raise ValueError(
                f"Windows must be built in order: the next window is {len(self.pinns)}. Received: k={k}"
            )
        t0, t1 = float(self.boundaries[k]), float(self.boundaries[k + 1])
        net = self.build_net(k)
        # the network's output dtype decides the dtype of the wrappers (a Sequential
        # of float64 layers has a float32 policy itself but computes in float64)
        probe = net(tf.zeros((1, self.domain.dim), dtype=getattr(net, "compute_dtype", "float32")))
        dtype = tf.as_dtype(probe.dtype).name
        if self.warm_start and k > 0:
            prev = self.pinns[-1].net.net
            old, new = prev.get_weights(), net.get_weights()
            if len(old) == len(new) and all(a.shape == b.shape for a, b in zip(old, new)):
                net.set_weights(old)
        transform = WindowTransform(self.initial if k == 0 else None, t0, t1, dtype=dtype)
        if k > 0:
            self.pinns[-1].trainable = False
            transform.link(self.pinns[-1])
        kwargs = dict(self.pinn_kwargs)
        kwargs["seed"] = int(kwargs.get("seed", 0)) + k
        kwargs.setdefault("name", f"pinn_window_{k}")
        pinn = PINN(
            LocalTime(net, t0, t1, dtype=dtype),
            self.build_conditions(self.window_domain(k), k),
            domain=self.window_domain(k),
            output_transform=transform,
            **kwargs,
        )
        self.pinns.append(pinn)
        return pinn

    def fit(self, epochs=1, steps_per_epoch=100, optimizer=None, callbacks=None, train_fn=None, verbose=0, windows=None):
        """Builds and trains the windows in order.

        Args:
            epochs: per window, as in :meth:`PINN.fit`.
            steps_per_epoch: per window, as in :meth:`PINN.fit`.
            optimizer: ``k -> optimizer`` (a fresh one per window; default
                ``Adam(1e-3)``).
            callbacks: ``(pinn, k) -> list of callbacks`` (default none).
            train_fn: ``(pinn, k) -> anything``: replaces compile + fit
                entirely (e.g. Adam then :func:`~kextras_sci.pde.minimize_lbfgs`);
                what it returns is stored in :attr:`histories`.
            verbose: passed to ``fit`` (default 0).
            windows: train only the next this many windows (default: all
                remaining), so that training can be resumed or time-limited.

        Returns:
            ``self``.
        """
        remaining = self.num_windows - len(self.pinns)
        n = remaining if windows is None else min(int(windows), remaining)
        for _ in range(n):
            k = len(self.pinns)
            pinn = self.build_window(k)
            start = time.perf_counter()
            if train_fn is not None:
                out = train_fn(pinn, k)
            else:
                opt = optimizer(k) if optimizer is not None else keras.optimizers.Adam(1e-3)
                pinn.compile(opt)
                cbs = callbacks(pinn, k) if callbacks is not None else None
                out = pinn.fit(epochs=epochs, steps_per_epoch=steps_per_epoch, callbacks=cbs, verbose=verbose)
            self.seconds.append(time.perf_counter() - start)
            self.histories.append(out)
        return self

    def predict(self, x, batch_size=8192):
        """``u(x)`` for points ``[n, d]`` anywhere in the trained time span (NumPy).

        A point with ``t`` in ``[t_k, t_{k+1})`` is evaluated by window ``k``
        (the last window also takes ``t = t_K``); windows agree at their
        common boundary.
        """
        if not self.pinns:
            raise ValueError("No window is trained yet: call `fit` first.")
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.domain.dim:
            raise ValueError(f"`x` must have shape [n, {self.domain.dim}]. Received: x.shape={x.shape}")
        return piecewise_predict(self.pinns, self.boundaries, x, batch_size)

    # ------------------------------------------------------------ saving
    def to_model(self):
        """The trained windows as one :class:`MarchingSolution` (a ``keras.Model``)."""
        if not self.pinns:
            raise ValueError("No window is trained yet: call `fit` first.")
        return MarchingSolution(self.pinns, self.boundaries)

    def save(self, path):
        """Saves the trained windows in one ``.keras`` file (reload: ``kextras.load_model``,
        then :meth:`from_model` to continue training)."""
        self.to_model().save(path)

    @classmethod
    def from_model(cls, model, domain, build_net, build_conditions, warm_start=True, pinn_kwargs=None):
        """A ``TimeMarching`` resumed from a (reloaded) :class:`MarchingSolution`.

        The trained windows are kept (``pinns``); :meth:`fit` goes on with the
        next window (the last kept one stays trainable, the earlier ones are
        frozen). To train a kept window ``k`` further: ``pinn = march.pinns[k];
        pinn.trainable = True; pinn.set_conditions(build_conditions(march.window_domain(k), k))``,
        then ``compile`` and ``fit`` (later windows start from its new end values).

        Args:
            model: a :class:`MarchingSolution` (e.g. ``kextras.load_model(path)``).
            domain, build_net, build_conditions, warm_start, pinn_kwargs: as the
                constructor; ``domain`` must span the saved boundaries.
        """
        if not isinstance(model, MarchingSolution):
            raise ValueError(f"`model` must be a MarchingSolution. Received: model={model!r}")
        first = model.windows[0].output_transform
        march = cls(domain, model.boundaries, build_net, build_conditions, first._initial, warm_start, pinn_kwargs)
        for k, pinn in enumerate(model.windows):
            pinn.trainable = k == len(model.windows) - 1
            march.pinns.append(pinn)
            march.histories.append(None)
            march.seconds.append(0.0)
        return march

    def relative_l2_error(self, x, y_ref):
        """``||u(x) - y_ref|| / ||y_ref||`` over the trained time span."""
        pred = self.predict(x)
        y_ref = np.asarray(y_ref, dtype=np.float64).reshape(pred.shape)
        return float(np.linalg.norm(pred - y_ref) / np.linalg.norm(y_ref))
