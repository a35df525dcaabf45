"""Every public layer through the shared harness ``kextras.testing.check_layer``.

The default run uses ``fresh_process=False`` per layer and checks the fresh-process
``.keras`` reload once for a model holding every layer (one subprocess instead of 19);
``-m slow`` runs the full harness, fresh process included, for every layer.
"""

import os
import pickle
import subprocess
import sys
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf

import kextras_graph  # noqa: F401  (registers the layers)
from kextras.testing import _from_numpy, _to_numpy, assert_allclose, check_layer
from kextras_graph import layers as L


def _inputs():
    rng = np.random.default_rng(0)
    lengths, edge_lengths = [4, 0, 5, 1], [4, 0, 5, 0]
    nodes = tf.RaggedTensor.from_row_lengths(rng.normal(size=(10, 3)).astype("float32"),
                                             lengths)
    edges = tf.RaggedTensor.from_row_lengths(np.array(
        [[0, 1], [1, 2], [3, 3], [1, 2], [0, 4], [4, 2], [1, 1], [0, 4], [3, 0]], "int32"),
        edge_lengths)
    ef = tf.RaggedTensor.from_row_lengths(rng.normal(size=(9, 2)).astype("float32"),
                                          edge_lengths)
    return nodes, edges, ef


NODES, EDGES, EF = _inputs()
WRONG_NODES = tf.ragged.constant([[1.0, 2.0], [3.0], [], [1.0]])  # [batch, (n)]: rank 2

CASES = {
    "GCNConv": (lambda: L.GCNConv(4, activation="relu"), "graph"),
    "GraphConv": (lambda: L.GraphConv(4, aggregate="mean"), "graph"),
    "GINConv": (lambda: L.GINConv([6, 4], train_eps=True), "graph"),
    "GINEConv": (lambda: L.GINEConv([4]), "graph+ef"),
    "GINConv_inner_layer": (lambda: L.GINConv(mlp=keras.Sequential(
        [keras.layers.Dense(6, activation="relu"), keras.layers.Dense(4)]), eps=0.5), "graph"),
    "GraphSAGEConv": (lambda: L.GraphSAGEConv(4, aggregate="max", normalize=True), "graph"),
    "GATConv": (lambda: L.GATConv(3, heads=2, dropout=0.2, v2=True, seed=1), "graph"),
    "EdgeConv": (lambda: L.EdgeConv([5, 4]), "graph"),
    "NNConv": (lambda: L.NNConv(3, kernel_network=[4]), "graph+ef"),
    "MessagePassing": (lambda: L.MessagePassing(aggregate="mean"), "graph"),
    "GlobalSumPool": (lambda: L.GlobalSumPool(), "nodes"),
    "GlobalMeanPool": (lambda: L.GlobalMeanPool(), "dict"),
    "GlobalMaxPool": (lambda: L.GlobalMaxPool(), "graph"),
    "GlobalAttentionPool": (lambda: L.GlobalAttentionPool(4), "nodes"),
    "Set2Set": (lambda: L.Set2Set(2), "nodes"),
    "NodeDense": (lambda: L.NodeDense(4, activation="hyper_sinh"), "nodes"),
    "NodeDropout": (lambda: L.NodeDropout(0.3, seed=2), "dict"),
    "NodeBatchNormalization": (lambda: L.NodeBatchNormalization(), "nodes"),
    "NodeLayerNormalization": (lambda: L.NodeLayerNormalization(), "dict"),
    "NodeActivation": (lambda: L.NodeActivation("m_arcsinh"), "nodes"),
    "NodeOutput": (lambda: L.NodeOutput(), "graph"),
    "NodeOutput_unpadded": (lambda: L.NodeOutput(pad=False), "graph"),
}


def _example(style):
    if style == "graph":
        return [NODES, EDGES], [WRONG_NODES, EDGES]
    if style == "graph+ef":
        return [NODES, EDGES, EF], [WRONG_NODES, EDGES, EF]
    if style == "dict":
        return {"nodes": NODES, "edges": EDGES}, {"nodes": WRONG_NODES, "edges": EDGES}
    return NODES, WRONG_NODES


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_passes_harness(name):
    make, style = CASES[name]
    inputs, wrong = _example(style)
    out = check_layer(make(), inputs, fresh_process=False, wrong_rank_inputs=wrong,
                      atol=1e-5, rtol=1e-5)
    nodes_out = out["nodes"] if isinstance(out, dict) else out
    if isinstance(nodes_out, tf.RaggedTensor):
        np.testing.assert_array_equal(nodes_out.row_lengths().numpy(), [4, 0, 5, 1])
    elif name == "NodeOutput_unpadded":
        assert nodes_out.shape == (1, 10, 3)  # every node of the batch in one row
    else:
        assert nodes_out.shape[0] == 4


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_passes_full_harness_fresh_process(name):
    make, style = CASES[name]
    inputs, wrong = _example(style)
    check_layer(make(), inputs, wrong_rank_inputs=wrong, atol=1e-5, rtol=1e-5)


_RELOAD = r"""
import pickle, sys
import kextras
from kextras.testing import _from_numpy, _to_numpy
assert not any(m.startswith("kextras_graph") for m in sys.modules)
with open(sys.argv[1], "rb") as f:
    data = pickle.load(f)
model = kextras.load_model(data["path"])
with open(sys.argv[2], "wb") as f:
    pickle.dump(_to_numpy(model(_from_numpy(data["inputs"]), training=False)), f)
"""


def test_model_with_every_layer_reloads_in_fresh_process():
    """One ``.keras`` archive with all 19 layers, reloaded by ``kextras.load_model``."""
    nodes_in = keras.Input(shape=(None, 3), ragged=True, name="nodes")
    edges_in = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    ef_in = keras.Input(shape=(None, 2), ragged=True, name="edge_features")
    outputs = {}
    for name, (make, style) in CASES.items():
        layer = make()
        if style == "graph":
            y = layer([nodes_in, edges_in])
        elif style == "graph+ef":
            y = layer([nodes_in, edges_in, ef_in])
        elif style == "dict":
            y = layer({"nodes": nodes_in, "edges": edges_in})["nodes"] \
                if not name.startswith("Global") else layer({"nodes": nodes_in, "edges": edges_in})
        else:
            y = layer(nodes_in)
        outputs[name] = y
    model = keras.Model([nodes_in, edges_in, ef_in], outputs)
    inputs = [NODES, EDGES, EF]
    expected = model(inputs, training=False)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "all.keras")
        model.save(path)
        request, reply = os.path.join(directory, "in.pkl"), os.path.join(directory, "out.pkl")
        with open(request, "wb") as f:
            pickle.dump({"path": path, "inputs": _to_numpy(inputs)}, f)
        result = subprocess.run([sys.executable, "-c", _RELOAD, request, reply],
                                capture_output=True, text=True, timeout=600,
                                env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
        assert result.returncode == 0, result.stderr[-4000:]
        with open(reply, "rb") as f:
            reloaded = _from_numpy(pickle.load(f))
    assert set(reloaded) == set(expected)
    for name in expected:
        assert_allclose(reloaded[name], expected[name], atol=1e-6, rtol=1e-6, what=name)
