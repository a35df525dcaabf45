"""Tests of kextras_sci.pde.domains: membership, boundaries, normals, sampling, errors."""

import numpy as np
import pytest
from matplotlib.path import Path
from scipy.stats import qmc

from kextras_sci.pde import domains as D

METHODS = ("uniform", "lhs", "sobol", "halton")

L_VERTS = [[-1, -1], [1, -1], [1, 0], [0, 0], [0, 1], [-1, 1]]


def _shapes():
    return {
        "interval": D.Interval(-1.0, 2.0),
        "rectangle": D.Rectangle([0, 0], [2, 1]),
        "box3": D.Box([0, 0, 0], [1, 2, 3]),
        "box4": D.Box([0, 0, 0, 0], [1, 1, 1, 1]),
        "disk": D.Disk([0.5, -0.5], 2.0),
        "ball3": D.Ball([0, 0, 0], 1.5),
        "ball5": D.Ball([0, 0, 0, 0, 0], 1.0),
        "polygon": D.Polygon(L_VERTS),
        "triangle_cw": D.Polygon([[0, 0], [0, 1], [1, 0]]),
        "union": D.Disk([0, 0], 1) | D.Rectangle([0, -0.5], [2, 0.5]),
        "intersection": D.Disk([0, 0], 1) & D.Disk([1, 0], 1),
        "difference": D.Rectangle([0, 0], [1, 1]) - D.Disk([0.5, 0.5], 0.25),
        "lshape_csg": D.Rectangle([-1, -1], [1, 1]) - D.Rectangle([0, 0], [1, 1]),
        "nested": (D.Box([0, 0, 0], [2, 2, 2]) - D.Ball([2, 2, 2], 1)) | D.Ball([0, 0, 0], 0.5),
        "spacetime_interval": D.SpaceTime(D.Interval(-1, 1), D.TimeInterval(0, 1)),
        "spacetime_polygon": D.SpaceTime(D.Polygon(L_VERTS), D.TimeInterval(0.5, 2)),
        "spacetime_csg": D.SpaceTime(D.Disk([0, 0], 1) - D.Disk([0, 0], 0.5), D.TimeInterval(0, 1)),
    }


SHAPES = _shapes()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_samples_inside_on_boundary_and_deterministic(name, method):
    g = SHAPES[name]
    x = g.sample_interior(300, method=method, seed=3)
    assert x.shape == (300, g.dim) and x.dtype == np.float64
    assert np.all(g.inside(x))
    lo, hi = g.bbox
    assert np.all(x >= lo - 1e-12) and np.all(x <= hi + 1e-12)
    np.testing.assert_array_equal(x, g.sample_interior(300, method=method, seed=3))
    assert not np.array_equal(x, g.sample_interior(300, method=method, seed=4))
    b = g.sample_boundary(200, method=method, seed=3)
    assert b.shape == (200, g.dim) and b.dtype == np.float64
    assert np.all(g.on_boundary(b)) and np.all(g.inside(b))
    np.testing.assert_array_equal(b, g.sample_boundary(200, method=method, seed=3))
    n = g.boundary_normal(b)
    np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_normals_point_outward(name):
    """Stepping along +n leaves the domain, along -n enters it (away from corners)."""
    g = SHAPES[name]
    b = g.sample_boundary(400, seed=11)
    n = g.boundary_normal(b)
    if isinstance(g, D.SpaceTime):
        spatial = n[:, :-1]
        np.testing.assert_array_equal(n[:, -1], 0.0)
        assert np.all(np.linalg.norm(spatial, axis=1) > 0.999)
    eps = 1e-4
    outside = ~g.inside(b + eps * n, atol=0)
    inside = g.inside(b - eps * n, atol=0) & ~g.on_boundary(b - eps * n, atol=1e-9)
    # A few points within eps of a corner may fail either test; almost all must pass.
    assert np.mean(outside) > 0.97 and np.mean(inside) > 0.97


def test_box_inside_boundary_and_normals_vs_formula():
    g = D.Box([0, -1, 2], [1, 1, 5])
    x = np.array([[0.5, 0, 3], [0, 0, 3], [1.2, 0, 3], [1, 1, 5], [0.5, -1, 4], [0.5, 0, 5 + 1e-3]])
    np.testing.assert_array_equal(g.inside(x), [True, True, False, True, True, False])
    np.testing.assert_array_equal(g.on_boundary(x), [False, True, False, True, True, False])
    n = g.boundary_normal(x[[1, 3, 4]])
    np.testing.assert_allclose(n, [[-1, 0, 0], np.ones(3) / np.sqrt(3), [0, -1, 0]], atol=1e-15)


def test_disk_and_ball_normals_and_membership():
    d = D.Disk([1, 2], 0.5)
    theta = np.linspace(0, 2 * np.pi, 17)
    pts = np.stack([1 + 0.5 * np.cos(theta), 2 + 0.5 * np.sin(theta)], axis=1)
    assert np.all(d.on_boundary(pts))
    np.testing.assert_allclose(d.boundary_normal(pts), np.stack([np.cos(theta), np.sin(theta)], 1), atol=1e-12)
    np.testing.assert_array_equal(d.inside([[1, 2], [1.6, 2], [1, 2.49]]), [True, False, True])
    b = D.Ball([0, 0, 0], 2).sample_boundary(50, seed=0)
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 2.0, atol=1e-13)


def test_polygon_inside_matches_matplotlib_path():
    verts = np.array([[0, 0], [4, 0], [4, 3], [2, 1], [0, 3]], dtype=float)
    g = D.Polygon(verts)
    rng = np.random.default_rng(0)
    x = rng.uniform(-0.5, 4.5, size=(4000, 2))
    path = Path(verts)
    expected = path.contains_points(x)
    far = g._edge_distance(x).min(axis=1) > 1e-6  # away from the boundary
    np.testing.assert_array_equal(g.inside(x)[far], expected[far])
    assert g.area == pytest.approx(8.0)  # 4*3 - triangle (4*2)/2


def test_polygon_normals_and_boundary_uniform():
    g = D.Polygon(L_VERTS)
    x = np.array([[0, -1], [1, -0.5], [0.5, 0], [0, 0.5], [-0.5, 1], [-1, 0.3]])
    np.testing.assert_allclose(
        g.boundary_normal(x), [[0, -1], [1, 0], [0, 1], [1, 0], [0, 1], [-1, 0]], atol=1e-15
    )
    # reentrant corner: the normalised sum of the two edge normals
    np.testing.assert_allclose(g.boundary_normal([[0, 0]]), [[np.sqrt(0.5), np.sqrt(0.5)]], atol=1e-15)
    # boundary points spread proportionally to edge length (perimeter 8)
    b = g.sample_boundary(40000, seed=0)
    on_bottom = np.abs(b[:, 1] + 1) < 1e-12
    on_inner = (np.abs(b[:, 0]) < 1e-12) & (b[:, 1] > 0)
    assert np.mean(on_bottom) == pytest.approx(2 / 8, abs=0.01)
    assert np.mean(on_inner) == pytest.approx(1 / 8, abs=0.01)


def test_interior_sampling_is_uniform():
    x = D.Disk([0, 0], 1).sample_interior(40000, seed=0)
    assert np.mean(np.linalg.norm(x, axis=1) < 0.5) == pytest.approx(0.25, abs=0.01)
    x = D.Ball([0, 0, 0, 0], 2).sample_interior(40000, method="halton", seed=0)
    # E|x| = d/(d+1) R in d dimensions
    assert np.mean(np.linalg.norm(x, axis=1)) == pytest.approx(0.8 * 2, abs=0.01)
    x = D.Polygon(L_VERTS).sample_interior(30000, method="sobol", seed=0)
    for quadrant in ([-1, -1], [0, -1], [-1, 0]):
        q = np.all((x >= quadrant) & (x <= np.add(quadrant, 1)), axis=1)
        assert np.mean(q) == pytest.approx(1 / 3, abs=0.01)


def test_box_boundary_proportional_to_face_area():
    g = D.Box([0, 0, 0], [1, 2, 3])
    b = g.sample_boundary(60000, seed=1)
    areas = {0: 6.0, 1: 3.0, 2: 2.0}  # faces normal to x, y, z (each of two)
    total = 2 * sum(areas.values())
    for axis, area in areas.items():
        on = np.isclose(b[:, axis], g.lo[axis]) | np.isclose(b[:, axis], g.hi[axis])
        assert np.mean(on) == pytest.approx(2 * area / total, abs=0.01)


def test_interval_boundary_and_normals():
    g = D.Interval(-1, 3)
    b = g.sample_boundary(1000, seed=0)
    assert set(np.unique(b)) == {-1.0, 3.0}
    assert np.mean(b == -1.0) == pytest.approx(0.5, abs=0.05)
    np.testing.assert_array_equal(g.boundary_normal([[-1.0], [3.0]]), [[-1.0], [1.0]])


def test_lhs_is_stratified_and_sobol_beats_uniform():
    g = D.Box([0, 0], [2, 4])
    x = g.sample_interior(64, method="lhs", seed=0)
    u = (x - g.lo) / (g.hi - g.lo)
    for k in range(2):
        np.testing.assert_array_equal(np.sort(np.floor(u[:, k] * 64)), np.arange(64))
    s = (g.sample_interior(256, method="sobol", seed=0) - g.lo) / (g.hi - g.lo)
    r = (g.sample_interior(256, method="uniform", seed=0) - g.lo) / (g.hi - g.lo)
    assert qmc.discrepancy(s) < qmc.discrepancy(r) / 3


def test_csg_membership_vs_boolean_formula():
    a, b = D.Disk([0, 0], 1), D.Rectangle([0, -0.5], [2, 0.5])
    rng = np.random.default_rng(1)
    x = rng.uniform(-1.5, 2.5, size=(5000, 2))
    ina = np.linalg.norm(x, axis=1) < 1
    inb = (x[:, 0] > 0) & (x[:, 0] < 2) & (np.abs(x[:, 1]) < 0.5)
    far = (np.abs(np.linalg.norm(x, axis=1) - 1) > 1e-6) & (np.abs(np.abs(x[:, 1]) - 0.5) > 1e-6)
    far &= (np.abs(x[:, 0]) > 1e-6) & (np.abs(x[:, 0] - 2) > 1e-6)
    np.testing.assert_array_equal((a | b).inside(x)[far], (ina | inb)[far])
    np.testing.assert_array_equal((a & b).inside(x)[far], (ina & inb)[far])
    np.testing.assert_array_equal((a - b).inside(x)[far], (ina & ~inb)[far])
    assert isinstance(a | b, D.Union) and isinstance(a & b, D.Intersection)
    assert isinstance(a - b, D.Difference)


def test_difference_with_shared_edges_matches_polygon():
    """Rectangle minus its corner square is the L-shape polygon: same boundary, normals."""
    csg = D.Rectangle([-1, -1], [1, 1]) - D.Rectangle([0, 0], [1, 1])
    poly = D.Polygon(L_VERTS)
    # the dangling edges of the removed square (x = 1 or y = 1, beyond the L) are excluded
    x = np.array([[1, 0.5], [0.5, 1], [1, 1], [0.5, 0.5]])
    np.testing.assert_array_equal(csg.inside(x), [False, False, False, False])
    np.testing.assert_array_equal(csg.on_boundary(x), [False, False, False, False])
    b = csg.sample_boundary(2000, method="sobol", seed=0)
    assert np.all(poly.on_boundary(b))
    dist = poly._edge_distance(b)
    smooth = np.sort(dist, axis=1)[:, 1] > 1e-3  # near one edge only: not at a vertex
    np.testing.assert_allclose(csg.boundary_normal(b[smooth]), poly.boundary_normal(b[smooth]), atol=1e-12)
    # inner edges: the normal points into the removed square
    np.testing.assert_allclose(csg.boundary_normal([[0.5, 0.0], [0.0, 0.5]]), [[0, 1], [1, 0]])
    # perimeter proportions: inner edges are 2 of 8
    inner = (np.abs(b[:, 0]) < 1e-12) & (b[:, 1] > 0) | (np.abs(b[:, 1]) < 1e-12) & (b[:, 0] > 0)
    assert np.mean(inner) == pytest.approx(0.25, abs=0.02)


def test_union_touching_boxes_shared_face_is_interior():
    g = D.Interval(0, 1) | D.Interval(1, 2)
    np.testing.assert_array_equal(g.on_boundary([[0.0], [1.0], [2.0]]), [True, False, True])
    b = g.sample_boundary(100, seed=0)
    assert set(np.unique(b)) == {0.0, 2.0}


def test_spacetime_columns_initial_and_boundary():
    st = D.SpaceTime(D.Interval(-1, 1), D.TimeInterval(0.25, 1.0))
    assert st.dim == 2
    lo, hi = st.bbox
    np.testing.assert_array_equal(lo, [-1, 0.25]) and np.testing.assert_array_equal(hi, [1, 1])
    x0 = st.sample_initial(100, method="lhs", seed=0)
    np.testing.assert_array_equal(x0[:, 1], 0.25)
    assert np.all(st.on_initial(x0)) and np.all(np.abs(x0[:, 0]) <= 1)
    xb = st.sample_boundary(100, method="halton", seed=0)
    assert set(np.unique(xb[:, 0])) == {-1.0, 1.0}
    assert np.all((xb[:, 1] >= 0.25) & (xb[:, 1] <= 1))
    np.testing.assert_array_equal(st.boundary_normal(xb)[:, 0], np.sign(xb[:, 0]))
    np.testing.assert_array_equal(st.on_boundary([[0.0, 0.5], [1.0, 0.5], [1.0, 1.5]]), [False, True, False])
    np.testing.assert_array_equal(st.inside([[0.0, 0.5], [0.0, 0.1]]), [True, False])


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: D.Interval(1, 1), r"`b` must be greater than `a`.*a=1.0, b=1.0"),
        (lambda: D.Interval(0, float("nan")), r"`b` must be a finite number"),
        (lambda: D.Box([0, 0], [1, 0]), r"`hi` must be greater than `lo`.*hi=\[1.0, 0.0\]"),
        (lambda: D.Box([0, 0], [1, 1, 1]), r"`hi` must have 2 coordinates"),
        (lambda: D.Rectangle([0, 0, 0], [1, 1, 1]), r"`lo` must have 2 coordinates"),
        (lambda: D.Disk([0, 0], 0), r"`radius` must be positive. Received: radius=0"),
        (lambda: D.Disk([0, 0, 0], 1), r"`center` must have 2 coordinates"),
        (lambda: D.Ball([0, 0], -1), r"`radius` must be positive"),
        (lambda: D.Polygon([[0, 0], [1, 1], [2, 2]]), r"zero area \(degenerate polygon\)"),
        (lambda: D.Polygon([[0, 0], [1, 0]]), r"at least 3 points"),
        (lambda: D.Polygon([[0, 0], [2, 2], [2, 0], [0, 1]]), r"simple polygon; edges 0 and 2 intersect"),
        (lambda: D.Polygon([[0, 0, 0], [1, 0, 0], [0, 1, 0]]), r"`vertices` must have shape \[m, 2\]"),
        (lambda: D.Disk([0, 0], 1) | D.Ball([0, 0, 0], 1), r"same dimension.*a.dim=2.*b.dim=3"),
        (lambda: D.Disk([0, 0], 1) & D.Disk([5, 0], 1), r"is empty \(degenerate\)"),
        (lambda: D.TimeInterval(1, 0), r"`t1` must be greater than `t0`"),
    ],
)
def test_bad_geometry(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_bad_types():
    with pytest.raises(TypeError, match=r"`time` must be a TimeInterval"):
        D.SpaceTime(D.Interval(0, 1), D.Disk([0, 0], 1))
    with pytest.raises(TypeError, match=r"`b` must be a spatial Geometry"):
        D.Disk([0, 0], 1) | 3


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda g: g.inside(np.zeros((4, 3))), r"`x` must have shape \[n, 2\].*x.shape=\(4, 3\)"),
        (lambda g: g.on_boundary(np.zeros(2)), r"`x` must have shape \[n, 2\].*x.shape=\(2,\)"),
        (lambda g: g.sample_interior(0), r"`n` must be a positive integer. Received: n=0"),
        (lambda g: g.sample_boundary(-3), r"`n` must be a positive integer. Received: n=-3"),
        (lambda g: g.sample_interior(2.5), r"`n` must be a positive integer. Received: n=2.5"),
        (lambda g: g.sample_interior(10, method="grid"), r"`method` must be one of .*method='grid'"),
        (lambda g: g.sample_interior(10, seed=-1), r"`seed` must be None, a non-negative integer"),
        (lambda g: g.boundary_normal([[0.5, 0.5]]), r"must lie on the boundary.*x\[0\]=\[0.5, 0.5\]"),
        (lambda g: g.on_boundary([[0.0, 0.0]], atol=-1), r"`atol` must be non-negative"),
    ],
)
def test_bad_calls(call, match):
    with pytest.raises(ValueError, match=match):
        call(D.Rectangle([0, 0], [1, 1]))


def test_rejection_gives_up_on_empty_intersection():
    g = D.Disk([0, 0], 1) & D.Disk([1.9, 1.9], 1)  # bboxes overlap, disks do not
    with pytest.raises(ValueError, match=r"Could not sample 10 interior points.*empty or degenerate"):
        g.sample_interior(10, seed=0)


def test_spacetime_sample_initial_errors():
    st = D.SpaceTime(D.Interval(0, 1), D.TimeInterval(0, 1))
    with pytest.raises(ValueError, match=r"`n` must be a positive integer"):
        st.sample_initial(0)
    with pytest.raises(ValueError, match=r"`x` must have shape \[n, 2\]"):
        st.on_initial(np.zeros((3, 1)))
