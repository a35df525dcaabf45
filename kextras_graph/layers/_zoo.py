"""Pooling and extra convolution layers of issue 4 (merged into ``layers.__all__`` by the lead)."""

from kextras_graph.layers.appnp import APPNP
from kextras_graph.layers.cheb_conv import ChebConv
from kextras_graph.layers.diff_pool import DiffPool
from kextras_graph.layers.dmon_pool import DMoNPool
from kextras_graph.layers.gated_graph_conv import GatedGraphConv
from kextras_graph.layers.mincut_pool import MinCutPool
from kextras_graph.layers.rgcn_conv import RGCNConv
from kextras_graph.layers.sag_pool import SAGPool
from kextras_graph.layers.schnet_conv import SchNetConv
from kextras_graph.layers.sort_pool import SortPool
from kextras_graph.layers.topk_pool import TopKPool
from kextras_graph.layers.topk_unpool import TopKUnpool

__all__ = [
    "TopKPool",
    "SAGPool",
    "TopKUnpool",
    "DiffPool",
    "MinCutPool",
    "DMoNPool",
    "SortPool",
    "ChebConv",
    "APPNP",
    "GatedGraphConv",
    "RGCNConv",
    "SchNetConv",
]
