"""Self-adaptive weights with resampling (RAD) and evaluation at other points, on a linear
network whose residual is known in closed form."""

import keras
import numpy as np
import pytest

from kextras_sci import pde
from kextras_sci.pde import balancing as bal

A, B, C = 0.7, -1.3, 0.4  # u(x, t) = A x + B t + C


def closed_form(x):
    """u_t + u u_x for u = A x + B t + C (NumPy)."""
    return (B + (A * x[:, 0] + B * x[:, 1] + C) * A)[:, None]


def make_pinn(n=16, lr=0.0):
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    net.layers[-1].set_weights([np.array([[A], [B]]), np.array([C])])
    geom = pde.SpaceTime(pde.Interval(-1.0, 1.0), pde.TimeInterval(0.0, 1.0))
    sa = bal.SelfAdaptiveWeights(pde.PDEResidual(lambda u, u_t, u_x: u_t + u * u_x, geom, num_points=n,
                                                 include_boundary=False))
    pinn = pde.PINN(net, [sa, pde.DirichletBC(geom, 0.0, num_points=6, name="bc")], domain=geom)
    pinn.compile(keras.optimizers.SGD(lr), steps_per_execution=1)
    return pinn, sa


def test_pointwise_residuals_at_other_points_are_unweighted():
    pinn, sa = make_pinn()
    sa.lambdas.assign(np.linspace(0.5, 2.0, 16))
    other = np.random.default_rng(1).uniform([-1, 0], [1, 1], (37, 2))
    np.testing.assert_allclose(pinn.pointwise_residuals("pde", other, batch_size=10), closed_form(other), rtol=1e-12)
    np.testing.assert_allclose(pinn.condition_residual("pde", other).numpy(), closed_form(other), rtol=1e-12)
    # the training loss is weighted: mean(lambda^2 r^2) on the training points
    x = pinn.collocation_points("pde")
    _, terms = pinn.compute_terms()
    want = np.mean(np.linspace(0.5, 2.0, 16) ** 2 * closed_form(x)[:, 0] ** 2)
    assert float(terms["pde"]) == pytest.approx(want, rel=1e-12)


def test_new_points_restart_the_weights():
    pinn, sa = make_pinn()
    sa.lambdas.assign(np.full(16, 3.0))
    rad = pde.sampling.RAD("pde", every=1, num_candidates=200, seed=4)
    new = rad.resample(pinn)
    assert sa.generation == 1 and not np.allclose(new, 0)
    np.testing.assert_array_equal(sa.lambdas.numpy(), np.ones(16))
    _, terms = pinn.compute_terms()
    assert float(terms["pde"]) == pytest.approx(np.mean(closed_form(new) ** 2), rel=1e-12)
    with pytest.raises(ValueError, match=r"the number of points cannot change \(16 -> 20\)"):
        pinn.set_points(sa, np.zeros((20, 2)))


def test_rad_and_self_adaptive_weights_train_together():
    pinn, sa = make_pinn(lr=1e-3)
    rad = pde.sampling.RAD("pde", every=3, num_candidates=300, seed=2)
    upd = bal.SelfAdaptiveUpdate(sa, learning_rate=0.1, optimizer="adam")
    before = pinn.collocation_points("pde").copy()
    hist = pinn.fit(epochs=2, steps_per_epoch=4, callbacks=[rad, upd], verbose=0)
    assert np.all(np.isfinite(hist.history["loss"]))
    assert [s for s, _ in rad.history] == [3, 6] and sa.generation == 2
    assert not np.allclose(pinn.collocation_points("pde"), before)
    # the ascent went on from the restart at step 6 (at most 3 Adam steps of about lr each)
    lam = sa.lambdas.numpy()
    assert np.all(lam > 1.05) and np.all(lam < 1.0 + 3 * 0.1 + 1e-6)
