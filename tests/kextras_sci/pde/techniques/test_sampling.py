"""RAR / RAD / RAR-D callbacks against their selection rules (Wu et al. 2023)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde import sampling


def make_pinn(n=20, seed=0):
    keras.utils.set_random_seed(seed)
    net = keras.Sequential([keras.Input((1,), dtype="float64"), keras.layers.Dense(4, "tanh", dtype="float64"),
                            keras.layers.Dense(1, dtype="float64")])
    geom = pde.Interval(0.0, 1.0)
    # residual u_x - (u_x - x^3) = x^3: |r| known in closed form, independent of the network
    res = pde.PDEResidual(lambda u_x, x: u_x - (u_x - x**3), geom, num_points=n, include_boundary=False)
    p = pde.PINN(net, [res, pde.DirichletBC(geom, 0.0, num_points=2, name="bc")], domain=geom)
    p.compile(keras.optimizers.Adam(1e-3), steps_per_execution=1)
    return p


def test_rad_probabilities_formula():
    r = np.array([1.0, 2.0, 3.0])
    p = sampling.rad_probabilities(r, k=2, c=1)  # e = (1, 4, 9), mean 14/3
    q = np.array([1, 4, 9]) / (14 / 3) + 1
    np.testing.assert_allclose(p, q / q.sum(), rtol=1e-14)
    np.testing.assert_allclose(sampling.rad_probabilities(np.zeros(4), 1, 0), 0.25)


def test_rar_adds_the_largest_residuals():
    pinn = make_pinn()
    before = pinn.collocation_points("pde").copy()
    cb = sampling.RAR(num_add=5, every=2, num_candidates=300)
    hist = pinn.fit(epochs=1, steps_per_epoch=4, callbacks=[cb], verbose=0)
    cand = cb.last_candidates
    np.testing.assert_allclose(cb.last_residuals, cand[:, 0] ** 3, rtol=1e-9, atol=1e-15)
    expected = cand[np.argsort(-cand[:, 0] ** 3)[:5]]
    np.testing.assert_array_equal(cb.last_added, expected)
    pts = pinn.collocation_points("pde")
    assert pts.shape == (30, 1) and cb.history == [(2, 25), (4, 30)]
    np.testing.assert_array_equal(pts[:20], before)
    np.testing.assert_array_equal(pts[25:], expected)
    assert hist.history["n_points_pde"] == [30.0]
    # the loss uses all points: the residual term is the mean of x^6 over them
    _, terms = pinn.compute_terms()
    assert float(terms["pde"]) == pytest.approx(np.mean(pts[:, 0] ** 6), rel=1e-9)


@pytest.mark.slow
def test_rar_max_points():
    pinn = make_pinn()
    cb = sampling.RAR(num_add=5, every=1, num_candidates=50, max_points=27)
    pinn.fit(epochs=1, steps_per_epoch=3, callbacks=[cb], verbose=0)
    assert pinn.collocation_points("pde").shape[0] == 27


def test_rad_resamples_from_the_residual_density():
    pinn = make_pinn(n=2000)
    cb = sampling.RAD(k=1.0 / 3.0, c=0.0, every=1, num_candidates=40000, seed=3)
    pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[cb], verbose=0)
    x = pinn.collocation_points("pde")[:, 0]
    assert x.shape == (2000,) and np.unique(x).size == 2000
    assert np.isin(x, cb.last_candidates[:, 0]).all()
    # |r|^(1/3) = x: density 2x on [0, 1], mean 2/3, second moment 1/2
    assert abs(x.mean() - 2 / 3) < 0.02 and abs((x**2).mean() - 0.5) < 0.02
    # c = 1 mixes in the uniform density: p = (2x + 1) / 2, mean 7/12
    pinn2 = make_pinn(n=2000)
    cb2 = sampling.RAD(k=1.0 / 3.0, c=1.0, every=1, num_candidates=40000, seed=4)
    pinn2.fit(epochs=1, steps_per_epoch=1, callbacks=[cb2], verbose=0)
    assert abs(pinn2.collocation_points("pde")[:, 0].mean() - 7 / 12) < 0.02


@pytest.mark.slow
def test_rard_adds_points_from_the_density():
    pinn = make_pinn(n=10)
    cb = sampling.RARD(num_add=1000, k=1.0 / 3.0, c=0.0, every=1, num_candidates=20000, seed=1)
    pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[cb], verbose=0)
    x = pinn.collocation_points("pde")[:, 0]
    assert x.shape == (1010,)
    assert abs(x[10:].mean() - 2 / 3) < 0.03


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: sampling.RAR(num_add=0), "num_add"),
        (lambda: sampling.RAR(every=0), "every"),
        (lambda: sampling.RAD(k=-1.0), "`k`"),
        (lambda: sampling.RARD(c=float("inf")), "`c`"),
        (lambda: sampling.RAR(condition=3), "condition"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_unknown_term_and_too_few_candidates():
    pinn = make_pinn()
    with pytest.raises(ValueError, match="must name a term"):
        pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[sampling.RAR("nope")], verbose=0)
    with pytest.raises(ValueError, match="num_candidates"):
        pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[sampling.RAD(every=1, num_candidates=5)], verbose=0)
    with pytest.raises(ValueError, match="points only|no domain"):
        pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[sampling.RAR("bc", every=1)], verbose=0)


def test_resample_outside_fit_between_lbfgs_rounds():
    """``resample(pinn)`` runs one RAD round without ``fit`` (density 2x on [0, 1] as above)
    and the L-BFGS stage then minimises over the new points."""
    pinn = make_pinn(n=2000)
    cb = sampling.RAD(k=1.0 / 3.0, c=0.0, num_candidates=40000, seed=5)
    with pytest.raises(ValueError, match="give the PINN"):
        cb.resample()
    new = cb.resample(pinn)
    x = pinn.collocation_points("pde")[:, 0]
    np.testing.assert_array_equal(x, new[:, 0])
    assert abs(x.mean() - 2 / 3) < 0.02 and cb.history == [(0, 2000)]
    pde.minimize_lbfgs(pinn, maxiter=3, verbose=0)
    _, terms = pinn.compute_terms()
    assert float(terms["pde"]) == pytest.approx(np.mean(x**6), rel=1e-9)  # the loss sees the new points
    cb.resample()  # the PINN is remembered
    assert len(cb.history) == 2 and not np.array_equal(pinn.collocation_points("pde")[:, 0], x)
