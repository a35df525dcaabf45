"""SMILES -> graphs (RDKit) and the embedded ESOL dataset.

Expected features are written out by hand from the chemistry of each molecule (element,
heavy-atom degree, charge, hydrogen count, aromaticity, hybridization, ring membership,
standard atomic weight), laid out column by column below independently of the module.
"""

import csv
import pathlib
import sys

import keras
import numpy as np
import pytest

from kextras_graph.data import (
    ATOM_FEATURES,
    BOND_FEATURES,
    graph_dataset,
    load_esol,
    mol_to_graph,
    smiles_to_graph,
)
from kextras_graph.layers import GCNConv, GlobalMeanPool

CSV = pathlib.Path(__file__).resolve().parents[2] / "kextras_graph" / "data" / "esol_delaney.csv"

# Column layout of the atom features, written out independently of the module.
_ELEM = ["C", "N", "O", "S", "F", "Cl", "Br", "I", "P"]  # columns 0-8, 9 = other
_HYB = ["SP", "SP2", "SP3", "SP3D", "SP3D2"]  # columns 25-29, 30 = other
# Standard atomic weights (IUPAC, as RDKit's periodic table gives them).
_MASS = {"C": 12.011, "N": 14.007, "O": 15.999, "Cl": 35.453, "Br": 79.904, "H": 1.008}


def atom(element, degree, charge, hydrogens, aromatic, hyb, ring):
    v = np.zeros(33)
    v[_ELEM.index(element) if element in _ELEM else 9] = 1
    v[10 + degree] = 1
    v[16 + charge + 1] = 1
    v[19 + hydrogens] = 1
    v[24] = aromatic
    v[25 + _HYB.index(hyb) if hyb in _HYB else 30] = 1
    v[31] = ring
    v[32] = _MASS[element] / 100
    return v


def bond(kind, conjugated, ring):
    v = np.zeros(6)
    v[["SINGLE", "DOUBLE", "TRIPLE", "AROMATIC"].index(kind)] = 1
    v[4], v[5] = conjugated, ring
    return v


def edge_set(edges, feats):
    return sorted((int(s), int(t), tuple(np.round(f, 6))) for (s, t), f in zip(edges, feats))


def expected_edges(bonds):
    """bonds: list of (i, j, feature vector) -> both directions."""
    out = []
    for i, j, f in bonds:
        out += [(i, j, tuple(np.round(f, 6))), (j, i, tuple(np.round(f, 6)))]
    return sorted(out)


CH3 = atom("C", 1, 0, 3, 0, "SP3", 0)

CASES = {
    # ethanol: CH3-CH2-OH
    "CCO": (
        [CH3, atom("C", 2, 0, 2, 0, "SP3", 0), atom("O", 1, 0, 1, 0, "SP3", 0)],
        [(0, 1, bond("SINGLE", 0, 0)), (1, 2, bond("SINGLE", 0, 0))],
    ),
    # benzene: six aromatic CH in a ring, six aromatic conjugated ring bonds
    "c1ccccc1": (
        [atom("C", 2, 0, 1, 1, "SP2", 1)] * 6,
        [(i, (i + 1) % 6, bond("AROMATIC", 1, 1)) for i in range(6)],
    ),
    # acetic acid: the O=C-O pi system makes both C-O bonds conjugated and both O sp2
    "CC(=O)O": (
        [CH3, atom("C", 3, 0, 0, 0, "SP2", 0), atom("O", 1, 0, 0, 0, "SP2", 0), atom("O", 1, 0, 1, 0, "SP2", 0)],
        [(0, 1, bond("SINGLE", 0, 0)), (1, 2, bond("DOUBLE", 1, 0)), (1, 3, bond("SINGLE", 1, 0))],
    ),
    # acetate: as acetic acid, the O- without hydrogen and with charge -1
    "CC(=O)[O-]": (
        [CH3, atom("C", 3, 0, 0, 0, "SP2", 0), atom("O", 1, 0, 0, 0, "SP2", 0), atom("O", 1, -1, 0, 0, "SP2", 0)],
        [(0, 1, bond("SINGLE", 0, 0)), (1, 2, bond("DOUBLE", 1, 0)), (1, 3, bond("SINGLE", 1, 0))],
    ),
    # ammonium: one sp3 N+ with four H, no bond
    "[NH4+]": ([atom("N", 0, 1, 4, 0, "SP3", 0)], []),
    # bromochloromethane
    "ClCBr": (
        [atom("Cl", 1, 0, 0, 0, "SP3", 0), atom("C", 2, 0, 2, 0, "SP3", 0), atom("Br", 1, 0, 0, 0, "SP3", 0)],
        [(0, 1, bond("SINGLE", 0, 0)), (1, 2, bond("SINGLE", 0, 0))],
    ),
    # acetonitrile: C#N triple bond, both ends sp
    "CC#N": (
        [CH3, atom("C", 2, 0, 0, 0, "SP", 0), atom("N", 1, 0, 0, 0, "SP", 0)],
        [(0, 1, bond("SINGLE", 0, 0)), (1, 2, bond("TRIPLE", 0, 0))],
    ),
}


def test_feature_names_follow_the_documented_layout():
    assert len(ATOM_FEATURES) == 33 and len(BOND_FEATURES) == 6
    assert ATOM_FEATURES[:10] == tuple(f"element={e}" for e in _ELEM) + ("element=other",)
    assert ATOM_FEATURES[10] == "degree=0" and ATOM_FEATURES[16:19] == ("formal_charge=-1", "formal_charge=0", "formal_charge=+1")
    assert ATOM_FEATURES[19] == "num_hydrogens=0" and ATOM_FEATURES[24] == "aromatic"
    assert ATOM_FEATURES[25:31] == tuple(f"hybridization={h}" for h in _HYB) + ("hybridization=other",)
    assert ATOM_FEATURES[31:] == ("in_ring", "mass/100")
    assert BOND_FEATURES == ("bond_type=SINGLE", "bond_type=DOUBLE", "bond_type=TRIPLE", "bond_type=AROMATIC", "conjugated", "in_ring")


@pytest.mark.parametrize("smiles", sorted(CASES))
def test_features_match_hand_computed(smiles):
    atoms, bonds = CASES[smiles]
    g = smiles_to_graph(smiles)
    assert set(g) == {"nodes", "edges", "edge_features"}
    assert g["nodes"].dtype == np.float32 and g["edges"].dtype == np.int32 and g["edge_features"].dtype == np.float32
    np.testing.assert_allclose(g["nodes"], np.stack(atoms), atol=1e-6)
    assert g["edges"].shape == (2 * len(bonds), 2) and g["edge_features"].shape == (2 * len(bonds), 6)
    assert edge_set(g["edges"], g["edge_features"]) == expected_edges(bonds)


@pytest.mark.parametrize("smiles", ["CCO", "c1ccccc1", "CC(=O)O", "Clc1ccc(Br)cc1C=O"])
def test_edges_hold_every_bond_in_both_directions(smiles):
    g = smiles_to_graph(smiles)
    e, f = g["edges"], g["edge_features"]
    half = len(e) // 2
    # first all bonds begin -> end, then the same bonds reversed, with the same features
    np.testing.assert_array_equal(e[half:], e[:half, ::-1])
    np.testing.assert_array_equal(f[half:], f[:half])
    undirected = {tuple(sorted(p)) for p in e.tolist()}
    assert len(undirected) == half  # no bond twice in one direction


def test_kekule_and_aromatic_smiles_give_the_same_graph():
    a, b = smiles_to_graph("C1=CC=CC=C1"), smiles_to_graph("c1ccccc1")
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_dtypes_and_whitespace():
    g = smiles_to_graph("  CCO\n", dtype="float64", edge_dtype="int64")
    assert g["nodes"].dtype == np.float64 and g["edges"].dtype == np.int64 and g["nodes"].shape == (3, 33)


def test_mol_to_graph_with_explicit_hydrogens():
    from rdkit import Chem

    g = mol_to_graph(Chem.AddHs(Chem.MolFromSmiles("C")))  # methane with 4 explicit H
    assert g["nodes"].shape == (5, 33) and g["edges"].shape == (8, 2)
    np.testing.assert_allclose(g["nodes"][1:, 9], 1)  # H counts as element=other
    np.testing.assert_allclose(g["nodes"][1:, 32], _MASS["H"] / 100, rtol=1e-6)
    np.testing.assert_allclose(g["nodes"][0, 10 + 4], 1)  # C has degree 4


@pytest.mark.parametrize(
    "bad, match",
    [
        ("", "`smiles` must be a non-empty SMILES string. Received: smiles=''"),
        ("   ", "non-empty SMILES"),
        ("C1CC", r"not a valid SMILES string .* Received: smiles='C1CC'"),
        ("not a molecule", "not a valid SMILES string"),
        ("C(C", "not a valid SMILES"),
        (None, "`smiles` must be a SMILES string. Received: smiles=None"),
        (42, "Received: smiles=42 of type int"),
        (b"CCO", "of type bytes"),
    ],
)
def test_bad_smiles(bad, match):
    with pytest.raises(ValueError, match=match):
        smiles_to_graph(bad)


def test_bad_mol():
    from rdkit import Chem

    with pytest.raises(ValueError, match="`mol` must be an rdkit.Chem.Mol. Received: mol of type str"):
        mol_to_graph("CCO")
    with pytest.raises(ValueError, match="at least one atom"):
        mol_to_graph(Chem.Mol())


def test_missing_rdkit_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "rdkit" or m.startswith("rdkit.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rdkit", None)  # makes `import rdkit` fail
    with pytest.raises(ImportError, match=r'pip install "kextras\[chem\]"'):
        smiles_to_graph("CCO")
    with pytest.raises(ImportError, match=r'pip install "kextras\[chem\]"'):
        load_esol()


@pytest.fixture(scope="module")
def esol():
    return load_esol()


@pytest.fixture(scope="module")
def esol_csv():
    with open(CSV, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_esol_size_and_targets_match_the_csv(esol, esol_csv):
    assert len(esol) == len(esol_csv) == 1128
    assert len(esol.graphs) == len(esol.smiles) == len(esol.ids) == esol.y.shape[0] == 1128
    y = np.array([float(r["measured_log_solubility"]) for r in esol_csv])
    assert esol.y.dtype == np.float32
    np.testing.assert_allclose(esol.y, y, rtol=1e-6)
    # summary statistics of ESOL's measured log solubility (log mol/L)
    np.testing.assert_allclose([esol.y.mean(), esol.y.std(), esol.y.min(), esol.y.max()],
                               [y.mean(), y.std(), -11.6, 1.58], rtol=1e-5, atol=1e-5)
    assert esol.smiles[3] == "c1ccc2c(c1)ccc3c2ccc4c5ccccc5ccc43" and esol.ids[3] == "Picene"
    assert esol.smiles == tuple(r["smiles"].strip() for r in esol_csv)
    assert esol.num_node_features == 33 and esol.num_edge_features == 6


def test_esol_graphs_agree_with_molecular_weight_and_bond_count(esol, esol_csv):
    """Heavy-atom masses plus hydrogen count x 1.008 give the CSV's molecular weight."""
    from rdkit import Chem

    for g, row, smi in zip(esol.graphs, esol_csv, esol.smiles):
        nodes = g["nodes"].astype(np.float64)
        hydrogens = (nodes[:, 19:24] * np.arange(5)).sum()
        np.testing.assert_allclose(nodes[:, 32].sum() * 100 + hydrogens * _MASS["H"], float(row["Molecular Weight"]), atol=1e-3)
        # ESOL has only C N O S F Cl Br I P, degrees 0-4, charges -1..1, 0-4 H: every block is one-hot
        for lo, hi in [(0, 10), (10, 16), (16, 19), (19, 24), (25, 31)]:
            np.testing.assert_array_equal(nodes[:, lo:hi].sum(axis=1), 1)
        np.testing.assert_array_equal(g["edge_features"][:, :4].sum(axis=1), 1)
        mol = Chem.MolFromSmiles(smi)
        assert g["nodes"].shape[0] == mol.GetNumAtoms()
        assert g["edges"].shape[0] == g["edge_features"].shape[0] == 2 * mol.GetNumBonds()
        assert g["edges"].min(initial=0) >= 0 and g["edges"].max(initial=0) < g["nodes"].shape[0]
    # picene C22H14: 22 heavy atoms, 5 fused rings -> 22 - 1 + 5 = 26 bonds, all aromatic
    picene = esol.graphs[3]
    assert picene["nodes"].shape[0] == 22 and picene["edges"].shape[0] == 52
    np.testing.assert_allclose(picene["edge_features"][:, 3], 1)
    # methane is a graph with one node and no edges
    methane = esol.graphs[esol.smiles.index("C")]
    assert methane["nodes"].shape == (1, 33) and methane["edges"].shape == (0, 2) and methane["edge_features"].shape == (0, 6)


def test_esol_folds_partition_the_molecules(esol):
    folds = esol.folds(5, seed=3)
    tests = np.concatenate([t for _, t in folds])
    np.testing.assert_array_equal(np.sort(tests), np.arange(1128))
    for train, test in folds:
        assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 1128
        assert len(test) in (225, 226)
    same = esol.folds(5, seed=3)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, same))
    assert not np.array_equal(folds[0][1], esol.folds(5, seed=4)[0][1])


@pytest.mark.parametrize(
    "kwargs, match",
    [({"n_splits": 1}, r"`n_splits` must be an integer in \[2, 1128\]. Received: n_splits=1"),
     ({"n_splits": 2000}, "n_splits=2000"), ({"n_splits": True}, "n_splits=True"),
     ({"seed": "a"}, "`seed` must be an integer. Received: seed='a'")],
)
def test_esol_folds_bad_arguments(esol, kwargs, match):
    with pytest.raises(ValueError, match=match):
        esol.folds(**kwargs)


def test_esol_trains_end_to_end(esol):
    keras.utils.set_random_seed(0)
    idx = np.arange(64)
    y = esol.y[idx]
    ds = graph_dataset([esol.graphs[i] for i in idx], (y - y.mean()) / y.std(), batch_size=64)
    nodes = keras.Input(shape=(None, 33), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    ef = keras.Input(shape=(None, 6), ragged=True, name="edge_features")
    h = GCNConv(32, activation="relu")([nodes, edges])
    h = GCNConv(32, activation="relu")([h, edges])
    out = keras.layers.Dense(1)(GlobalMeanPool()(h))
    model = keras.Model({"nodes": nodes, "edges": edges, "edge_features": ef}, out)
    model.compile(keras.optimizers.Adam(3e-3), "mse")
    history = model.fit(ds.repeat(), epochs=20, steps_per_epoch=1, verbose=0).history["loss"]
    assert np.all(np.isfinite(history))
    assert history[-1] < 0.85 * history[0], history  # standardized targets: MSE starts near 1
    assert history[-1] < min(history[:5]), history
