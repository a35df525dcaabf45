"""``PINN``: a ``keras.Model`` that trains a network on physics-informed loss terms.

The wrapper holds the solution network ``N`` (any Keras model mapping
``[n, d]`` coordinates to ``[n, m]`` fields), an optional output transform
``T`` (hard constraints: ``u = T([x, N(x)])``), trainable PDE parameters, and
a list of conditions (:mod:`kextras_sci.pde.conditions`). The training loss is

``L = sum_k w_k * L_k``,  ``L_k = mean_i sum_j r_k(x_i)_j^2 / K_k``

over the collocation points of every condition ``k``. ``fit`` runs ordinary
Keras training (compiled ``tf.function`` step, callbacks, progress bar), logs
``loss`` and every term ``L_k`` (unweighted) under the condition's name, and
needs no data: every step uses all collocation points of all conditions
(full batch, as DeepXDE does). ``resample_every`` redraws the points of
conditions built on a domain every that many steps, without retracing (the
points live in ``tf.Variable`` s). ``predict(x)`` / ``pinn(x)`` give ``u(x)``.

Example::

    import keras, numpy as np
    from kextras_sci import pde

    geom = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))
    net = keras.Sequential([keras.Input((2,))] +
                           [keras.layers.Dense(20, "tanh") for _ in range(3)] +
                           [keras.layers.Dense(1)])
    nu = 0.01 / np.pi
    pinn = pde.PINN(net, [
        pde.PDEResidual(lambda u, u_t, u_x, u_xx: u_t + u * u_x - nu * u_xx,
                        geom, num_points=2540),
        pde.DirichletBC(geom, 0.0, num_points=80),
        pde.InitialCondition(geom, lambda x: -np.sin(np.pi * x[:, :1]), num_points=160),
    ], domain=geom)
    pinn.compile(keras.optimizers.Adam(1e-3))
    pinn.fit(epochs=10, steps_per_epoch=1000)   # 10000 Adam steps
    pde.minimize_lbfgs(pinn, maxiter=5000)        # then L-BFGS

Saving (``pinn.save("p.keras")``, ``kextras.load_model``) keeps the network,
the output transform, the coordinate and field names and the PDE parameters;
conditions are training set-up (they hold functions and domains) and are
attached again with :meth:`PINN.set_conditions` to continue training.

Distribution: build and compile the ``PINN`` under
``tf.distribute.MirroredStrategy().scope()``; each replica takes a contiguous
share of every condition's points, the per-replica losses are normalised by
the global point counts, so the summed gradients equal the single-device ones.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from kextras import validation
from kextras_sci.pde.losses import LossMixin
from kextras_sci.pde.conditions import Condition
from kextras_sci.pde.layers.bounds import Bounds
from kextras_sci.pde.layers.output_transform import OutputTransform
from kextras_sci.pde.parameters import (
    Parameter,
    check_names,
    default_coords,
    default_fields,
    input_dim_of,
    parameter_specs,
    unique_names,
)
from kextras_sci.pde.points import PointsMixin, PointStore
from kextras_sci.pde.training import RelativeL2Error, TrainingMixin

__all__ = ["PINN", "Parameter", "RelativeL2Error"]

class PINN(PointsMixin, LossMixin, TrainingMixin, keras.Model):
    """Physics-informed neural network: a network trained on condition loss terms.

    Args:
        net: Keras model (or layer) mapping ``[n, d]`` coordinates to ``[n, m]``
            fields. Must be pointwise (no batch-coupling layers).
        conditions: list of :class:`~kextras_sci.pde.conditions.Condition` (may
            be empty, e.g. for a loaded model used only to predict).
        domain: optional domain; gives the input dimension, the default names,
            checks fixed points are inside and provides normals.
        coords: coordinate names (default from ``d``: ``x``, ``x y``, ``x y z``,
            with a trailing ``t`` for space-time domains).
        fields: field names (default ``("u",)`` or ``u1 ... um``).
        parameters: list of :class:`Parameter` (or a dict name -> initial value).
        output_transform: ``None``, a callable ``(x, y) -> u`` (wrapped in
            :class:`~kextras_sci.pde.layers.OutputTransform`) or a Keras layer
            called on ``[x, y]``.
        resample_every: redraw the points of domain-based conditions every this
            many training steps (default ``None``: never).
        seed: base seed of the point sampling (default 0).
        input_dim: the number of coordinates, when neither ``net`` nor
            ``domain`` tells it.
        name: model name.

    Input shape: ``[n, d]``. Output shape: ``[n, m]`` (the transformed solution).
    """

    def __init__(
        self,
        net,
        conditions=(),
        domain=None,
        coords=None,
        fields=None,
        parameters=(),
        output_transform=None,
        resample_every=None,
        seed=0,
        input_dim=None,
        name="pinn",
        **kwargs,
    ):
        if isinstance(net, dict):
            net = keras.saving.deserialize_keras_object(net)
        if not callable(net):
            raise ValueError(f"`net` must be a Keras model or layer. Received: net={net!r}")
        dim = input_dim_of(net, domain, conditions, input_dim)
        if "dtype" not in kwargs:
            # the network's output dtype decides (a Sequential of float64 layers
            # has a float32 policy itself but computes in float64)
            try:
                probe = net(tf.zeros((1, dim), dtype=getattr(net, "compute_dtype", "float32")))
            except Exception as e:  # noqa: BLE001 - re-raised with the context
                raise ValueError(
                    f"The network cannot be evaluated on points with {dim} coordinate(s) "
                    f"(the dimension of the domain / points): {e}"
                ) from e
            kwargs["dtype"] = tf.as_dtype(probe.dtype).name
        super().__init__(name=name, **kwargs)
        # built under a tf.distribute scope: Keras' own loop (see TrainingMixin.under_strategy)
        self._built_under_strategy = tf.distribute.has_strategy()
        self.net = net
        self.resample_every = (
            None if resample_every is None else validation.positive_int("resample_every", resample_every)
        )
        self.seed = int(seed)
        self.domain = domain
        self.input_dim = dim
        if output_transform is not None and not isinstance(output_transform, keras.layers.Layer):
            if isinstance(output_transform, dict):
                output_transform = keras.saving.deserialize_keras_object(output_transform)
            else:
                output_transform = OutputTransform(output_transform)
        self.output_transform = output_transform
        # probe: builds the network and gives the number of fields
        y = self.solution(tf.zeros((1, dim), dtype=self.compute_dtype))
        if y.shape.rank != 2:
            raise ValueError(
                "The network (after the output transform) must return [n, m]. "
                f"Received: output shape={tuple(y.shape)} for input shape (1, {dim})"
            )
        m = int(y.shape[-1])
        self.coords = check_names(coords if coords is not None else default_coords(dim, domain), "coords")
        if len(self.coords) != dim:
            raise ValueError(f"`coords` must name the {dim} coordinates. Received: coords={self.coords!r}")
        self.fields = check_names(fields if fields is not None else default_fields(m), "fields")
        if len(self.fields) != m:
            raise ValueError(f"`fields` must name the {m} network outputs. Received: fields={self.fields!r}")
        self.parameter_specs = parameter_specs(parameters, set(self.coords) | set(self.fields))
        self.pde_parameters = {}
        for p in self.parameter_specs:
            self.pde_parameters[p.name] = self.add_weight(
                name=p.name,
                shape=(),
                initializer=keras.initializers.Constant(p.initial),
                trainable=p.trainable,
                constraint=Bounds(*p.bounds) if p.bounds is not None else None,
            )
            # Constant() rounds through float32; set the exact value
            self.pde_parameters[p.name].assign(np.asarray(p.initial, self.variable_dtype))
        self.built = True
        self._conditions = []
        self._store = None
        self._sample_round = 0
        self._residual_functions = {}
        self._auto_steps_per_execution = False
        self._auto_jit = False
        self._xla_now = False
        self.set_conditions(conditions or ())

    # ------------------------------------------------------------------ model
    def solution(self, x, training=False):
        """``u(x) = T([x, N(x)])`` as a tensor ``[n, m]`` (differentiable; no NumPy)."""
        y = self.net(x, training=training)
        if self.output_transform is not None:
            y = self.output_transform([x, y])
        if y.shape.rank == 1:
            y = y[:, None]
        return y

    def call(self, inputs, training=False):
        return self.solution(inputs, training=training)

    def compute_output_spec(self, inputs, training=False):
        return keras.KerasTensor((inputs.shape[0], len(self.fields)), dtype=self.compute_dtype)

    @property
    def parameters(self):
        """Dict of the current PDE parameter values (Python floats)."""
        return {k: float(keras.ops.convert_to_numpy(v)) for k, v in self.pde_parameters.items()}

    # ------------------------------------------------------------- conditions
    @property
    def conditions(self):
        return tuple(self._conditions)

    @property
    def term_names(self):
        return tuple(c.name for c in self._conditions)

    @property
    def term_weights(self):
        """Dict term name -> ``tf.Variable`` weight; assignable during training
        (e.g. by a loss-balancing callback) without retracing."""
        return dict(self._store.weights)

    @property
    def minimised_metrics(self):
        """The logged metrics training minimises (``loss``, ``rel_l2``, every term)."""
        return ("loss", "rel_l2") + self.term_names

    def set_conditions(self, conditions):
        """Attaches (or replaces) the conditions and samples their points.

        Conditions without an explicit ``name=`` that share their default name
        are numbered (``dirichlet``, ``dirichlet_1``); explicit names must be distinct.
        """
        conditions = list(conditions)
        for c in conditions:
            if not isinstance(c, Condition):
                raise ValueError(
                    f"`conditions` must hold Condition objects (PDEResidual, DirichletBC, ...). "
                    f"Received: {c!r}"
                )
            c.bind(self.coords, self.fields, tuple(self.pde_parameters), self.domain, self.input_dim)
        unique_names(conditions, self.pde_parameters)
        self._conditions = conditions
        with self.distribute_strategy.scope():
            samples = [c.sample(self._seed_for(i)) for i, c in enumerate(conditions)]
            self._store = PointStore(conditions, samples, self.compute_dtype)
            # metrics live outside Keras' attribute tracking (like the points), so
            # that a saved model does not depend on its training conditions
            self._metrics = (
                keras.metrics.Mean(name="loss"),
                tuple(keras.metrics.Mean(name=c.name) for c in conditions),
                RelativeL2Error(name="rel_l2"),
            )
        self._residual_functions = {}
        self._validated = False
        self._xla_failed = False  # jit_compile='auto' tries XLA again
        # new conditions mean new step functions
        self.train_function = None
        self.test_function = None

    def relative_l2_error(self, x, y_ref, batch_size=None):
        """``||u(x) - y_ref|| / ||y_ref||`` over all points and components."""
        pred = self.predict(np.asarray(x, dtype=self.compute_dtype), batch_size=batch_size, verbose=0)
        y_ref = np.asarray(y_ref, dtype=np.float64).reshape(pred.shape)
        return float(np.linalg.norm(pred - y_ref) / np.linalg.norm(y_ref))

    def predict(self, x, batch_size=None, verbose="auto", **kwargs):
        """``u(x)`` as NumPy (``x``: ``[n, d]``)."""
        x = np.asarray(x, dtype=self.compute_dtype) if not tf.is_tensor(x) and not isinstance(x, tf.data.Dataset) else x
        if isinstance(x, np.ndarray) and (x.ndim != 2 or x.shape[1] != self.input_dim):
            raise ValueError(
                f"`x` must have shape [n, {self.input_dim}] ({', '.join(self.coords)}). "
                f"Received: x.shape={x.shape}"
            )
        if batch_size is None and isinstance(x, np.ndarray):
            batch_size = max(1, min(len(x), 8192))
        return super().predict(x, batch_size=batch_size, verbose=verbose, **kwargs)

    # ---------------------------------------------------------- serialization
    def get_config(self):
        config = {
            "name": self.name,
            "net": keras.saving.serialize_keras_object(self.net),
            "coords": list(self.coords),
            "fields": list(self.fields),
            "parameters": [p.get_config() for p in self.parameter_specs],
            "output_transform": (
                None
                if self.output_transform is None
                else keras.saving.serialize_keras_object(self.output_transform)
            ),
            "input_dim": self.input_dim,
            "resample_every": self.resample_every,
            "seed": self.seed,
        }
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["net"] = keras.saving.deserialize_keras_object(config["net"], custom_objects=custom_objects)
        if config.get("output_transform") is not None:
            config["output_transform"] = keras.saving.deserialize_keras_object(
                config["output_transform"], custom_objects=custom_objects
            )
        config["parameters"] = [Parameter(**p) for p in config.get("parameters", [])]
        return cls(**config)

    def get_build_config(self):
        return None
