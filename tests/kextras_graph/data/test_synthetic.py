"""synthetic_sbm: statistics of small instances against the model's formulas."""

import numpy as np
import pytest

from kextras_graph import data as gd


@pytest.fixture(scope="module")
def graph():
    return gd.synthetic_sbm(50000, 1_000_000, num_classes=5, num_features=8, homophily=0.7,
                            degree_exponent=2.5, seed=1)


def test_structure(graph):
    g = graph
    assert g.num_nodes == 50000 and g.num_features == 8 and g.num_classes == 5
    assert g.indices.dtype == np.int32 and g.x.dtype == np.float32
    assert 0.93 * 1_000_000 <= g.num_edges <= 1_000_000
    e = g.edges().astype(np.int64)
    assert (e[:, 0] != e[:, 1]).all()  # no self loops
    key = e[:, 1] * g.num_nodes + e[:, 0]
    assert np.unique(key).size == key.size  # no repeated pair
    rev = np.sort(e[:, 0] * g.num_nodes + e[:, 1])
    np.testing.assert_array_equal(rev, np.sort(key))  # symmetric: every edge in both directions
    parts = [g.index(s) for s in ("train", "val", "test")]
    assert [p.size for p in parts] == [4000, 1000, 45000]
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(g.num_nodes))


def test_homophily_and_class_sizes(graph):
    e, y = graph.edges(), graph.y
    assert abs((y[e[:, 0]] == y[e[:, 1]]).mean() - 0.7) < 0.02
    counts = np.bincount(y, minlength=5)
    assert np.abs(counts / counts.sum() - 0.2).max() < 0.01


def test_degree_tail_exponent(graph):
    # Hill estimator of the power-law tail P(D > d) ~ d^-(gamma - 1) on the top 2% degrees
    d = np.sort(graph.in_degree())[::-1].astype(float)
    k = 1000
    hill = 1.0 / np.mean(np.log(d[:k] / d[k]))
    assert abs(hill + 1 - 2.5) < 0.25
    thin = gd.synthetic_sbm(50000, 1_000_000, num_classes=5, num_features=2, degree_exponent=4.0, seed=1)
    d = np.sort(thin.in_degree())[::-1].astype(float)
    assert abs(1.0 / np.mean(np.log(d[:k] / d[k])) + 1 - 4.0) < 0.5


def test_class_dependent_features():
    g = gd.synthetic_sbm(30000, 10000, num_classes=10, num_features=100, feature_signal=0.5, seed=2)
    mus = np.stack([g.x[g.y == c].mean(0) for c in range(10)])
    sq = [((mus[a] - mus[b]) ** 2).sum() for a in range(10) for b in range(a)]
    assert abs(np.mean(sq) / (2 * 100 * 0.25) - 1) < 0.15  # E||mu_a - mu_b||^2 = 2 F signal^2
    resid = g.x - mus[g.y]
    assert abs(resid.std() - 1.0) < 0.01  # unit noise


def test_deterministic_and_bad_input():
    a = gd.synthetic_sbm(500, 4000, num_classes=3, num_features=2, seed=3)
    b = gd.synthetic_sbm(500, 4000, num_classes=3, num_features=2, seed=3)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.x, b.x)
    with pytest.raises(ValueError, match="`homophily` must be a finite number in \\[0, 1\\]. Received: homophily=1.5"):
        gd.synthetic_sbm(10, 10, homophily=1.5)
    with pytest.raises(ValueError, match="`degree_exponent` must be a finite number in \\(2, inf\\)"):
        gd.synthetic_sbm(10, 10, degree_exponent=2)
    with pytest.raises(ValueError, match="`num_classes` must be an integer in \\[2, inf\\]. Received: num_classes=1"):
        gd.synthetic_sbm(10, 10, num_classes=1)
    with pytest.raises(ValueError, match="`train_fraction \\+ val_fraction` must be at most 1"):
        gd.synthetic_sbm(10, 10, train_fraction=0.7, val_fraction=0.5)
