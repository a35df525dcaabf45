"""Every condition's loss term against NumPy on a known (weight-free) solution."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde

A = 2.0  # u(x, t) = sin(A x) exp(-t) + x t


class Known(keras.layers.Layer):
    """A fixed field with closed-form derivatives (no weights)."""

    def call(self, x):
        xs, t = x[:, :1], x[:, 1:2]
        return tf.sin(A * xs) * tf.exp(-t) + xs * t


def np_u(p):
    x, t = p[:, 0], p[:, 1]
    return np.sin(A * x) * np.exp(-t) + x * t


def np_ux(p):
    x, t = p[:, 0], p[:, 1]
    return A * np.cos(A * x) * np.exp(-t) + t


def np_ut(p):
    x, t = p[:, 0], p[:, 1]
    return -np.sin(A * x) * np.exp(-t) + x


def np_uxx(p):
    x, t = p[:, 0], p[:, 1]
    return -(A**2) * np.sin(A * x) * np.exp(-t)


GEOM = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))


def make(conditions, **kwargs):
    return pde.PINN(Known(dtype="float64"), conditions, domain=GEOM, **kwargs)


def terms_of(pinn):
    total, terms = pinn.compute_terms()
    return float(total), {k: float(v) for k, v in terms.items()}


def test_pde_residual_names_and_parameters():
    def burgers(u, u_t, u_x, u_xx, x, nu):
        return u_t + u * u_x - nu * u_xx + 0 * x

    pinn = make(
        [pde.PDEResidual(burgers, GEOM, num_points=50, method="lhs", weight=2.0, include_boundary=False)],
        parameters=[pde.Parameter("nu", 0.3, bounds=(0.0, 1.0))],
    )
    p = pinn.collocation_points("pde")
    assert p.shape == (50, 2) and GEOM.inside(p).all()
    r = np_ut(p) + np_u(p) * np_ux(p) - 0.3 * np_uxx(p)
    total, terms = terms_of(pinn)
    np.testing.assert_allclose(terms["pde"], np.mean(r**2), rtol=1e-12)
    np.testing.assert_allclose(total, 2.0 * np.mean(r**2), rtol=1e-12)
    assert pinn.coords == ("x", "t") and pinn.fields == ("u",)


def test_system_residual_list_and_mixed_derivative():
    pts = GEOM.sample_interior(20, seed=3)
    pinn = make([pde.PDEResidual(lambda u_xt, u_tx, t: [u_xt, u_tx - t], pts)])
    x, t = pts[:, 0], pts[:, 1]
    uxt = -A * np.cos(A * x) * np.exp(-t) + 1
    want = np.mean(uxt**2) + np.mean((uxt - t) ** 2)  # one mean per equation, summed (DeepXDE)
    np.testing.assert_allclose(terms_of(pinn)[1]["pde"], want, rtol=1e-12)


def test_dirichlet_neumann_robin_on_boundary():
    g = lambda p: np.cos(p[:, :1])  # noqa: E731
    pinn = make(
        [
            pde.DirichletBC(GEOM, g, num_points=40, name="bc"),
            pde.NeumannBC(GEOM, 0.5, num_points=40),
            pde.RobinBC(GEOM, alpha=2.0, beta=-3.0, value=1.0, num_points=40, where=lambda p: p[:, 0] > 0),
        ]
    )
    terms = terms_of(pinn)[1]
    p = pinn.collocation_points("bc")
    assert np.all(np.abs(np.abs(p[:, 0]) - 1) < 1e-12)
    np.testing.assert_allclose(terms["bc"], np.mean((np_u(p) - np.cos(p[:, 0])) ** 2), rtol=1e-12)
    p = pinn.collocation_points("neumann")
    dn = np_ux(p) * np.sign(p[:, 0])
    np.testing.assert_allclose(terms["neumann"], np.mean((dn - 0.5) ** 2), rtol=1e-12)
    p = pinn.collocation_points("robin")
    assert p.shape[0] == 40 and np.all(p[:, 0] == 1.0)
    np.testing.assert_allclose(terms["robin"], np.mean((2 * np_u(p) - 3 * np_ux(p) - 1) ** 2), rtol=1e-12)


def test_neumann_fixed_points_with_normals_and_2d_domain():
    rect = pde.Rectangle([0, 0], [1, 2])

    class Q(keras.layers.Layer):
        def call(self, x):
            return x[:, :1] ** 2 * x[:, 1:] ** 3

    pts = rect.sample_boundary(30, seed=1)
    normals = rect.boundary_normal(pts)
    pinn = pde.PINN(Q(dtype="float64"), [pde.NeumannBC(pts, 0.0, normals=normals)], domain=rect)
    grad = np.stack([2 * pts[:, 0] * pts[:, 1] ** 3, 3 * pts[:, 0] ** 2 * pts[:, 1] ** 2], 1)
    want = np.mean(np.sum(grad * normals, 1) ** 2)
    np.testing.assert_allclose(terms_of(pinn)[1]["neumann"], want, rtol=1e-12)


@pytest.mark.parametrize("order", [0, 1])
def test_periodic(order):
    pinn = make([pde.PeriodicBC(GEOM, coordinate=0, num_points=25, derivative_order=order)])
    lo = pinn.collocation_points("periodic")
    assert np.all(lo[:, 0] == -1.0)
    hi = lo.copy()
    hi[:, 0] = 1.0
    f = np_u if order == 0 else np_ux
    np.testing.assert_allclose(terms_of(pinn)[1]["periodic"], np.mean((f(lo) - f(hi)) ** 2), rtol=1e-12)


def test_initial_value_and_velocity():
    pinn = make(
        [
            pde.InitialCondition(GEOM, lambda p: -np.sin(np.pi * p[:, 0]), num_points=30),
            pde.InitialCondition(GEOM, 0.25, num_points=30, derivative=1),
        ]
    )
    terms = terms_of(pinn)[1]
    p = pinn.collocation_points("initial")
    assert np.all(p[:, 1] == 0.0)
    np.testing.assert_allclose(terms["initial"], np.mean((np_u(p) + np.sin(np.pi * p[:, 0])) ** 2), rtol=1e-12)
    p = pinn.collocation_points("initial_t")
    np.testing.assert_allclose(terms["initial_t"], np.mean((np_ut(p) - 0.25) ** 2), rtol=1e-12)


def test_point_data_and_duplicate_names():
    xo = GEOM.sample_interior(12, seed=5)
    yo = np.zeros(12)
    pinn = make([pde.PointData(xo, yo), pde.PointData(xo, yo + 1)])
    assert pinn.term_names == ("data", "data_1")
    terms = terms_of(pinn)[1]
    np.testing.assert_allclose(terms["data"], np.mean(np_u(xo) ** 2), rtol=1e-12)
    np.testing.assert_allclose(terms["data_1"], np.mean((np_u(xo) - 1) ** 2), rtol=1e-12)


def test_resample_changes_points_deterministically():
    mk = lambda: make([pde.PDEResidual(lambda u_x: u_x, GEOM, num_points=16)], seed=3)  # noqa: E731
    a, b = mk(), mk()
    np.testing.assert_array_equal(a.collocation_points("pde"), b.collocation_points("pde"))
    before = a.collocation_points("pde")
    a.resample()
    after = a.collocation_points("pde")
    assert after.shape == before.shape and not np.allclose(after, before)
    np.testing.assert_allclose(terms_of(a)[1]["pde"], np.mean(np_ux(after) ** 2), rtol=1e-12)
