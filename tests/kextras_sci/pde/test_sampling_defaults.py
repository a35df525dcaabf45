"""Safe sampling: exact interval ends, boundary points in the residual set, Hammersley, coverage warnings."""

import warnings

import keras
import numpy as np
import pytest

from kextras_sci import pde
from kextras_sci.pde.domains.unit import hammersley, radical_inverse

METHODS = (None, "hammersley", "uniform", "lhs", "sobol", "halton")


def small_net(d=1, m=1):
    return keras.Sequential([keras.Input((d,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(m)])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_interval_boundary_of_two_points_is_both_ends(method, seed):
    # issue 13: Interval(-1, 1).sample_boundary(2) gave one end twice for seeds 1-3
    for dom in (pde.Interval(-1, 1), pde.TimeInterval(-1, 1)):
        x = dom.sample_boundary(2, method=method, seed=seed)
        assert sorted(x.ravel().tolist()) == [-1.0, 1.0]


@pytest.mark.parametrize("n", [1, 3, 4, 7])
@pytest.mark.parametrize("method", METHODS)
def test_interval_boundary_counts_are_balanced_and_exact(n, method):
    x = pde.Interval(0.5, 2.0).sample_boundary(n, method=method, seed=0).ravel()
    assert set(x.tolist()) <= {0.5, 2.0}
    assert np.sum(x == 0.5) == (n + 1) // 2 and np.sum(x == 2.0) == n // 2


@pytest.mark.parametrize("method", METHODS)
def test_spacetime_boundary_both_ends_with_times_spread(method):
    st = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 2))
    x = st.sample_boundary(16, method=method, seed=4)
    for end in (-1.0, 1.0):
        t = x[x[:, 0] == end, 1]
        assert t.size == 8
        assert t.min() >= 0 and t.max() <= 2
    assert set(x[:, 0].tolist()) == {-1.0, 1.0}


def test_dirichlet_on_two_interval_points_sees_both_ends_for_the_issue_seeds():
    dom = pde.Interval(-1, 1)
    for seed in (1, 2, 3):
        p = pde.PINN(small_net(), [pde.PDEResidual(lambda u_xx: u_xx, dom, num_points=8),
                                   pde.DirichletBC(dom, lambda x: x, num_points=2, method="uniform")],
                     domain=dom, seed=seed)
        pts = p.points("dirichlet")
        assert sorted(pts["x"].ravel().tolist()) == [-1.0, 1.0]
        np.testing.assert_allclose(pts["y"].ravel(), pts["x"].ravel())


@pytest.mark.parametrize("method", METHODS)
def test_ode_residual_points_include_both_ends(method):
    # issue 13: with scrambled Sobol the first point was t=0.31 and t=0 was never a residual point
    dom = pde.TimeInterval(0, 10)
    for seed in (0, 1, 2):
        c = pde.PDEResidual(lambda u, u_t: u_t + u, dom, num_points=10, method=method)
        t = c.sample(seed)["x"].ravel()
        assert t.size == 12 and 0.0 in t and 10.0 in t
        assert np.all((t >= 0) & (t <= 10))


def test_include_boundary_false_and_explicit_count():
    dom = pde.Rectangle([0, 0], [1, 2])
    x = pde.PDEResidual(lambda u_xx: u_xx, dom, num_points=100, include_boundary=False).sample(0)["x"]
    assert x.shape == (100, 2)
    x = pde.PDEResidual(lambda u_xx: u_xx, dom, num_points=100).sample(0)["x"]
    nb = int(np.ceil(2 * 2 * 100 ** 0.5))  # ceil(2 d n^((d-1)/d))
    assert x.shape == (100 + nb, 2)
    assert dom.on_boundary(x[100:]).all() and dom.inside(x).all()
    x = pde.PDEResidual(lambda u_xx: u_xx, dom, num_points=50, num_boundary=7).sample(0)["x"]
    assert x.shape == (57, 2) and dom.on_boundary(x[50:]).all()


def test_spacetime_residual_gets_initial_and_boundary_points():
    st = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))
    x = pde.PDEResidual(lambda u_t: u_t, st, num_points=64, num_boundary=10).sample(0)["x"]
    extra = x[64:]
    assert np.sum(extra[:, 1] == 0.0) >= 5 and np.sum(np.abs(extra[:, 0]) == 1.0) == 5


def test_hammersley_matches_its_definition():
    # n = 4, d = 3: x = (i + 1/2)/4, phi_2(i), phi_3(i)
    u = hammersley(4, 3)
    np.testing.assert_allclose(u[:, 0], [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(u[:, 1], [0.0, 0.5, 0.25, 0.75])
    np.testing.assert_allclose(u[:, 2], [0.0, 1 / 3, 2 / 3, 1 / 9])
    np.testing.assert_allclose(radical_inverse([1, 2, 3, 6], 2), [0.5, 0.25, 0.75, 0.375])
    shifted = hammersley(8, 2, shift=np.array([0.3, 0.9]))
    np.testing.assert_allclose(shifted, np.mod(hammersley(8, 2) + [0.3, 0.9], 1.0))


def test_default_method_is_hammersley_and_seeded():
    r = pde.Rectangle([0, 0], [1, 1])
    np.testing.assert_array_equal(r.sample_interior(16, seed=5), r.sample_interior(16, method="hammersley", seed=5))
    assert not np.array_equal(r.sample_interior(16, seed=5), r.sample_interior(16, seed=6))
    x = r.sample_interior(16, seed=5)
    # one point in each column strip of width 1/16
    assert sorted(np.floor(((x[:, 0] - x[0, 0]) % 1.0) * 16 + 1e-9).astype(int).tolist()) == list(range(16))


def test_bad_method_names_the_choices():
    with pytest.raises(ValueError, match=r"`method` must be one of \('hammersley'"):
        pde.Interval(0, 1).sample_interior(4, method="grid")


def test_warning_when_a_boundary_condition_misses_an_interval_end():
    dom = pde.Interval(0, 1)
    with pytest.warns(UserWarning, match=r"DirichletBC 'dirichlet': none of its 1 points lies on the part\(s\) \['x0=1'\]"):
        pde.PINN(small_net(), [pde.PDEResidual(lambda u_xx: u_xx, dom, num_points=4),
                               pde.DirichletBC(dom, 0.0, num_points=1)], domain=dom)


def test_warning_when_a_box_face_gets_no_point_and_none_when_covered():
    dom = pde.Rectangle([0, 0], [1, 1])
    with pytest.warns(UserWarning, match="none of its 2 points"):
        pde.DirichletBC(dom, 0.0, num_points=2).sample(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pde.DirichletBC(dom, 0.0, num_points=64).sample(0)
        pde.DirichletBC(dom, 0.0, num_points=2, where=lambda x: x[:, 0] == 0).sample(0)


def test_rejection_sampled_domains_are_covered_with_the_default():
    # polygon and CSG interiors keep a prefix of the accepted candidates: it must not be a strip
    lshape = pde.Polygon([[0, 0], [1, 0], [1, -1], [-1, -1], [-1, 1], [0, 1]])
    holed = pde.Rectangle([-1, -1], [1, 1]) - pde.Disk([0, 0], 0.5)
    for dom in (lshape, holed):
        x = dom.sample_interior(400, seed=0)
        assert dom.inside(x).all()
        ref = dom.sample_interior(40000, method="uniform", seed=1)  # i.i.d.: an independent estimate of the area shares
        for j in (0, 1):  # the share of points in each quarter of the box along each axis
            share = np.histogram(x[:, j], bins=4, range=(-1, 1))[0] / len(x)
            expected = np.histogram(ref[:, j], bins=4, range=(-1, 1))[0] / len(ref)
            np.testing.assert_allclose(share, expected, atol=0.04)
    xb = holed.sample_boundary(200, seed=0)
    assert holed.on_boundary(xb).all()
    assert np.sum(np.isclose(np.linalg.norm(xb, axis=1), 0.5)) > 20
