"""Allen-Cahn ETDRK4 reference: coefficients, convergence, structure, residual."""

import numpy as np
import pytest

from kextras_sci.pde.references.allen_cahn import AllenCahn1D, etdrk4_coefficients, solve_allen_cahn


@pytest.fixture(scope="module")
def ref():
    r = AllenCahn1D()
    r.snapshots()
    return r


def u0(n):
    x = -1 + 2 * np.arange(n) / n
    return x**2 * np.cos(np.pi * x)


def test_coefficients_match_closed_form_away_from_zero():
    h = 0.1
    lin = np.array([-40.0, -15.0, 12.0, 30.0])  # z = h L in [-4, 3]: no cancellation
    c = etdrk4_coefficients(lin, h)
    z = h * lin
    np.testing.assert_allclose(c["E"], np.exp(z), rtol=1e-14)
    np.testing.assert_allclose(c["E2"], np.exp(z / 2), rtol=1e-14)
    np.testing.assert_allclose(c["Q"], h * (np.exp(z / 2) - 1) / z, rtol=1e-12)
    np.testing.assert_allclose(c["f1"], h * (-4 - z + np.exp(z) * (4 - 3 * z + z**2)) / z**3, rtol=1e-10)
    np.testing.assert_allclose(c["f2"], h * (2 + z + np.exp(z) * (-2 + z)) / z**3, rtol=1e-10)
    np.testing.assert_allclose(c["f3"], h * (-4 - 3 * z - z**2 + np.exp(z) * (4 - z)) / z**3, rtol=1e-10)


def test_coefficients_limits_at_zero():
    # Taylor limits as z -> 0: Q -> h/2, f1 = f2 = f3 -> h/6 (the RK4 weights)
    h = 0.01
    c = etdrk4_coefficients(np.array([0.0, 1e-9]), h)
    np.testing.assert_allclose(c["Q"], h / 2, rtol=1e-10)
    for key in ("f1", "f2", "f3"):
        np.testing.assert_allclose(c[key], h / 6, rtol=1e-10)


def test_fourth_order_in_dt():
    # 256 points, t in [0, 1]; reference run with dt = 2.5e-4
    n = 256
    _, fine = solve_allen_cahn(u0(n), dt=2.5e-4, save_every=4000)
    errs = []
    for dt in (4e-3, 2e-3, 1e-3):
        _, u = solve_allen_cahn(u0(n), dt=dt, save_every=int(round(1 / dt)))
        errs.append(np.abs(u[-1] - fine[-1]).max())
    rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all(rates > 3.7), (errs, rates)
    assert errs[0] < 1e-7


def test_spectral_convergence_in_n(ref):
    _, x, u = ref.snapshots()
    errs = []
    for n in (128, 256, 512):
        _, un = solve_allen_cahn(u0(n), dt=1e-3, save_every=1000)
        errs.append(np.abs(un[-1] - u[-1][:: 1024 // n]).max())
    assert errs[0] > 1e-3 and errs[1] < 2e-3 and errs[2] < 1e-5, errs
    assert errs[2] < 1e-2 * errs[1]
    # the default resolution resolves the interfaces: the top Fourier modes are at round-off
    tail = np.abs(np.fft.rfft(u[-1]))[-64:].max() / ref.nx
    assert tail < 1e-10


def test_energy_decays_maximum_principle_symmetry(ref):
    t, x, u = ref.snapshots()
    e = ref.energy()
    assert np.all(np.diff(e) <= 1e-12), np.diff(e).max()
    assert e[0] > 1.9 and e[-1] < 0.3  # phase separation
    assert np.abs(u).max() <= 1 + 1e-9
    mirrored = u[:, (-np.arange(ref.nx)) % ref.nx]  # x_j -> -x_j on the periodic grid
    np.testing.assert_allclose(u, mirrored, atol=1e-12)
    # energy at t = 0 by quadrature of the formula
    xs = -1 + 2 * np.arange(4096) / 4096
    ux = 2 * xs * np.cos(np.pi * xs) - np.pi * xs**2 * np.sin(np.pi * xs)
    e0 = np.mean(1e-4 / 2 * ux**2 + 5 / 4 * (u0(4096) ** 2 - 1) ** 2) * 2
    # (u0 has a derivative jump at the periodic seam x = +-1: spectral u_x has Gibbs there)
    np.testing.assert_allclose(e[0], e0, rtol=1e-6)


def test_against_a_finer_run(ref):
    _, x, u = ref.snapshots()
    _, fine = solve_allen_cahn(u0(2048), dt=1e-3, save_every=100)
    err = np.abs(u[::20] - fine[:, ::2])
    # u0 = x^2 cos(pi x) has a jump of u_x at the periodic seam x = +-1, so the error
    # is algebraic there (largest at early times) and spectral elsewhere
    interior = np.abs(x) < 0.9
    assert err[:, interior].max() < 1e-10
    assert err.max() < 1e-4
    assert err[-1].max() < 1e-8


@pytest.mark.slow
def test_against_a_much_finer_run(ref):
    _, x, u = ref.snapshots()
    _, fine = solve_allen_cahn(u0(4096), dt=2.5e-4, save_every=400)
    err = np.abs(u[::20] - fine[:, ::4])
    assert err[:, np.abs(x) < 0.9].max() < 1e-10
    assert err.max() < 1e-4 and err[-1].max() < 1e-8
    rel = np.linalg.norm(u[::20] - fine[:, ::4]) / np.linalg.norm(fine[:, ::4])
    assert rel < 2e-6


def test_hermite_time_interpolation(ref):
    dense = AllenCahn1D(save_dt=1e-3)
    td, xd, ud = dense.snapshots()
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(td), 300), rng.integers(0, ref.nx, 300)
    got = ref.solution(np.stack([xd[j], td[i]], 1))[:, 0]
    np.testing.assert_allclose(got, ud[i, j], atol=1e-7)
    # off-grid x at t = 0: trigonometric interpolation of u0, whose periodic extension has a
    # kink at x = +-1 (Gibbs ripple of order 1/N^2 away from it)
    xs = rng.uniform(-0.9, 0.9, 50)
    np.testing.assert_allclose(ref.solution(np.stack([xs, 0 * xs], 1))[:, 0], xs**2 * np.cos(np.pi * xs), atol=5e-5)


def test_residual_by_finite_differences(ref):
    rng = np.random.default_rng(1)
    p = np.stack([rng.uniform(-1, 1, 300), rng.uniform(0.05, 0.95, 300)], 1)

    def U(dx, dt):
        return ref.solution(p + np.array([dx, dt]))[:, 0]

    h = 2e-3
    u = U(0, 0)
    ut = (-U(0, 2 * h) + 8 * U(0, h) - 8 * U(0, -h) + U(0, -2 * h)) / (12 * h)
    uxx = (-U(2 * h, 0) + 16 * U(h, 0) - 30 * u + 16 * U(-h, 0) - U(-2 * h, 0)) / (12 * h**2)
    r = ut - 1e-4 * uxx + 5 * u**3 - 5 * u
    assert np.abs(ut).max() > 1.0
    assert np.abs(r).max() < 2e-4


def test_grid_layout(ref):
    x, t, u = ref.grid(64, 11)
    assert x.shape == (64,) and t.shape == (11,) and u.shape == (11, 64)
    np.testing.assert_allclose(u[0], x**2 * np.cos(np.pi * x), atol=1e-12)
    assert ref.relative_l2_error(np.stack([x, 0 * x + 1.0], 1), u[-1]) < 1e-12


@pytest.mark.parametrize(
    "kwargs, match",
    [({"d": -1.0}, "`d`"), ({"nx": 7}, "`nx`"), ({"dt": 2e-3, "save_dt": 3e-3}, "save_dt"), ({"t_end": 0}, "t_end")],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        AllenCahn1D(**kwargs)


def test_solver_bad_arguments():
    with pytest.raises(ValueError, match="t_end / dt"):
        solve_allen_cahn(u0(16), dt=0.3)
    with pytest.raises(ValueError, match="u0"):
        solve_allen_cahn(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="save_every"):
        solve_allen_cahn(u0(16), dt=0.1, save_every=3)
