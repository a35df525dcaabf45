"""The extra convolutions through ``kextras.testing.check_layer``, both call styles,
permutation equivariance, and a ``.keras`` round trip of a model holding all of them."""

import os
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras.testing import assert_allclose, check_layer
from kextras_graph import layers as _zoo
from kextras_graph.layers.appnp import APPNP
from kextras_graph.layers.cheb_conv import ChebConv
from kextras_graph.layers.gated_graph_conv import GatedGraphConv
from kextras_graph.layers.rgcn_conv import RGCNConv
from kextras_graph.layers.schnet_conv import SchNetConv

from test_zoo_reference import SPECS, _graphs, _ragged

NODES, EDGES, EF = _ragged(_graphs(SPECS, seed=5))
WRONG_NODES = tf.ragged.constant([[1.0, 2.0], [], [3.0], [], [1.0], [2.0]])

CASES = {
    "ChebConv": (lambda: ChebConv(4, K=3, activation="relu"), "graph"),
    "APPNP": (lambda: APPNP(K=4, alpha=0.2), "dict"),
    "GatedGraphConv": (lambda: GatedGraphConv(5, num_steps=2), "graph"),
    "RGCNConv": (lambda: RGCNConv(4, num_relations=3, num_bases=2), "graph+ef"),
    "SchNetConv": (lambda: SchNetConv(4, num_rbf=6, distance_feature=1), "dict+ef"),
}


def _example(style):
    if style == "graph":
        return [NODES, EDGES], [WRONG_NODES, EDGES]
    if style == "graph+ef":
        return [NODES, EDGES, EF], [WRONG_NODES, EDGES, EF]
    if style == "dict":
        return {"nodes": NODES, "edges": EDGES}, {"nodes": WRONG_NODES, "edges": EDGES}
    return ({"nodes": NODES, "edges": EDGES, "edge_features": EF},
            {"nodes": WRONG_NODES, "edges": EDGES, "edge_features": EF})


def test_zoo_exports_every_conv():
    assert set(CASES) <= set(_zoo.__all__)


@pytest.mark.parametrize("name", sorted(CASES))
def test_conv_passes_harness(name):
    make, style = CASES[name]
    inputs, wrong = _example(style)
    out = check_layer(make(), inputs, fresh_process=False, wrong_rank_inputs=wrong,
                      atol=1e-5, rtol=1e-5)
    nodes_out = out["nodes"] if isinstance(out, dict) else out
    np.testing.assert_array_equal(nodes_out.row_lengths().numpy(),
                                  NODES.row_lengths().numpy())


@pytest.mark.parametrize("name", sorted(CASES))
def test_conv_is_permutation_equivariant(name):
    make, _ = CASES[name]
    rng = np.random.default_rng(1)
    x, e, f = _graphs([(6, 12)], seed=3)[0]
    perm = rng.permutation(6)
    inv = np.argsort(perm)
    layer = make()
    nodes, edges, ef = _ragged([(x, e, f)])
    out = layer([nodes, edges, ef]).values.numpy()
    pnodes, pedges, pef = _ragged([(x[perm], inv[e], f)])
    pout = layer([pnodes, pedges, pef]).values.numpy()
    np.testing.assert_allclose(pout, out[perm], atol=1e-5)


def test_model_with_every_conv_saves_and_reloads():
    nodes_in = keras.Input(shape=(None, 3), ragged=True, name="nodes")
    edges_in = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    ef_in = keras.Input(shape=(None, 2), ragged=True, name="edge_features")
    outputs = {}
    for name, (make, _) in CASES.items():
        outputs[name] = make()([nodes_in, edges_in, ef_in])
    model = keras.Model([nodes_in, edges_in, ef_in], outputs)
    expected = model([NODES, EDGES, EF])
    custom = {cls.__name__: cls for cls in (ChebConv, APPNP, GatedGraphConv, RGCNConv,
                                            SchNetConv)}
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "zoo.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path, custom_objects=custom)
    assert_allclose(reloaded([NODES, EDGES, EF]), expected, atol=1e-6, rtol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_conv_passes_full_harness_fresh_process(name):
    """Needs the ``_zoo`` classes in ``kextras_graph.layers.__all__`` (plugin registration)."""
    make, style = CASES[name]
    inputs, wrong = _example(style)
    check_layer(make(), inputs, wrong_rank_inputs=wrong, atol=1e-5, rtol=1e-5)
