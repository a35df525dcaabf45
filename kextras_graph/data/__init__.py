"""Graph data helpers: ragged batches, networkx and scipy.sparse conversion, tf.data, datasets.

A batch of graphs is a dict of ``tf.RaggedTensor``: ``"nodes"`` ``[batch, (n), F]``,
``"edges"`` ``[batch, (e), 2]`` (local indices, source -> target) and optionally
``"edge_features"`` ``[batch, (e), Fe]``; see ``docs/graph/index.md``.
"""

from kextras_graph.data._batch import as_graph, graph_input_signature, ragged_batch, unbatch
from kextras_graph.data._dataset import graph_dataset
from kextras_graph.data._export import export_saved_model
from kextras_graph.data._datasets import NodeClassificationData, load_cora, load_karate_club
from kextras_graph.data._molecules import (
    ATOM_FEATURES,
    BOND_FEATURES,
    MoleculeRegressionData,
    load_esol,
    mol_to_graph,
    smiles_to_graph,
)
from kextras_graph.data._networkx import from_networkx, networkx_to_graph, to_networkx
from kextras_graph.data._sparse import adjacency_from_edges, edges_from_adjacency
from kextras_graph.data._store import GraphStore
from kextras_graph.data._sampler import NeighborSampler, SampledSubgraph
from kextras_graph.data._inference import layerwise_predict
from kextras_graph.data._trim import TrimToLayer, trim_to_layer
from kextras_graph.data._synthetic import synthetic_sbm

__all__ = [
    "as_graph",
    "ragged_batch",
    "unbatch",
    "graph_input_signature",
    "from_networkx",
    "to_networkx",
    "networkx_to_graph",
    "edges_from_adjacency",
    "adjacency_from_edges",
    "graph_dataset",
    "export_saved_model",
    "NodeClassificationData",
    "load_cora",
    "load_karate_club",
    "smiles_to_graph",
    "mol_to_graph",
    "ATOM_FEATURES",
    "BOND_FEATURES",
    "MoleculeRegressionData",
    "load_esol",
    "GraphStore",
    "NeighborSampler",
    "SampledSubgraph",
    "layerwise_predict",
    "TrimToLayer",
    "trim_to_layer",
    "synthetic_sbm",
]
