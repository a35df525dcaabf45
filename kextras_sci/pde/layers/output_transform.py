"""Output transform layer: hard constraints ``u = T(x, N(x))``."""

from __future__ import annotations

import keras


class OutputTransform(keras.layers.Layer):
    """Applies a function of the coordinates and the raw network output.

    ``u(x) = fn(x, N(x))``. Used by :class:`kextras_sci.pde.PINN` to impose hard
    constraints, e.g. ``u = -sin(pi x) + t (1 - x^2) N(x, t)`` satisfies the
    Burgers initial and boundary conditions exactly.

    To be saved in a ``.keras`` file, ``fn`` must be a named function registered
    with ``keras.saving.register_keras_serializable()`` (lambdas cannot be
    reloaded with ``safe_mode=True``). Any other ``keras.layers.Layer`` whose
    ``call`` takes ``[x, y]`` can be used instead of this class.

    Args:
        fn: callable ``(x, y) -> u``, TensorFlow ops, shapes ``[n, d]``,
            ``[n, m]`` -> ``[n, m']``.
        **kwargs: base layer arguments (``name``, ``dtype``).

    Input shape:
        list ``[x, y]`` with ``x``: ``[n, d]`` and ``y``: ``[n, m]``.

    Output shape:
        ``[n, m']`` as returned by ``fn``.
    """

    def __init__(self, fn, **kwargs):
        super().__init__(**kwargs)
        if isinstance(fn, dict):
            fn = keras.saving.deserialize_keras_object(fn)
        if not callable(fn):
            raise ValueError(f"`fn` must be callable. Received: fn={fn!r}")
        self.fn = fn

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "OutputTransform expects a list [x, y] of the coordinates and the raw "
                f"network output. Received: {type(inputs).__name__}"
            )
        x, y = inputs
        return self.fn(x, y)

    def compute_output_spec(self, inputs):
        x, y = inputs
        return keras.KerasTensor(y.shape, dtype=y.dtype)

    def get_config(self):
        config = super().get_config()
        config["fn"] = keras.saving.serialize_keras_object(self.fn)
        return config
