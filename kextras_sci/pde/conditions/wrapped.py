"""``WrappedCondition``: a condition that changes the residual of another one.

The wrapper forwards the public protocol of :class:`Condition` (``name``,
``weight``, ``domain``, ``num_points``, ``fixed_points``, ``method``, ``dim``,
``bind``, ``sample``, ``accept_points``, ``check_residual``) to the wrapped
condition ``inner``, explicitly; subclasses implement ``residual`` (usually
from ``inner.residual``). Used by the loss-balancing wrappers
(:class:`~kextras_sci.pde.balancing.SelfAdaptiveWeights`,
:class:`~kextras_sci.pde.balancing.CausalWeighting`). Those weight the training
points in ``loss_residual``; ``residual`` (any points: evaluation, RAD / RAR) is
the wrapped condition's, unweighted.
"""

from __future__ import annotations

from kextras_sci.pde.conditions.base import Condition

__all__ = ["WrappedCondition"]


def _forward(attr):
    def get(self):
        return getattr(self.inner, attr)

    def set_(self, value):
        setattr(self.inner, attr, value)

    return property(get, set_, doc=f"``inner.{attr}``.")


class WrappedCondition(Condition):
    """Base of conditions that delegate to ``inner`` and modify its residual.

    Args:
        inner: the wrapped :class:`Condition`.
    """

    def __init__(self, inner):  # no Condition.__init__: the state lives in inner
        if not isinstance(inner, Condition):
            raise ValueError(f"`condition` must be a Condition. Received: condition={inner!r}")
        self.inner = inner

    name = _forward("name")
    weight = _forward("weight")
    domain = _forward("domain")
    num_points = _forward("num_points")
    fixed_points = _forward("fixed_points")
    method = _forward("method")
    explicit_name = _forward("explicit_name")

    @property
    def dim(self):
        return self.inner.dim

    def describe(self):
        return f"{type(self).__name__}({self.inner.describe()})"

    def unwrap(self):
        return self.inner.unwrap()

    def bind(self, coords, fields, parameters, domain, dim):
        return self.inner.bind(coords, fields, parameters, domain, dim)

    def sample(self, seed=None):
        return self.inner.sample(seed)

    def accept_points(self, arrays):
        self.inner.accept_points(arrays)

    def check_residual(self, r, n):
        return self.inner.check_residual(r, n)

    def residual(self, model, arrays):
        """The wrapped condition's residual (unweighted), at any points."""
        return self.inner.residual(model, arrays)

    def inner_residual(self, model, arrays):
        """The wrapped condition's loss residual, normalised to ``[n, K]``."""
        return self.inner.check_residual(self.inner.loss_residual(model, arrays), None)
