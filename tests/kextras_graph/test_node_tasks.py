"""Node-level tasks in ``Sequential`` (dict style) with ``NodeOutput``: the masked loss
against a NumPy cross-entropy, training on karate club and Cora, padding, save/reload."""

import os
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import kextras
import kextras_graph  # noqa: F401  (registers the layers)
from kextras_graph import data as gd
from kextras_graph import layers as gl


def _log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _model(num_classes, hidden=16):
    return keras.Sequential([gl.GraphConv(hidden, activation="relu"),
                             gl.GraphConv(num_classes), gl.NodeOutput()])


def test_loss_is_the_masked_cross_entropy_of_the_train_nodes():
    club = gd.load_karate_club()
    keras.utils.set_random_seed(3)
    model = _model(club.num_classes)
    losses = {
        "mean_with_sample_weight": keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, reduction="mean_with_sample_weight"),
        "sum_over_batch_size": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    }
    logits = None
    for reduction, loss in losses.items():
        model.compile("adam", loss)
        got = model.evaluate(club.dataset("train"), verbose=0)
        if logits is None:
            logits = model.predict(club.dataset("train"), verbose=0)
            assert logits.shape == (1, club.num_nodes, club.num_classes)
        ce = -_log_softmax(logits[0].astype(np.float64))[np.arange(club.num_nodes), club.y]
        mask = club.mask("train")
        want = ce[mask].mean() if reduction == "mean_with_sample_weight" else ce[mask].sum() / club.num_nodes
        np.testing.assert_allclose(got, want, rtol=1e-5, err_msg=reduction)
    # only the train nodes count: changing the labels elsewhere leaves the loss unchanged
    y_other = np.where(club.mask("train"), club.y, 1 - club.y)[None]
    weight = club.mask("train").astype("float32")[None]
    changed = model.evaluate(club.inputs(), y_other, sample_weight=weight, verbose=0)
    np.testing.assert_allclose(changed, got, rtol=1e-6)


def test_karate_club_trains_in_sequential():
    club = gd.load_karate_club()
    keras.utils.set_random_seed(0)
    model = _model(club.num_classes)
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=["accuracy"])
    model.fit(club.dataset("train"), epochs=100, verbose=0)
    train = model.evaluate(club.dataset("train"), verbose=0, return_dict=True)
    test = model.evaluate(club.dataset("test"), verbose=0, return_dict=True)
    assert train["accuracy"] == 1.0
    assert test["accuracy"] >= 0.8  # 0.97 with seed 0


def test_cora_trains_in_sequential():
    cora = gd.load_cora()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        gl.NodeDropout(0.5), gl.GCNConv(16, activation="relu"), gl.NodeDropout(0.5),
        gl.GCNConv(cora.num_classes), gl.NodeOutput()])
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(
                      from_logits=True, reduction="mean_with_sample_weight"),
                  weighted_metrics=["accuracy"])
    model.fit(cora.dataset("train"), epochs=100, verbose=0)
    test = model.evaluate(cora.dataset("test"), verbose=0, return_dict=True)
    assert test["accuracy"] >= 0.7, test


def test_node_output_pads_each_graph_in_order():
    nodes = tf.RaggedTensor.from_row_lengths(np.arange(12, dtype="float32").reshape(6, 2), [2, 0, 4])
    edges = tf.RaggedTensor.from_row_lengths(np.array([[0, 1], [2, 3]], "int32"), [1, 0, 1])
    out = gl.NodeOutput()({"nodes": nodes, "edges": edges}).numpy()
    want = np.zeros((3, 4, 2), "float32")
    want[0, :2] = [[0, 1], [2, 3]]
    want[2] = np.arange(4, 12).reshape(4, 2)
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(gl.NodeOutput()([nodes, edges]).numpy(), want)
    np.testing.assert_array_equal(gl.NodeOutput()(want).numpy(), want)


def test_node_output_rejects_wrong_rank():
    with pytest.raises(ValueError, match=r"NodeOutput: `nodes` must have rank 3"):
        gl.NodeOutput()(tf.ragged.constant([[1.0, 2.0], [3.0]]))


def test_node_model_saves_and_reloads(tmp_path):
    club = gd.load_karate_club()
    keras.utils.set_random_seed(1)
    model = _model(club.num_classes)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(club.dataset("train"), epochs=2, verbose=0)
    path = os.path.join(tmp_path, "node.keras")
    model.save(path)
    reloaded = kextras.load_model(path)
    np.testing.assert_allclose(reloaded.predict(club.dataset("test"), verbose=0),
                               model.predict(club.dataset("test"), verbose=0), rtol=1e-6)
    assert isinstance(reloaded.layers[-1], gl.NodeOutput)


def test_unpadded_output_is_every_node_in_one_row():
    nodes = tf.RaggedTensor.from_row_lengths(np.arange(12, dtype="float32").reshape(6, 2), [2, 0, 4])
    edges = tf.RaggedTensor.from_row_lengths(np.array([[0, 1], [2, 3]], "int32"), [1, 0, 1])
    out = gl.NodeOutput(pad=False)({"nodes": nodes, "edges": edges}).numpy()
    np.testing.assert_array_equal(out, np.arange(12, dtype="float32").reshape(1, 6, 2))
    with pytest.raises(ValueError, match=r"pad.*Received.*'yes'"):
        gl.NodeOutput(pad="yes")


def test_unpadded_output_trains_under_xla_like_eager():
    club = gd.load_karate_club()
    accuracies = []
    for jit in (False, True):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([gl.GraphConv(16, activation="relu", sparse=False),
                                  gl.GraphConv(club.num_classes, sparse=False),
                                  gl.NodeOutput(pad=False)])
        model.compile(keras.optimizers.Adam(0.01),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      weighted_metrics=["accuracy"], jit_compile=jit)
        model.fit(club.dataset("train"), epochs=50, verbose=0)
        accuracies.append(model.evaluate(club.dataset("test"), verbose=0, return_dict=True)["accuracy"])
        if jit:
            assert model.jit_compile is True  # no fallback: every layer supports XLA
    assert accuracies[1] == pytest.approx(accuracies[0], abs=1 / 32)
    assert accuracies[1] >= 0.8


# What a user who leaves out ``NodeOutput`` meets, and the fragment of Keras' message that
# docs/graph/index.md ("Node-level tasks") quotes next to the fix. Keras runs no code of
# kextras between the model output and its loss (CompileLoss.build / Loss.__call__), so
# kextras cannot replace these messages; the test fails when Keras changes them, so that the
# docs follow.
_NO_NODE_OUTPUT = {
    "single loss": ((KeyError,), "The path: ('nodes',)"),
    "loss dict": ((TypeError, ValueError), "Failed to convert elements of tf.RaggedTensor"),
}
_DOCS = Path(__file__).resolve().parents[2] / "docs" / "graph" / "index.md"


@pytest.mark.parametrize("case", sorted(_NO_NODE_OUTPUT))
def test_sequential_without_node_output_fails_with_the_message_the_docs_quote(case):
    errors, fragment = _NO_NODE_OUTPUT[case]
    club = gd.load_karate_club()
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model = keras.Sequential([gl.GraphConv(16), gl.GraphConv(club.num_classes)])
    model.compile("adam", loss if case == "single loss" else {"nodes": loss})
    with pytest.raises(errors) as info:
        model.fit(club.dataset("train"), epochs=1, verbose=0)
    assert fragment in str(info.value)
    assert fragment in _DOCS.read_text(), f"docs/graph/index.md must quote {fragment!r}"


class _FlatNodeLoss(keras.losses.Loss):
    """Cross-entropy of ragged node logits ``[1, (n), C]`` against ``y[1, n]``: the loss
    side of a dict-output model can be made to work, the metrics side (below) cannot."""

    def __call__(self, y_true, y_pred, sample_weight=None):
        flat = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return flat(y_true, y_pred.values[None], sample_weight)


def test_a_ragged_node_loss_trains_a_dict_output_but_its_metrics_do_not_work():
    """``loss={"nodes": <a loss that flattens the ragged nodes>}`` trains the dict output,
    but no ``weighted_metrics={"nodes": [...]}`` reaches it: Keras 3.15 rejects them
    (the message the docs quote), older versions may drop them; ``NodeOutput`` is the fix."""
    club = gd.load_karate_club()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([gl.GraphConv(16), gl.GraphConv(club.num_classes)])
    model.compile(keras.optimizers.Adam(0.05), {"nodes": _FlatNodeLoss()})
    history = model.fit(club.dataset("train"), epochs=20, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]
    model = keras.Sequential([gl.GraphConv(16), gl.GraphConv(club.num_classes)])
    model.compile("adam", {"nodes": _FlatNodeLoss()}, weighted_metrics={"nodes": ["accuracy"]})
    fragment = "should contain metrics objects and"
    try:
        logs = model.fit(club.dataset("train"), epochs=1, verbose=0).history
    except ValueError as e:
        assert fragment in str(e)
        assert fragment in _DOCS.read_text()
    else:
        assert not any("accuracy" in key for key in logs), logs
