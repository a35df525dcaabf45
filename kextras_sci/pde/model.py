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

import numbers

import keras
import numpy as np
import tensorflow as tf

from kextras_sci.pde.conditions import Condition
from kextras_sci.pde.layers.bounds import Bounds
from kextras_sci.pde.layers.output_transform import OutputTransform

__all__ = ["PINN", "Parameter"]


class Parameter:
    """A trainable scalar PDE parameter (inverse problems).

    Becomes a Keras weight of the :class:`PINN` named ``name``; residual
    functions receive it through an argument of the same name.

    Args:
        name: identifier, e.g. ``"nu"``.
        initial: initial value (default 0.0).
        bounds: ``(lower, upper)`` (either may be ``None``) or ``None``
            (default); enforced by clipping after each optimizer step and by
            L-BFGS-B bounds.
        trainable: whether it is learned (default True).
    """

    def __init__(self, name, initial=0.0, bounds=None, trainable=True):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"`name` must be a valid identifier. Received: name={name!r}")
        if isinstance(initial, bool) or not isinstance(initial, numbers.Real) or not np.isfinite(initial):
            raise ValueError(f"`initial` must be a finite number. Received: initial={initial!r}")
        if bounds is not None:
            try:
                lo, hi = bounds
            except (TypeError, ValueError):
                raise ValueError(
                    f"`bounds` must be a pair (lower, upper). Received: bounds={bounds!r}"
                ) from None
            Bounds(lo, hi)  # validates
            if (lo is not None and initial < lo) or (hi is not None and initial > hi):
                raise ValueError(
                    f"`initial` must lie within `bounds`. Received: initial={initial}, bounds={bounds}"
                )
            bounds = (lo, hi)
        self.name = name
        self.initial = float(initial)
        self.bounds = bounds
        self.trainable = bool(trainable)

    def get_config(self):
        return {"name": self.name, "initial": self.initial, "bounds": self.bounds, "trainable": self.trainable}

    def __repr__(self):
        return f"Parameter({self.name!r}, initial={self.initial}, bounds={self.bounds})"


def _default_coords(dim, domain):
    spacetime = domain is not None and hasattr(domain, "sample_initial")
    space = dim - 1 if spacetime else dim
    names = {1: ("x",), 2: ("x", "y"), 3: ("x", "y", "z")}.get(
        space, tuple(f"x{i + 1}" for i in range(space))
    )
    return names + (("t",) if spacetime else ())


def _default_fields(m):
    return ("u",) if m == 1 else tuple(f"u{i + 1}" for i in range(m))


def _check_names(names, what):
    names = tuple(names)
    for n in names:
        if not isinstance(n, str) or not n.isidentifier():
            raise ValueError(f"`{what}` must be identifiers. Received: {what}={names!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"`{what}` must be distinct. Received: {what}={names!r}")
    return names


class _Solution:
    """The callable handed to conditions: ``x -> u(x)`` plus the parameters."""

    def __init__(self, pinn, parameters, training=True):
        self._pinn = pinn
        self.parameters = parameters
        self.training = training

    def __call__(self, x):
        return self._pinn._solution(x, training=self.training)


class _State:
    """Holds the collocation point variables (kept out of Keras' weights)."""

    def __init__(self):
        self.arrays = []  # per condition: dict name -> tf.Variable
        self.weights = {}  # term name -> tf.Variable (scalar)
        self.sizes = {}
        self.total = None  # keras.metrics.Mean of the total loss
        self.terms = []  # keras.metrics.Mean per term
        self.rel_l2 = None
        self.residual_functions = {}  # (term, array layout) -> tf.function


class _FiniteCheck(keras.callbacks.Callback):
    """Stops training with a clear error when a loss term becomes NaN or infinite."""

    def __init__(self, term_names):
        super().__init__()
        self.term_names = tuple(term_names)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if not logs:
            return
        bad = []
        for name in self.term_names + ("loss",):
            if name in logs:
                v = logs[name]
                v = float(np.asarray(v.numpy() if hasattr(v, "numpy") else v))
                if not np.isfinite(v):
                    bad.append((name, v))
        if bad:
            self.model.stop_training = True
            terms = [b for b in bad if b[0] != "loss"] or bad
            desc = ", ".join(f"'{n}' = {v}" for n, v in terms)
            raise FloatingPointError(
                f"PINN training stopped at epoch {self._epoch + 1}, step {batch + 1}: "
                f"loss term {desc} is not finite. Lower the learning rate, rescale the "
                "problem, or check the residual function and the targets of that term."
            )


class PINN(keras.Model):
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
        # ---- input dimension ------------------------------------------------
        dim = input_dim
        if dim is None and domain is not None:
            dim = int(domain.dim)
        if dim is None:
            try:
                dim = int(net.input_shape[-1])
            except (AttributeError, TypeError, ValueError, IndexError):
                dim = None
        if dim is None:
            for c in conditions or ():
                if isinstance(c, Condition):
                    dim = c.dim
                    break
        if dim is None:
            raise ValueError(
                "Cannot tell the number of coordinates: give `domain=`, `input_dim=` or a "
                "`net` with a known input shape."
            )
        if domain is not None and int(domain.dim) != dim:
            raise ValueError(
                f"`domain` has dimension {domain.dim} but the network takes {dim} coordinates."
            )
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
        self.net = net
        if resample_every is not None and (
            isinstance(resample_every, bool) or not isinstance(resample_every, numbers.Integral) or resample_every <= 0
        ):
            raise ValueError(
                "`resample_every` must be a positive integer or None. "
                f"Received: resample_every={resample_every!r}"
            )
        self.resample_every = None if resample_every is None else int(resample_every)
        self.seed = int(seed)
        self.domain = domain
        self.input_dim = dim

        # ---- output transform ----------------------------------------------
        if output_transform is not None and not isinstance(output_transform, keras.layers.Layer):
            if isinstance(output_transform, dict):
                output_transform = keras.saving.deserialize_keras_object(output_transform)
            else:
                output_transform = OutputTransform(output_transform)
        self.output_transform = output_transform

        # ---- probe: builds the network and gives the number of fields --------
        probe = tf.zeros((1, dim), dtype=self.compute_dtype)
        y = self._solution(probe)
        if y.shape.rank != 2:
            raise ValueError(
                "The network (after the output transform) must return [n, m]. "
                f"Received: output shape={tuple(y.shape)} for input shape (1, {dim})"
            )
        m = int(y.shape[-1])
        self.coords = _check_names(coords if coords is not None else _default_coords(dim, domain), "coords")
        if len(self.coords) != dim:
            raise ValueError(
                f"`coords` must name the {dim} coordinates. Received: coords={self.coords!r}"
            )
        self.fields = _check_names(fields if fields is not None else _default_fields(m), "fields")
        if len(self.fields) != m:
            raise ValueError(
                f"`fields` must name the {m} network outputs. Received: fields={self.fields!r}"
            )

        # ---- PDE parameters --------------------------------------------------
        if isinstance(parameters, dict):
            parameters = [Parameter(k, v) for k, v in parameters.items()]
        specs = []
        for p in parameters or ():
            if isinstance(p, dict):
                p = Parameter(**p)
            if not isinstance(p, Parameter):
                raise ValueError(f"`parameters` must hold Parameter objects. Received: {p!r}")
            clash = set(self.coords) | set(self.fields)
            if p.name in clash:
                raise ValueError(
                    f"Parameter name {p.name!r} clashes with a coordinate or field name."
                )
            specs.append(p)
        if len({p.name for p in specs}) != len(specs):
            raise ValueError("`parameters` must have distinct names.")
        self.parameter_specs = specs
        self.pde_parameters = {}
        for p in specs:
            constraint = Bounds(*p.bounds) if p.bounds is not None else None
            self.pde_parameters[p.name] = self.add_weight(
                name=p.name,
                shape=(),
                initializer=keras.initializers.Constant(p.initial),
                trainable=p.trainable,
                constraint=constraint,
            )
            # Constant() rounds through float32; set the exact value
            self.pde_parameters[p.name].assign(np.asarray(p.initial, self.variable_dtype))
        self.built = True

        self._state = _State()
        self._conditions = []
        self._sample_round = 0
        self.set_conditions(conditions or ())

    # ------------------------------------------------------------------ model
    def _solution(self, x, training=False):
        y = self.net(x, training=training)
        if self.output_transform is not None:
            y = self.output_transform([x, y])
        if y.shape.rank == 1:
            y = y[:, None]
        return y

    def call(self, inputs, training=False):
        return self._solution(inputs, training=training)

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
        return dict(self._state.weights)

    def set_conditions(self, conditions):
        """Attaches (or replaces) the conditions and samples their points."""
        conditions = list(conditions)
        names = []
        for c in conditions:
            if not isinstance(c, Condition):
                raise ValueError(
                    f"`conditions` must hold Condition objects (PDEResidual, DirichletBC, ...). "
                    f"Received: {c!r}"
                )
            c.bind(self.coords, self.fields, tuple(self.pde_parameters), self.domain, self.input_dim)
            names.append(c.name)
        # make names unique: pde, pde_1, ...
        seen = {}
        for c in conditions:
            n = c.name
            if names.count(n) > 1:
                k = seen.get(n, 0)
                seen[n] = k + 1
                c.name = n if k == 0 else f"{n}_{k}"
            if c.name == "loss":
                raise ValueError("A condition cannot be named 'loss' (reserved for the total).")
        self._conditions = conditions
        state = _State()
        with self.distribute_strategy.scope():
            for i, c in enumerate(conditions):
                arrays = c.sample(self._seed_for(i))
                state.arrays.append(
                    {
                        k: tf.Variable(
                            v.astype(self.compute_dtype),
                            shape=tf.TensorShape([None] + list(v.shape[1:])),
                            trainable=False,
                            name=f"{c.name}_{k}",
                        )
                        for k, v in arrays.items()
                    }
                )
                state.sizes[c.name] = arrays["x"].shape[0]
                state.weights[c.name] = tf.Variable(
                    c.weight, dtype=self.compute_dtype, trainable=False, name=f"{c.name}_weight"
                )
            # metrics live outside Keras' attribute tracking (like the points), so
            # that a saved model does not depend on its training conditions
            state.total = keras.metrics.Mean(name="loss")
            state.terms = [keras.metrics.Mean(name=c.name) for c in conditions]
            state.rel_l2 = RelativeL2Error(name="rel_l2")
        self._state = state
        self._validated = False
        # new conditions mean new step functions
        self.train_function = None
        self.test_function = None

    def _seed_for(self, i):
        return None if self.seed is None else self.seed * 1000003 + self._sample_round * 7919 + i

    def resample(self):
        """Redraws the points of every condition built on a domain (in place)."""
        self._sample_round += 1
        for i, c in enumerate(self._conditions):
            if c.domain is None:
                continue
            arrays = c.sample(self._seed_for(i))
            for k, v in arrays.items():
                self._state.arrays[i][k].assign(v.astype(self.compute_dtype))
            self._state.sizes[c.name] = arrays["x"].shape[0]

    def collocation_points(self, name):
        """The current points (NumPy ``[n, d]``) of a condition (its name or itself)."""
        return self.points(name)["x"]

    # ------------------------------------------------ points and residuals (public)
    def _index(self, condition):
        """Position of a condition given by term name or by the object itself."""
        if isinstance(condition, str):
            names = self.term_names
            if condition in names:
                return names.index(condition)
            raise ValueError(
                f"`condition` must name a term of the PINN. Received: condition={condition!r}; "
                f"terms: {names}"
            )
        for i, c in enumerate(self._conditions):
            if c is condition:
                return i
        raise ValueError(
            "`condition` must be a term name or one of the PINN's conditions. "
            f"Received: condition={condition!r}; terms: {self.term_names}"
        )

    def condition(self, condition):
        """The attached :class:`~kextras_sci.pde.conditions.Condition` called ``condition``.

        Args:
            condition: a term name (``"pde"``) or a condition object of this PINN.
        """
        return self._conditions[self._index(condition)]

    def num_points(self, condition):
        """The current number of points of a condition (name or object)."""
        return int(self._state.sizes[self.condition(condition).name])

    def points(self, condition, as_tensors=False):
        """The current point arrays of a condition.

        Args:
            condition: a term name or a condition of this PINN.
            as_tensors: ``False`` (default): a dict of NumPy copies (``"x"``:
                ``[n, d]``, and the condition's other arrays such as ``"y"``, the
                targets). ``True``: a dict of tensors reading the current values,
                usable inside a ``tf.function`` (they follow later
                :meth:`set_points` calls without retracing).
        """
        arrays = self._state.arrays[self._index(condition)]
        if as_tensors:
            return {k: tf.convert_to_tensor(v) for k, v in arrays.items()}
        return {k: v.numpy() for k, v in arrays.items()}

    def set_points(self, condition, points):
        """Replaces the points of a condition in place (no retracing of ``fit``).

        The number of points may change (adaptive refinement adds points). This
        is the hook for sampling callbacks (:mod:`kextras_sci.pde.sampling`);
        :meth:`resample` later redraws domain-based conditions again.

        Args:
            condition: a term name or a condition of this PINN.
            points: ``[n, d]`` array, for conditions whose only array is ``"x"``
                (``PDEResidual``, ...), or a dict with exactly the condition's
                arrays (see :meth:`points`), all with ``n`` rows.

        Raises:
            ValueError: unknown condition, wrong keys, shapes or non-finite values.
        """
        i = self._index(condition)
        cond = self._conditions[i]
        variables = self._state.arrays[i]
        if not isinstance(points, dict):
            if set(variables) != {"x"}:
                raise ValueError(
                    f"{cond._describe()} carries the arrays {sorted(variables)}: pass `points` as a "
                    "dict with these keys."
                )
            points = {"x": points}
        if set(points) != set(variables):
            raise ValueError(
                f"`points` must have the keys {sorted(variables)} of {cond._describe()}. "
                f"Received: keys={sorted(points)}"
            )
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in points.items()}
        x = arrays["x"]
        if x.ndim != 2 or x.shape[1] != self.input_dim or x.shape[0] == 0:
            raise ValueError(
                f"`points['x']` must have shape [n, {self.input_dim}] with n >= 1. Received: shape={x.shape}"
            )
        n = x.shape[0]
        for k, v in arrays.items():
            expected = (n,) + tuple(variables[k].shape[1:])
            if v.shape != expected:
                raise ValueError(
                    f"`points[{k!r}]` must have shape {expected} (one row per point). Received: shape={v.shape}"
                )
            if not np.all(np.isfinite(v)):
                raise ValueError(f"`points[{k!r}]` must be finite. Received: values with NaN or infinity")
        cond._accept_points(arrays)
        for k, v in arrays.items():
            variables[k].assign(v.astype(self.compute_dtype))
        self._state.sizes[cond.name] = n

    def condition_residual(self, condition, points=None, training=True):
        """The residual ``r(x)`` (``[n, K]`` tensor) of a condition, differentiable.

        Works eagerly and inside a ``tf.function`` / ``GradientTape`` (e.g. for
        NTK or gradient statistics); the PDE parameters are passed as in
        training.

        Args:
            condition: a term name or a condition of this PINN.
            points: ``None`` (default: the current points, as tensors), an
                ``[n, d]`` array / tensor (conditions whose only array is
                ``"x"``) or a dict of arrays like :meth:`points`.
            training: passed to the network (default True, as in ``fit``).
        """
        cond = self.condition(condition)
        if points is None:
            arrays = self.points(cond, as_tensors=True)
        elif isinstance(points, dict):
            arrays = {k: tf.convert_to_tensor(v, dtype=self.compute_dtype) for k, v in points.items()}
        else:
            arrays = {"x": tf.convert_to_tensor(points, dtype=self.compute_dtype)}
        sol = _Solution(self, self.pde_parameters, training=training)
        return tf.cast(cond.check_residual(cond.residual(sol, arrays), None), self.compute_dtype)

    def pointwise_residuals(self, condition, points=None, batch_size=8192):
        """The residual of a condition at many points, as NumPy ``[n, K]`` (no gradient).

        Evaluated in batches by a compiled function (traced once per condition
        and array layout), e.g. to rank candidate points by ``|r|``.

        Args:
            condition: a term name or a condition of this PINN.
            points: ``None`` (default: the current points), an ``[n, d]`` array
                (conditions whose only array is ``"x"``) or a dict of arrays.
            batch_size: points per evaluation (default 8192).
        """
        cond = self.condition(condition)
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size <= 0:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
        if points is None:
            arrays = self.points(cond)
        elif isinstance(points, dict):
            arrays = {k: np.asarray(v) for k, v in points.items()}
        else:
            arrays = {"x": np.asarray(points)}
        x = arrays.get("x")
        if x is None or x.ndim != 2 or x.shape[1] != self.input_dim:
            raise ValueError(
                f"`points` must be [n, {self.input_dim}] (or a dict with such an 'x'). "
                f"Received: shape={None if x is None else x.shape}"
            )
        key = (cond.name, tuple(sorted((k, v.shape[1:]) for k, v in arrays.items())))
        fn = self._state.residual_functions.get(key)
        if fn is None:
            fn = tf.function(
                lambda a: self.condition_residual(cond, a, training=False), reduce_retracing=True
            )
            self._state.residual_functions[key] = fn
        n = x.shape[0]
        out = [
            fn({k: tf.constant(v[s : s + batch_size], dtype=self.compute_dtype) for k, v in arrays.items()}).numpy()
            for s in range(0, n, batch_size)
        ]
        return np.concatenate(out, axis=0) if out else np.zeros((0, 1))

    # ------------------------------------------------------------------ losses
    def _shard(self, t):
        ctx = tf.distribute.get_replica_context()
        r = 1 if ctx is None else ctx.num_replicas_in_sync
        if r == 1:
            return t
        rid = tf.cast(ctx.replica_id_in_sync_group, tf.int32)
        n = tf.shape(t)[0]
        start = (rid * n) // r
        stop = ((rid + 1) * n) // r
        return t[start:stop]

    def compute_terms(self, training=True):
        """Per-replica weighted total and unweighted term values.

        Each replica evaluates its share of the points; values are normalised by
        the global point counts, so summing over replicas gives the full losses.

        Returns:
            ``(total, {name: term})`` (scalars).
        """
        sol = _Solution(self, self.pde_parameters)
        terms = {}
        total = tf.constant(0.0, dtype=self.compute_dtype)
        for c, arrays in zip(self._conditions, self._state.arrays):
            full_n = tf.cast(tf.shape(arrays["x"])[0], self.compute_dtype)
            local = {k: self._shard(tf.convert_to_tensor(v)) for k, v in arrays.items()}
            r = c.check_residual(c.residual(sol, local), None)
            r = tf.cast(r, self.compute_dtype)
            k = tf.cast(tf.shape(r)[1], self.compute_dtype)
            term = tf.reduce_sum(tf.square(r)) / (full_n * k)
            terms[c.name] = term
            total = total + self._state.weights[c.name] * term
        total = total + tf.cast(tf.add_n(self.losses), self.compute_dtype) if self.losses else total
        return total, terms

    def validate(self, num=8):
        """Evaluates every condition eagerly on a few points and checks shapes.

        Raises ``ValueError`` naming the condition when a residual has the wrong
        shape or the residual function fails. Called by :meth:`fit` once per set
        of conditions.
        """
        if not self._conditions:
            raise ValueError(
                "The PINN has no conditions to train on; pass `conditions=` or call "
                "`set_conditions`."
            )
        sol = _Solution(self, self.pde_parameters)
        for c, arrays in zip(self._conditions, self._state.arrays):
            small = {k: tf.convert_to_tensor(v[:num]) for k, v in arrays.items()}
            n = int(small["x"].shape[0])
            try:
                r = c.residual(sol, small)
            except (ValueError, TypeError, tf.errors.InvalidArgumentError) as e:
                raise ValueError(f"{c._describe()}: evaluating the residual failed: {e}") from e
            c.check_residual(r, n)
        self._validated = True

    # --------------------------------------------------------------- training
    @property
    def metrics(self):
        return [self._state.total] + list(self._state.terms) + [self._state.rel_l2]

    def _replicas(self):
        ctx = tf.distribute.get_replica_context()
        return 1 if ctx is None else ctx.num_replicas_in_sync

    def train_step(self, data):
        del data  # the collocation points live in the model
        with tf.GradientTape() as tape:
            total, terms = self.compute_terms(training=True)
        weights = self.trainable_weights
        grads = tape.gradient(total, weights)
        # a non-finite loss must not write NaN into the weights: its gradients are
        # zeroed (the finite-check callback then stops training naming the term)
        finite = tf.math.is_finite(total)
        grads = [g if g is None else tf.where(finite, g, tf.zeros_like(g)) for g in grads]
        self.optimizer.apply_gradients(zip(grads, weights))
        return self._update_trackers(total, terms)

    def _update_trackers(self, total, terms):
        r = self._replicas()
        # Mean metrics average over replicas: scale so the mean is the global sum
        self._state.total.update_state(total * r)
        for tracker in self._state.terms:
            tracker.update_state(terms[tracker.name] * r)
        return {m.name: m.result() for m in [self._state.total] + list(self._state.terms)}

    def test_step(self, data):
        if data is None or (isinstance(data, (tuple, list)) and len(data) < 2):
            total, terms = self.compute_terms(training=False)
            return self._update_trackers(total, terms)
        x, y = data[0], data[1]
        pred = self._solution(x)
        y = tf.cast(tf.reshape(y, tf.shape(pred)), pred.dtype)
        self._state.rel_l2.update_state(y, pred)
        return {"rel_l2": self._state.rel_l2.result()}

    def compile(self, optimizer="adam", steps_per_execution="auto", **kwargs):
        """Keras ``compile``; no ``loss`` is needed (the conditions are the loss).

        ``steps_per_execution="auto"`` (default) runs, in each call of the compiled
        training function, the largest divisor of ``steps_per_epoch`` up to 100
        steps: the per-step Python overhead of Keras is amortised (about twice as
        fast for small networks on CPU), and callbacks (``on_train_batch_end``,
        the NaN check, resampling) run once per such group. An integer keeps the
        Keras meaning (``1``: callbacks after every step). Under a
        ``tf.distribute`` strategy ``"auto"`` means 1 (Keras' multi-step loop
        fails there in TF 2.21).
        """
        auto = isinstance(steps_per_execution, str)
        if auto and steps_per_execution != "auto":
            raise ValueError(
                "`steps_per_execution` must be 'auto' or a positive integer. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        super().compile(optimizer=optimizer, steps_per_execution=1 if auto else steps_per_execution, **kwargs)
        self._auto_steps_per_execution = auto

    def fit(self, x=None, y=None, epochs=1, steps_per_epoch=None, callbacks=None, validation_data=None, check_finite=True, **kwargs):
        """Trains on the collocation points (Keras ``fit``; ``x`` must be ``None``).

        Each step uses all points of all conditions. ``steps_per_epoch``
        defaults to 100, so ``epochs * steps_per_epoch`` is the number of
        optimizer steps. See :meth:`compile` for ``steps_per_execution``
        (default ``"auto"``); with an integer ``k``, ``steps_per_epoch`` must be a
        multiple of ``k``. ``validation_data=(x_ref, u_ref)`` logs the relative
        L2 error ``val_rel_l2 = ||u - u_ref|| / ||u_ref||``. With
        ``check_finite=True`` (default) training stops with a
        ``FloatingPointError`` naming the first non-finite loss term.
        """
        if x is not None or y is not None:
            raise ValueError(
                "PINN.fit trains on the collocation points of its conditions; do not pass "
                "`x`/`y` (observations go into a PointData condition)."
            )
        if steps_per_epoch is None:
            steps_per_epoch = 100
        if isinstance(steps_per_epoch, bool) or not isinstance(steps_per_epoch, numbers.Integral) or steps_per_epoch <= 0:
            raise ValueError(
                f"`steps_per_epoch` must be a positive integer. Received: steps_per_epoch={steps_per_epoch!r}"
            )
        if getattr(self, "_auto_steps_per_execution", False):
            # largest divisor of steps_per_epoch up to 100 (retraces only when it changes)
            auto = max(k for k in range(1, min(100, steps_per_epoch) + 1) if steps_per_epoch % k == 0)
            if getattr(self, "_distribute_strategy", None) is not None:
                # Keras' multi-step loop fails under tf.distribute strategies (TF 2.21:
                # "You must feed a value for placeholder tensor ... while/cond")
                auto = 1
            if auto != self.steps_per_execution:
                self.steps_per_execution = auto
                self.train_function = None
                self.test_function = None
                self.predict_function = None
        spe = int(getattr(self, "steps_per_execution", 1) or 1)
        if steps_per_epoch % spe:
            # Keras would silently run whole executions past the epoch end
            raise ValueError(
                f"`steps_per_epoch` must be a multiple of `steps_per_execution` ({spe}) given "
                f"to compile(). Received: steps_per_epoch={steps_per_epoch}"
            )
        if not self._validated:
            self.validate()
        replicas = self.distribute_strategy.num_replicas_in_sync
        dummy = tf.data.Dataset.from_tensors(np.zeros((replicas, 1), np.float32)).repeat()
        callbacks = list(callbacks or [])
        if check_finite:
            callbacks.append(_FiniteCheck(self.term_names))
        if self.resample_every:
            callbacks.append(_Resampler(self.resample_every))
        if validation_data is not None:
            xv, yv = validation_data[0], validation_data[1]
            xv = np.asarray(xv, dtype=self.compute_dtype)
            yv = np.asarray(yv, dtype=self.compute_dtype)
            if xv.ndim != 2 or xv.shape[1] != self.input_dim:
                raise ValueError(
                    f"`validation_data` points must have shape [n, {self.input_dim}]. "
                    f"Received: {xv.shape}"
                )
            validation_data = tf.data.Dataset.from_tensor_slices((xv, yv.reshape(xv.shape[0], -1))).batch(
                max(1, -(-xv.shape[0] // (4 * replicas))) * replicas
            )
        return super().fit(
            dummy,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            callbacks=callbacks,
            validation_data=validation_data,
            shuffle=False,
            **kwargs,
        )

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


class RelativeL2Error(keras.metrics.Metric):
    """``||y_pred - y_true||_2 / ||y_true||_2`` accumulated over all batches."""

    def __init__(self, name="rel_l2", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.num = self.add_variable(shape=(), initializer="zeros", name="num", aggregation="sum")
        self.den = self.add_variable(shape=(), initializer="zeros", name="den", aggregation="sum")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.cast(y_true, self.dtype)
        y_pred = tf.cast(y_pred, self.dtype)
        self.num.assign_add(tf.reduce_sum(tf.square(y_pred - y_true)))
        self.den.assign_add(tf.reduce_sum(tf.square(y_true)))

    def result(self):
        return tf.sqrt(self.num / tf.maximum(self.den, tf.cast(1e-30, self.den.dtype)))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class _Resampler(keras.callbacks.Callback):
    """Calls :meth:`PINN.resample` every ``every`` training steps."""

    def __init__(self, every):
        super().__init__()
        self.every = int(every)
        self._count = 0
        self._since = 0

    def on_train_batch_end(self, batch, logs=None):
        spe = getattr(self.model, "steps_per_execution", 1) or 1
        self._since += int(spe)
        if self._since >= self.every:
            self._since = 0
            self.model.resample()
