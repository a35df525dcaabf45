"""The names of a PINN: ``Parameter`` (trainable scalar PDE parameters), coordinate, field and
condition names, and the number of coordinates."""

from __future__ import annotations

from kextras import validation
from kextras_sci.pde.layers.bounds import Bounds

__all__ = ["Parameter", "default_coords", "default_fields", "check_names", "input_dim_of", "parameter_specs", "unique_names"]


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
        validation.real("initial", initial)
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


def default_coords(dim, domain):
    """``x``, ``x y``, ``x y z`` (``x1 ... xd`` beyond), a trailing ``t`` for space-time
    domains; a bare time interval (an ODE) names its one coordinate ``t``."""
    if getattr(domain, "is_time", False):
        return ("t",)
    spacetime = domain is not None and getattr(domain, "is_spacetime", False)
    space = dim - 1 if spacetime else dim
    names = {1: ("x",), 2: ("x", "y"), 3: ("x", "y", "z")}.get(
        space, tuple(f"x{i + 1}" for i in range(space))
    )
    return names + (("t",) if spacetime else ())


def default_fields(m):
    """``u`` for one field, ``u1 ... um`` for more."""
    return ("u",) if m == 1 else tuple(f"u{i + 1}" for i in range(m))


def check_names(names, what):
    """``names`` as a tuple of distinct identifiers, else a ``ValueError`` naming ``what``."""
    names = tuple(names)
    for n in names:
        if not isinstance(n, str) or not n.isidentifier():
            raise ValueError(f"`{what}` must be identifiers. Received: {what}={names!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"`{what}` must be distinct. Received: {what}={names!r}")
    return names


def input_dim_of(net, domain, conditions, input_dim):
    """The number of coordinates, from ``input_dim``, the domain, the network or a condition."""
    dim = input_dim
    if dim is None and domain is not None:
        dim = int(domain.dim)
    if dim is None:
        try:
            dim = int(net.input_shape[-1])
        except (AttributeError, TypeError, ValueError, IndexError):
            dim = None
    if dim is None:
        dim = next((c.dim for c in conditions or () if hasattr(c, "dim")), None)
    if dim is None:
        raise ValueError(
            "Cannot tell the number of coordinates: give `domain=`, `input_dim=` or a "
            "`net` with a known input shape."
        )
    if domain is not None and int(domain.dim) != dim:
        raise ValueError(f"`domain` has dimension {domain.dim} but the network takes {dim} coordinates.")
    return dim


def parameter_specs(parameters, reserved):
    if isinstance(parameters, dict):
        parameters = [Parameter(k, v) for k, v in parameters.items()]
    specs = []
    for p in parameters or ():
        if isinstance(p, dict):
            p = Parameter(**p)
        if not isinstance(p, Parameter):
            raise ValueError(f"`parameters` must hold Parameter objects. Received: {p!r}")
        if p.name in reserved:
            raise ValueError(f"Parameter name {p.name!r} clashes with a coordinate or field name.")
        specs.append(p)
    if len({p.name for p in specs}) != len(specs):
        raise ValueError("`parameters` must have distinct names.")
    return specs


def unique_names(conditions, parameters):
    """Explicit names must be distinct; unnamed conditions sharing a default name are numbered.

    In order: ``dirichlet``, ``dirichlet_1``, ``dirichlet_2``, ..., skipping the
    names given explicitly (an unnamed ``DirichletBC`` next to one named
    ``"dirichlet"`` becomes ``dirichlet_1``).
    """
    explicit = [c.name for c in conditions if c.explicit_name]
    dup = sorted({n for n in explicit if explicit.count(n) > 1})
    if dup:
        raise ValueError(
            f"Condition names must be distinct; {dup} is given to more than one condition. "
            "Pass a different `name=` to each."
        )
    taken = set(explicit)
    for c in conditions:
        if c.explicit_name:
            continue
        base = name = c.unwrap().default_name  # also when numbered by an earlier call
        k = 0
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        c.name = name
        taken.add(name)
    names = [c.name for c in conditions]
    for n in names:
        if n == "loss" or n in parameters:
            raise ValueError(
                f"A condition cannot be named {n!r} ('loss' names the total, parameters their values)."
            )
