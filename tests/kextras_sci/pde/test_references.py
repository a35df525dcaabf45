"""Tests of kextras_sci.pde.references: each exact solution is checked independently
(finite-difference residuals, initial/boundary values, an adaptive-quadrature evaluation
of the Cole-Hopf integrals, a published value)."""

import numpy as np
import pytest
import tensorflow as tf
from scipy.integrate import quad

from kextras_sci.pde import references as R
from kextras_sci.pde.domains import Polygon, Rectangle, SpaceTime


def _d(f, x, axis, h):
    """Central first derivative of f along a coordinate."""
    e = np.zeros(x.shape[1])
    e[axis] = h
    return (f(x + e) - f(x - e)) / (2 * h)


def _d2(f, x, axis, h):
    e = np.zeros(x.shape[1])
    e[axis] = h
    return (f(x + e) - 2 * f(x) + f(x - e)) / h**2


def _interior(ref, n, seed=0, margin=0.02):
    x = ref.domain.sample_interior(n, seed=seed)
    lo, hi = ref.domain.bbox
    keep = np.all((x > lo + margin) & (x < hi - margin), axis=1)
    return x[keep]


# --------------------------------------------------------------------------- Burgers


def _burgers_quad(x, t, nu):
    """Independent evaluation of the Cole-Hopf integrals with adaptive quadrature."""
    s = np.sqrt(4 * nu * t)
    phase = lambda z: -np.cos(np.pi * (x - s * z)) / (2 * np.pi * nu) - z * z  # noqa: E731
    zs = np.linspace(-30, 30, 6001)
    shift = phase(zs).max()
    kw = dict(limit=1000, epsabs=0, epsrel=1e-12)
    num = quad(lambda z: np.sin(np.pi * (x - s * z)) * np.exp(phase(z) - shift), -30, 30, **kw)[0]
    den = quad(lambda z: np.exp(phase(z) - shift), -30, 30, **kw)[0]
    return -num / den


def test_burgers_matches_adaptive_quadrature():
    ref = R.Burgers1D()
    pts = np.array([[-0.3, 0.7], [0.01, 1.0], [0.002, 0.5], [0.5, 0.2], [-0.9, 0.95], [0.05, 0.35]])
    got = ref.solution(pts)[:, 0]
    expected = [_burgers_quad(x, t, ref.nu) for x, t in pts]
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10)


def test_burgers_basdevant_maximal_slope():
    """Basdevant et al. (1986): max |u_x| = 152.00516 at x = 0, t = 1.6037/pi."""
    ref = R.Burgers1D()
    h = 1e-7
    t = 1.6037 / np.pi
    u = ref.solution(np.array([[-h, t], [h, t]]))[:, 0]
    assert (u[1] - u[0]) / (2 * h) == pytest.approx(-152.00516, abs=2e-4)


def test_burgers_initial_boundary_and_residual():
    ref = R.Burgers1D()
    x = np.linspace(-1, 1, 101)
    u0 = ref.solution(np.stack([x, np.zeros_like(x)], 1))[:, 0]
    np.testing.assert_allclose(u0, -np.sin(np.pi * x), atol=1e-14)
    np.testing.assert_allclose(ref.initial(np.stack([x, np.ones_like(x)], 1))[:, 0], -np.sin(np.pi * x))
    t = np.linspace(0, 1, 51)
    for side in (-1.0, 1.0):
        ub = ref.solution(np.stack([np.full_like(t, side), t], 1))[:, 0]
        np.testing.assert_allclose(ub, 0.0, atol=1e-12)
    # residual u_t + u u_x - nu u_xx by finite differences, away from the shock at x = 0
    rng = np.random.default_rng(0)
    pts = np.stack([rng.uniform(-0.9, 0.9, 300), rng.uniform(0.05, 1.0, 300)], 1)
    pts = pts[np.abs(pts[:, 0]) > 0.15]
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    h = 1e-4
    u, ut, ux, uxx = f(pts), _d(f, pts, 1, h), _d(f, pts, 0, h), _d2(f, pts, 0, h)
    res = ut + u * ux - ref.nu * uxx
    scale = np.abs(ut) + np.abs(u * ux) + 1.0
    assert np.max(np.abs(res) / scale) < 1e-5


def test_burgers_grid_and_errors():
    ref = R.Burgers1D(t_end=0.5)
    xs, ts, u = ref.grid(nx=16, nt=5)
    assert u.shape == (5, 16) and ts[-1] == 0.5
    np.testing.assert_allclose(u[0], -np.sin(np.pi * xs), atol=1e-14)
    assert isinstance(ref.domain, SpaceTime) and ref.coefficients == {"nu": pytest.approx(0.01 / np.pi)}
    with pytest.raises(ValueError, match=r"`nu` must be a positive finite number. Received: nu=0"):
        R.Burgers1D(nu=0)
    with pytest.raises(ValueError, match=r"`n_quad` must be an integer in \[2, 300\]. Received: n_quad=1000"):
        R.Burgers1D(n_quad=1000)
    with pytest.raises(ValueError, match=r"`x` must have shape \[n, 2\].*x.shape=\(3,\)"):
        ref.solution(np.zeros(3))


# --------------------------------------------------------------------------- elliptic


def _laplacian_fd(f, x, h=1e-4):
    return sum(_d2(f, x, k, h) for k in range(x.shape[1]))


@pytest.mark.parametrize("a,b", [(1, 1), (2, 3)])
def test_poisson_square(a, b):
    ref = R.PoissonSquare(a, b)
    assert isinstance(ref.domain, Rectangle)
    x = ref.domain.sample_interior(400, method="sobol", seed=0)
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    np.testing.assert_allclose(-_laplacian_fd(f, x), ref.source(x)[:, 0], atol=2e-5 * (a * a + b * b))
    xb = ref.domain.sample_boundary(200, seed=0)
    np.testing.assert_allclose(ref.solution(xb), 0.0, atol=1e-14)
    np.testing.assert_allclose(ref(x), np.sin(a * np.pi * x[:, :1]) * np.sin(b * np.pi * x[:, 1:]))


def test_poisson_lshape():
    ref = R.PoissonLShape()
    assert isinstance(ref.domain, Polygon) and ref.domain.area == pytest.approx(3.0)
    x = ref.domain.sample_interior(400, method="halton", seed=0)
    x = x[ref.domain._edge_distance(x).min(axis=1) > 2e-4]
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    np.testing.assert_allclose(-_laplacian_fd(f, x), ref.source(x)[:, 0], atol=1e-4)
    xb = ref.domain.sample_boundary(300, seed=0)
    np.testing.assert_allclose(ref.solution(xb)[:, 0], np.exp(xb[:, 0]) * np.sin(np.pi * xb[:, 1]), atol=1e-15)
    # zero on the horizontal edges y = -1, 0, 1
    horiz = np.isclose(xb[:, 1], -1) | np.isclose(xb[:, 1], 0) | np.isclose(xb[:, 1], 1)
    np.testing.assert_allclose(ref.solution(xb[horiz]), 0.0, atol=1e-14)


def test_helmholtz():
    ref = R.HelmholtzSquare()
    assert ref.coefficients == {"k": pytest.approx(2 * np.pi), "a": 1, "b": 4}
    x = ref.domain.sample_interior(400, method="lhs", seed=0)
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    lhs = _laplacian_fd(f, x, h=1e-4) + ref.k**2 * f(x)
    np.testing.assert_allclose(lhs, ref.source(x)[:, 0], atol=5e-4)
    np.testing.assert_allclose(ref.solution(ref.domain.sample_boundary(100, seed=0)), 0.0, atol=1e-14)


# --------------------------------------------------------------------------- parabolic / hyperbolic


def test_heat_series():
    ref = R.Heat1D(alpha=0.4)
    x = _interior(ref, 400)
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    res = _d(f, x, 1, 1e-5) - ref.alpha * _d2(f, x, 0, 1e-3)
    assert np.max(np.abs(res)) < 1e-5
    xs = np.linspace(0, 1, 41)
    u0 = ref.solution(np.stack([xs, np.zeros_like(xs)], 1))[:, 0]
    np.testing.assert_allclose(u0, xs * (1 - xs), atol=2e-7)
    np.testing.assert_allclose(ref.initial(np.stack([xs, xs], 1))[:, 0], xs * (1 - xs))
    t = np.linspace(0, 1, 11)
    for side in (0.0, 1.0):
        np.testing.assert_allclose(ref.solution(np.stack([np.full_like(t, side), t], 1)), 0.0, atol=1e-12)


def test_heat_custom_coefficients_single_mode():
    ref = R.Heat1D(alpha=0.1, length=2.0, sine_coefficients=[0.0, 3.0])
    pts = ref.domain.sample_interior(50, seed=1)
    expected = 3.0 * np.sin(2 * np.pi * pts[:, 0] / 2.0) * np.exp(-0.1 * (np.pi) ** 2 * pts[:, 1])
    np.testing.assert_allclose(ref.solution(pts)[:, 0], expected, atol=1e-14)
    np.testing.assert_allclose(ref.initial(pts)[:, 0], 3.0 * np.sin(np.pi * pts[:, 0]), atol=1e-14)
    with pytest.raises(ValueError, match=r"`sine_coefficients` must be a non-empty 1D"):
        R.Heat1D(sine_coefficients=[])
    with pytest.raises(ValueError, match=r"`alpha` must be a positive finite number. Received: alpha=-1"):
        R.Heat1D(alpha=-1)


@pytest.mark.parametrize("d,k", [(1.0, 0.0), (0.5, 2.0)])
def test_diffusion_reaction(d, k):
    ref = R.DiffusionReaction1D(d=d, k=k)
    x = _interior(ref, 400)
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    res = _d(f, x, 1, 1e-5) - d * _d2(f, x, 0, 1e-3) + k * f(x) - ref.source(x)[:, 0]
    assert np.max(np.abs(res)) < 2e-4
    xs = np.linspace(-np.pi, np.pi, 33)
    u0 = ref.solution(np.stack([xs, np.zeros_like(xs)], 1))[:, 0]
    expected = sum(np.sin(j * xs) / j for j in (1, 2, 3, 4, 8))
    np.testing.assert_allclose(u0, expected, atol=1e-14)
    t = np.linspace(0, 1, 11)
    for side in (-np.pi, np.pi):
        np.testing.assert_allclose(ref.solution(np.stack([np.full_like(t, side), t], 1)), 0.0, atol=1e-14)


def test_diffusion_reaction_default_matches_deepxde_source():
    ref = R.DiffusionReaction1D()
    x = ref.domain.sample_interior(50, seed=0)
    xx, t = x[:, 0], x[:, 1]
    src = np.exp(-t) * (
        3 * np.sin(2 * xx) / 2 + 8 * np.sin(3 * xx) / 3 + 15 * np.sin(4 * xx) / 4 + 63 * np.sin(8 * xx) / 8
    )
    np.testing.assert_allclose(ref.source(x)[:, 0], src, atol=1e-13)


def test_klein_gordon():
    ref = R.KleinGordon1D()
    x = _interior(ref, 400)
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    u = f(x)
    lhs = _d2(f, x, 1, 1e-3) + ref.alpha * _d2(f, x, 0, 1e-3) + ref.beta * u + ref.gamma * u**3
    np.testing.assert_allclose(lhs, ref.source(x)[:, 0], rtol=1e-4, atol=1e-3)
    xs = np.linspace(0, 1, 21)
    init = np.stack([xs, np.zeros_like(xs)], 1)
    np.testing.assert_allclose(ref.solution(init)[:, 0], xs, atol=1e-15)
    # the closed form extends to t < 0, so a central difference at t = 0 is valid
    np.testing.assert_allclose(_d(f, init, 1, 1e-4), 0.0, atol=1e-7)
    np.testing.assert_allclose(ref.initial_velocity(init), 0.0)
    with pytest.raises(ValueError, match=r"`gamma` must be a finite number. Received: gamma=nan"):
        R.KleinGordon1D(gamma=float("nan"))


# --------------------------------------------------------------------------- wave


@pytest.mark.parametrize("c, m, a", [(2.0, 4, 0.5), (1.0, 3, -2.0)])
def test_wave_finite_difference_residual(c, m, a):
    ref = R.Wave1D(c=c, m=m, a=a)
    x = _interior(ref, 400)
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    h = 2e-4
    u_tt, u_xx = _d2(f, x, 1, h), _d2(f, x, 0, h)
    # residual u_tt - c^2 u_xx vanishes to the O(h^2) truncation error (~1e-3 here),
    # against |u_tt| up to ~300
    scale = np.abs(u_tt).max()
    assert scale > 10.0
    np.testing.assert_allclose(u_tt - c**2 * u_xx, 0.0, atol=1e-5 * scale)
    # boundary, initial value and initial velocity
    ts = np.linspace(0, 1, 21)
    for xb in (0.0, 1.0):
        np.testing.assert_allclose(f(np.stack([np.full_like(ts, xb), ts], 1)), 0.0, atol=1e-14)
    xs = np.linspace(0, 1, 21)
    init = np.stack([xs, np.zeros_like(xs)], 1)
    expected = np.sin(np.pi * xs) + a * np.sin(m * np.pi * xs)
    np.testing.assert_allclose(f(init), expected, atol=1e-14)
    np.testing.assert_allclose(ref.initial_value(init)[:, 0], expected, atol=1e-14)
    # the closed form extends to t < 0, so a central difference at t = 0 is valid
    np.testing.assert_allclose(_d(f, init, 1, 1e-5), 0.0, atol=1e-6)
    np.testing.assert_allclose(ref.initial_velocity(init), 0.0)
    assert ref.source(x).shape == (x.shape[0], 1) and not ref.source(x).any()


def test_wave_default_is_the_ntk_paper_case():
    ref = R.Wave1D()
    x = np.array([[0.3, 0.7], [0.9, 0.05]])
    xx, t = x[:, 0], x[:, 1]
    u = np.sin(np.pi * xx) * np.cos(2 * np.pi * t) + 0.5 * np.sin(4 * np.pi * xx) * np.cos(8 * np.pi * t)
    np.testing.assert_allclose(ref.solution(x)[:, 0], u, atol=1e-15)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(c=0.0), r"`c` must be a positive finite number. Received: c=0.0"),
        (dict(m=0), r"`m` must be a positive integer. Received: m=0"),
        (dict(m=2.5), r"`m` must be a positive integer. Received: m=2.5"),
        (dict(a=float("inf")), r"`a` must be a finite number. Received: a=inf"),
    ],
)
def test_wave_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        R.Wave1D(**kwargs)


# --------------------------------------------------------------------------- tensors


@pytest.mark.parametrize(
    "ref",
    [R.PoissonSquare(), R.PoissonLShape(), R.HelmholtzSquare(), R.DiffusionReaction1D(k=1.0), R.KleinGordon1D(), R.Wave1D()],
    ids=lambda r: r.name,
)
def test_closed_forms_accept_tensors_and_differentiate(ref):
    x = ref.domain.sample_interior(64, seed=0)
    xt = tf.constant(x)
    np.testing.assert_allclose(ref.solution(xt).numpy(), ref.solution(x), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ref.source(xt).numpy(), ref.source(x), rtol=1e-12, atol=1e-12)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        u = ref.solution(xt)
    g = tape.gradient(u, xt).numpy()
    f = lambda p: ref.solution(p)[:, 0]  # noqa: E731
    fd = np.stack([_d(f, x, k, 1e-6) for k in range(x.shape[1])], 1)
    np.testing.assert_allclose(g, fd, atol=1e-6)
    with pytest.raises(ValueError, match=r"`x` must have shape \[n, 2\]"):
        ref.solution(tf.zeros((3, 5), tf.float64))


def test_relative_l2_error():
    ref = R.PoissonSquare()
    x = ref.domain.sample_interior(100, seed=0)
    u = ref.solution(x)
    assert ref.relative_l2_error(x, u) == 0.0
    assert ref.relative_l2_error(x, 1.1 * u) == pytest.approx(0.1)
    with pytest.raises(ValueError, match=r"`u_pred` must have one value per point \(100\)"):
        ref.relative_l2_error(x, u[:5])
