"""Graph layers on ragged graph batches (Keras 3, TensorFlow backend).

Every public, serializable object is listed in ``__all__`` (the plugin registers them).
"""

from kextras_graph.layers.appnp import APPNP
from kextras_graph.layers.cheb_conv import ChebConv
from kextras_graph.layers.diff_pool import DiffPool
from kextras_graph.layers.dmon_pool import DMoNPool
from kextras_graph.layers.edge_conv import EdgeConv
from kextras_graph.layers.gat_conv import GATConv
from kextras_graph.layers.gated_graph_conv import GatedGraphConv
from kextras_graph.layers.gcn_conv import GCNConv
from kextras_graph.layers.gin_conv import GINConv
from kextras_graph.layers.gine_conv import GINEConv
from kextras_graph.layers.global_attention_pool import GlobalAttentionPool
from kextras_graph.layers.global_max_pool import GlobalMaxPool
from kextras_graph.layers.global_mean_pool import GlobalMeanPool
from kextras_graph.layers.global_sum_pool import GlobalSumPool
from kextras_graph.layers.graph_conv import GraphConv
from kextras_graph.layers.graph_sage_conv import GraphSAGEConv
from kextras_graph.layers.message_passing import MessagePassing
from kextras_graph.layers.mincut_pool import MinCutPool
from kextras_graph.layers.nn_conv import NNConv
from kextras_graph.layers.node_activation import NodeActivation
from kextras_graph.layers.node_batch_normalization import NodeBatchNormalization
from kextras_graph.layers.node_dense import NodeDense
from kextras_graph.layers.node_dropout import NodeDropout
from kextras_graph.layers.node_layer_normalization import NodeLayerNormalization
from kextras_graph.layers.node_output import NodeOutput
from kextras_graph.layers.rgcn_conv import RGCNConv
from kextras_graph.layers.sag_pool import SAGPool
from kextras_graph.layers.schnet_conv import SchNetConv
from kextras_graph.layers.set2set import Set2Set
from kextras_graph.layers.sort_pool import SortPool
from kextras_graph.layers.topk_pool import TopKPool
from kextras_graph.layers.topk_unpool import TopKUnpool

__all__ = [
    "MessagePassing",
    "GCNConv",
    "GraphConv",
    "GINConv",
    "GINEConv",
    "GraphSAGEConv",
    "GATConv",
    "EdgeConv",
    "NNConv",
    "GlobalSumPool",
    "GlobalMeanPool",
    "GlobalMaxPool",
    "GlobalAttentionPool",
    "Set2Set",
    "NodeDense",
    "NodeDropout",
    "NodeBatchNormalization",
    "NodeLayerNormalization",
    "NodeActivation",
    "NodeOutput",
    # hierarchical pooling and readouts
    "TopKPool",
    "SAGPool",
    "TopKUnpool",
    "DiffPool",
    "MinCutPool",
    "DMoNPool",
    "SortPool",
    # more convolutions
    "ChebConv",
    "APPNP",
    "GatedGraphConv",
    "RGCNConv",
    "SchNetConv",
]
