"""Molecules as graphs: SMILES -> graph dicts with RDKit, and the embedded ESOL dataset.

RDKit is an optional dependency (``pip install "kextras[chem]"``); it is imported only when
a molecule is featurized.

A molecule becomes one graph dict (see :func:`kextras_graph.data.as_graph`): one node per
heavy atom (hydrogens stay implicit and are counted in an atom feature), one edge per bond
and direction (``2 * n_bonds`` edges; all bonds ``begin -> end`` first, then the same bonds
``end -> begin``, the order :func:`networkx_to_graph` uses for undirected graphs), and
per-edge bond features repeated for both directions. The feature columns are listed, by name
and in order, in :data:`ATOM_FEATURES` and :data:`BOND_FEATURES`.
"""

from __future__ import annotations

import csv
import dataclasses
from importlib import resources

import numpy as np

from kextras import validation
from kextras_graph.data._batch import as_graph

# --- atom features ---------------------------------------------------------------------------

#: Element symbols with their own one-hot column; every other element sets ``element=other``.
ATOM_ELEMENTS = ("C", "N", "O", "S", "F", "Cl", "Br", "I", "P")
#: Heavy-atom degrees (number of bonded heavy atoms) with a one-hot column; others: all zero.
ATOM_DEGREES = (0, 1, 2, 3, 4, 5)
#: Formal charges with a one-hot column; other charges: all zero.
ATOM_FORMAL_CHARGES = (-1, 0, 1)
#: Total hydrogen counts (implicit + explicit) with a one-hot column; others: all zero.
ATOM_NUM_HYDROGENS = (0, 1, 2, 3, 4)
#: RDKit hybridizations with their own one-hot column; every other one sets ``hybridization=other``.
ATOM_HYBRIDIZATIONS = ("SP", "SP2", "SP3", "SP3D", "SP3D2")

#: Names of the atom (node) feature columns, in order.
ATOM_FEATURES = (
    tuple(f"element={e}" for e in ATOM_ELEMENTS)
    + ("element=other",)
    + tuple(f"degree={d}" for d in ATOM_DEGREES)
    + tuple(f"formal_charge={c:+d}" if c else "formal_charge=0" for c in ATOM_FORMAL_CHARGES)
    + tuple(f"num_hydrogens={h}" for h in ATOM_NUM_HYDROGENS)
    + ("aromatic",)
    + tuple(f"hybridization={h}" for h in ATOM_HYBRIDIZATIONS)
    + ("hybridization=other", "in_ring", "mass/100")
)

# --- bond features ---------------------------------------------------------------------------

#: RDKit bond types with a one-hot column (other types, e.g. dative: all zero).
BOND_TYPES = ("SINGLE", "DOUBLE", "TRIPLE", "AROMATIC")

#: Names of the bond (edge) feature columns, in order.
BOND_FEATURES = tuple(f"bond_type={t}" for t in BOND_TYPES) + ("conjugated", "in_ring")

_ESOL_FILE = "esol_delaney.csv"


def _import_chem():
    try:
        from rdkit import Chem
    except ImportError as exc:
        raise ImportError(
            'RDKit is needed to turn molecules into graphs: pip install "kextras[chem]"'
        ) from exc
    return Chem


def _one_hot(value, choices, other):
    out = [float(value == c) for c in choices]
    if other:
        out.append(float(value not in choices))
    return out


def _atom_features(atom) -> list:
    return (
        _one_hot(atom.GetSymbol(), ATOM_ELEMENTS, True)
        + _one_hot(atom.GetDegree(), ATOM_DEGREES, False)
        + _one_hot(atom.GetFormalCharge(), ATOM_FORMAL_CHARGES, False)
        + _one_hot(atom.GetTotalNumHs(), ATOM_NUM_HYDROGENS, False)
        + [float(atom.GetIsAromatic())]
        + _one_hot(str(atom.GetHybridization()), ATOM_HYBRIDIZATIONS, True)
        + [float(atom.IsInRing()), atom.GetMass() / 100.0]
    )


def _bond_features(bond) -> list:
    return _one_hot(str(bond.GetBondType()), BOND_TYPES, False) + [
        float(bond.GetIsConjugated()),
        float(bond.IsInRing()),
    ]


def mol_to_graph(mol, *, dtype="float32", edge_dtype="int32") -> dict:
    """Convert an RDKit molecule into a graph dict with atom and bond features.

    Nodes are the molecule's atoms in RDKit order (hydrogens only if the molecule holds them
    explicitly; they then count as ``element=other``). Every bond gives two edges,
    ``begin -> end`` for all bonds first, then ``end -> begin`` in the same bond order.

    Args:
        mol: an ``rdkit.Chem.Mol`` with at least one atom.
        dtype: dtype of the node and edge features. Default ``"float32"``.
        edge_dtype: integer dtype of the edge list. Default ``"int32"``.

    Returns:
        ``{"nodes": [n_atoms, len(ATOM_FEATURES)], "edges": [2 * n_bonds, 2],
        "edge_features": [2 * n_bonds, len(BOND_FEATURES)]}`` (NumPy arrays).
    """
    Chem = _import_chem()
    if not isinstance(mol, Chem.Mol):
        raise ValueError(f"`mol` must be an rdkit.Chem.Mol. Received: mol of type {type(mol).__name__}")
    if mol.GetNumAtoms() == 0:
        raise ValueError("`mol` must have at least one atom. Received: a molecule with 0 atoms")
    nodes = np.array([_atom_features(a) for a in mol.GetAtoms()], dtype=np.float64)
    bonds = list(mol.GetBonds())
    src = np.array([b.GetBeginAtomIdx() for b in bonds], dtype=np.int64)
    dst = np.array([b.GetEndAtomIdx() for b in bonds], dtype=np.int64)
    feats = np.array([_bond_features(b) for b in bonds], dtype=np.float64).reshape(-1, len(BOND_FEATURES))
    edges = np.stack([np.concatenate([src, dst]), np.concatenate([dst, src])], axis=1)
    graph = {"nodes": nodes, "edges": edges, "edge_features": np.concatenate([feats, feats], axis=0)}
    return as_graph(graph, dtype=dtype, edge_dtype=edge_dtype)


def smiles_to_graph(smiles, *, dtype="float32", edge_dtype="int32") -> dict:
    """Convert a SMILES string into a graph dict with atom and bond features (needs RDKit).

    Hydrogens stay implicit (one node per heavy atom, with the hydrogen count as a feature);
    aromaticity is RDKit's (so ``"C1=CC=CC=C1"`` and ``"c1ccccc1"`` give the same graph).

    Node features (``len(ATOM_FEATURES)`` = 33 columns, in the order of
    :data:`ATOM_FEATURES`): element one-hot (C, N, O, S, F, Cl, Br, I, P, other), heavy-atom
    degree one-hot (0-5), formal charge one-hot (-1, 0, +1), total hydrogen count one-hot
    (0-4), aromatic (0/1), hybridization one-hot (SP, SP2, SP3, SP3D, SP3D2, other), in a
    ring (0/1), atomic mass / 100. Values outside a one-hot list without an ``other``
    column give all zeros in that block.

    Edge features (``len(BOND_FEATURES)`` = 6 columns, :data:`BOND_FEATURES`): bond type
    one-hot (single, double, triple, aromatic), conjugated (0/1), in a ring (0/1); the same
    row for both directions of a bond.

    Args:
        smiles: a SMILES string (surrounding whitespace is ignored).
        dtype: dtype of the node and edge features. Default ``"float32"``.
        edge_dtype: integer dtype of the edge list. Default ``"int32"``.

    Returns:
        ``{"nodes": [n_atoms, 33], "edges": [2 * n_bonds, 2], "edge_features":
        [2 * n_bonds, 6]}`` (NumPy arrays), ready for :func:`graph_dataset` or
        :func:`ragged_batch`.

    Raises:
        ValueError: ``smiles`` is not a string, is empty, or RDKit cannot parse it.
        ImportError: RDKit is not installed.
    """
    if not isinstance(smiles, str):
        raise ValueError(f"`smiles` must be a SMILES string. Received: smiles={smiles!r} of type {type(smiles).__name__}")
    text = smiles.strip()
    if not text:
        raise ValueError(f"`smiles` must be a non-empty SMILES string. Received: smiles={smiles!r}")
    Chem = _import_chem()
    from rdkit import rdBase

    blocker = rdBase.BlockLogs()  # RDKit would print parse errors to stderr; we raise instead.
    try:
        mol = Chem.MolFromSmiles(text)
    finally:
        del blocker
    if mol is None or mol.GetNumAtoms() == 0:
        raise ValueError(f"`smiles` is not a valid SMILES string (RDKit cannot parse it). Received: smiles={smiles!r}")
    return mol_to_graph(mol, dtype=dtype, edge_dtype=edge_dtype)


@dataclasses.dataclass(frozen=True)
class MoleculeRegressionData:
    """Molecules as graphs with one real-valued target each.

    Attributes:
        name: dataset name.
        graphs: list of graph dicts (see :func:`smiles_to_graph`), one per molecule.
        y: targets, ``float32`` ``[n_molecules]``.
        smiles: the SMILES strings, as in the source file (whitespace stripped).
        ids: compound names from the source file.
        target: what ``y`` measures, with its unit.
    """

    name: str
    graphs: list
    y: np.ndarray
    smiles: tuple
    ids: tuple
    target: str

    def __len__(self) -> int:
        return len(self.graphs)

    @property
    def num_node_features(self) -> int:
        return int(self.graphs[0]["nodes"].shape[1])

    @property
    def num_edge_features(self) -> int:
        return int(self.graphs[0]["edge_features"].shape[1])

    def folds(self, n_splits: int = 5, *, seed: int = 0) -> list:
        """Random K-fold split: a list of ``(train_index, test_index)`` pairs.

        The molecules are permuted with ``numpy.random.default_rng(seed)`` and cut into
        ``n_splits`` nearly equal parts (``numpy.array_split``); fold ``k`` tests on part ``k``
        and trains on the others. Every molecule is tested exactly once.

        Args:
            n_splits: number of folds, an integer in ``[2, len(self)]``. Default 5.
            seed: seed of the permutation. Default 0.
        """
        n = len(self)
        validation.integer("n_splits", n_splits, minimum=2, maximum=n)
        validation.integer("seed", seed)
        parts = np.array_split(np.random.default_rng(seed).permutation(n), int(n_splits))
        return [
            (np.sort(np.concatenate([parts[j] for j in range(n_splits) if j != k])), np.sort(parts[k]))
            for k in range(n_splits)
        ]


def load_esol() -> MoleculeRegressionData:
    """ESOL aqueous solubility of 1128 molecules as graphs (embedded, no download; needs RDKit).

    Source: J. S. Delaney, "ESOL: Estimating Aqueous Solubility Directly from Molecular
    Structure", J. Chem. Inf. Comput. Sci. 44 (2004) 1000-1005, in the MoleculeNet
    release (Wu et al., "MoleculeNet: a benchmark for molecular machine learning",
    Chem. Sci. 9 (2018) 513-530; file ``delaney-processed.csv``), shipped as
    ``kextras_graph/data/esol_delaney.csv``.

    The target ``y`` is the measured log solubility in mol/L (column
    ``measured_log_solubility``; range -11.6 to 1.58, mean -3.05). Graphs are built with
    :func:`smiles_to_graph` (33 atom features, 6 bond features).

    Returns:
        :class:`MoleculeRegressionData` with ``graphs``, ``y`` (``float32`` ``[1128]``),
        ``smiles`` and ``ids`` (compound names).
    """
    _import_chem()
    with resources.files("kextras_graph.data").joinpath(_ESOL_FILE).open("r", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    smiles = tuple(row["smiles"].strip() for row in rows)
    graphs = [smiles_to_graph(s) for s in smiles]
    return MoleculeRegressionData(
        name="esol",
        graphs=graphs,
        y=np.array([float(row["measured_log_solubility"]) for row in rows], dtype=np.float32),
        smiles=smiles,
        ids=tuple(row["Compound ID"].strip() for row in rows),
        target="measured log solubility (log mol/L)",
    )
