"""End-to-end model tests: fit on tf.data ragged batches, .keras save/load in a fresh
process, SavedModel export and serving, MirroredStrategy over two logical CPUs, Cora."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import networkx as nx
import numpy as np
import pytest
import tensorflow as tf

import kextras_graph  # noqa: F401  (registers the layers)
from kextras_graph import data as gd
from kextras_graph import layers as gl

N_FEATURES = 4


def make_graphs(count, seed):
    """Random graphs (some without edges, some without nodes) and an independent target,
    (number of nodes + sum of the second feature) / 10, which sum pooling can learn."""
    rng = np.random.default_rng(seed)
    graphs, targets = [], []
    for i in range(count):
        n = int(rng.integers(1, 12)) if i % 9 else 0
        m = int(rng.integers(0, 2 * n + 1)) if n else 0
        edges = rng.integers(0, max(n, 1), size=(m, 2))
        nodes = np.concatenate([np.ones((n, 1)), rng.uniform(size=(n, N_FEATURES - 1))], axis=1)
        graphs.append({"nodes": nodes, "edges": edges})
        targets.append((n + nodes[:, 1].sum()) / 10.0)
    return graphs, np.array(targets, dtype=np.float32)


def sequential_model(units=16):
    model = keras.Sequential()
    model.add(gl.GraphConv(units, activation="relu"))
    model.add(gl.GraphConv(units, activation="relu"))
    model.add(gl.GlobalSumPool())
    model.add(keras.layers.Dense(1))
    return model


def functional_model():
    nodes = keras.Input(shape=(None, N_FEATURES), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = gl.GCNConv(8, activation="relu")([nodes, edges])
    h = gl.GATConv(4, heads=2)([h, edges])
    h = gl.NodeDense(8, activation="tanh")(h)
    pooled = gl.GlobalMeanPool()([h, edges])
    return keras.Model({"nodes": nodes, "edges": edges}, keras.layers.Dense(2)(pooled))


def run_python(code, tmp_path):
    """Run ``code`` in a fresh Python process; return its last stdout line parsed as JSON."""
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(code))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def save_batch(batch, path):
    np.savez(path, **{f"{k}_values": v.values.numpy() for k, v in batch.items()},
             **{f"{k}_splits": v.row_splits.numpy() for k, v in batch.items()})


LOAD_BATCH = """
    import numpy as np, tensorflow as tf
    def load_batch(path):
        d = np.load(path)
        keys = sorted({k.rsplit("_", 1)[0] for k in d.files})
        return {k: tf.RaggedTensor.from_row_splits(d[k + "_values"], d[k + "_splits"]) for k in keys}
"""


def test_sequential_model_add_fit_on_ragged_dataset():
    keras.utils.set_random_seed(1)
    graphs, targets = make_graphs(96, seed=0)
    test_graphs, test_targets = make_graphs(30, seed=1)
    ds = gd.graph_dataset(graphs, targets, batch_size=16, shuffle=True, seed=0)
    model = sequential_model()
    model.compile(keras.optimizers.Adam(0.01), "mse")
    history = model.fit(ds, epochs=40, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < 0.05 * losses[0]
    pred = model.predict(gd.graph_dataset(test_graphs, batch_size=7), verbose=0)[:, 0]
    assert pred.shape == (30,)
    # Held-out graphs (batched differently): far better than predicting the training mean.
    mae = np.mean(np.abs(pred - test_targets))
    baseline = np.mean(np.abs(targets.mean() - test_targets))
    assert mae < 0.3 * baseline, (mae, baseline)
    # Batching independence: one batch of all graphs gives the same predictions.
    whole = model(gd.ragged_batch(test_graphs), training=False).numpy()[:, 0]
    np.testing.assert_allclose(whole, pred, rtol=1e-5, atol=1e-5)


def test_keras_save_load_and_saved_model_export_in_fresh_process(tmp_path):
    """``.keras`` archives of a Sequential and a functional graph model reload with
    ``kextras.load_model`` in a fresh process (identical outputs), and a SavedModel exported
    with a ragged input signature is served there by plain TensorFlow (no kextras import)."""
    keras.utils.set_random_seed(2)
    graphs, targets = make_graphs(20, seed=3)
    batch = gd.ragged_batch(graphs)
    expected = {}
    for kind, model in (("sequential", sequential_model()), ("functional", functional_model())):
        model.compile("adam", "mse")
        y = np.stack([targets] * (1 if kind == "sequential" else 2), axis=1)
        model.fit(gd.graph_dataset(graphs, y, batch_size=8), epochs=1, verbose=0)
        expected[kind] = model(batch, training=False).numpy()
        model.save(tmp_path / f"{kind}.keras")
        if kind == "sequential":
            sequential = model
    # Keras 3.15 `model.export` rejects tf.RaggedTensorSpec: export_saved_model is the route.
    gd.export_saved_model(model, tmp_path / "saved")  # signature from the keras.Input(ragged=True)
    gd.export_saved_model(sequential, tmp_path / "saved_seq", gd.graph_input_signature(N_FEATURES))
    save_batch(batch, tmp_path / "batch.npz")
    out = run_python(
        LOAD_BATCH
        + f"""
    import json, sys
    batch = load_batch({str(tmp_path / "batch.npz")!r})
    loaded = tf.saved_model.load({str(tmp_path / "saved")!r})  # keep a reference: it owns the variables
    served = loaded.serve(batch).numpy()
    loaded_seq = tf.saved_model.load({str(tmp_path / "saved_seq")!r})
    served_seq = loaded_seq.serve(batch).numpy()
    assert not any(m.startswith("kextras") for m in sys.modules)  # plain TensorFlow serving
    import kextras
    result = {{"served": served.tolist(), "served_seq": served_seq.tolist()}}
    for kind in ("sequential", "functional"):
        model = kextras.load_model({str(tmp_path)!r} + f"/{{kind}}.keras")
        result[kind] = np.asarray(model(batch, training=False)).tolist()
    assert "kextras_graph" in sys.modules  # the plugin was loaded on demand
    print(json.dumps(result))
    """,
        tmp_path,
    )
    for kind in ("sequential", "functional"):
        np.testing.assert_allclose(np.array(out[kind]), expected[kind], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.array(out["served"]), expected["functional"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.array(out["served_seq"]), expected["sequential"], rtol=1e-5, atol=1e-6)


def test_export_saved_model_errors():
    with pytest.raises(ValueError, match="`input_signature` is needed"):
        gd.export_saved_model(sequential_model(), "/nonexistent")
    with pytest.raises(ValueError, match="`model` must be a keras.Model"):
        gd.export_saved_model(gl.GCNConv(2), "/nonexistent")
    with pytest.raises(ValueError, match="`n_features` must be a positive integer. Received: n_features=0"):
        gd.graph_input_signature(0)


def test_mirrored_strategy_two_logical_cpus_matches_single_device(tmp_path):
    """Data-parallel training with tf.distribute.MirroredStrategy on two logical CPU devices
    (configured in a child process so other tests keep one device): the ragged batches are
    split between the replicas, and the weights equal those of single-device training.

    The loop is the TensorFlow custom-training one (``strategy.run``): Keras 3.15 ``fit``
    under a strategy first reduces a data batch across replicas (``_maybe_symbolic_build``),
    which fails for RaggedTensor inputs."""
    out = run_python(
        """
    import json
    import numpy as np, tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    import kextras_graph
    from kextras_graph import data as gd, layers as gl

    rng = np.random.default_rng(0)
    graphs, targets = [], []
    for i in range(16):
        n = int(rng.integers(2, 9))
        graphs.append({"nodes": rng.normal(size=(n, 3)), "edges": rng.integers(0, n, size=(2 * n, 2))})
        targets.append(n / 10.0)
    GLOBAL_BATCH = 8
    ds = gd.graph_dataset(graphs, np.array(targets, "float32"), batch_size=GLOBAL_BATCH)

    def build():
        keras.utils.set_random_seed(5)
        model = keras.Sequential()
        model.add(gl.GCNConv(8, activation="tanh"))
        model.add(gl.GINConv([8, 8], activation="tanh"))
        model.add(gl.GlobalMeanPool())
        model.add(keras.layers.Dense(1))
        model.compile(keras.optimizers.SGD(0.05), "mse")
        model(gd.ragged_batch(graphs[:2]))
        return model

    def train(model, strategy, epochs=3):
        replica_rows = []

        @tf.function
        def step(x, y):
            def replica_fn(x, y):
                with tf.GradientTape() as tape:
                    pred = model(x, training=True)[:, 0]
                    loss = tf.reduce_sum(tf.square(pred - y)) / GLOBAL_BATCH
                grads = tape.gradient(loss, model.trainable_variables)
                model.optimizer.apply(grads, model.trainable_variables)
                return loss, x["nodes"].nrows()
            loss, rows = strategy.run(replica_fn, args=(x, y))
            return strategy.reduce("SUM", loss, axis=None), strategy.experimental_local_results(rows)

        losses = []
        for _ in range(epochs):
            total = 0.0
            for x, y in strategy.experimental_distribute_dataset(ds):
                loss, rows = step(x, y)
                total += float(loss)
                replica_rows.append([int(r) for r in rows])
            losses.append(total)
        return losses, replica_rows

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        mirrored = build()
        history, rows = train(mirrored, strategy)
    single = build()
    single_history, _ = train(single, tf.distribute.get_strategy())
    diff = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(mirrored.weights, single.weights))
    moved = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(mirrored.weights, build().weights))
    print(json.dumps({"replicas": strategy.num_replicas_in_sync, "diff": diff, "moved": moved,
                      "loss": history, "single_loss": single_history, "rows": rows}))
    """,
        tmp_path,
    )
    assert out["replicas"] == 2
    assert all(r == [4, 4] for r in out["rows"])  # each global batch of 8 graphs split 4 + 4
    assert out["moved"] > 1e-3  # training changed the weights
    assert out["diff"] < 1e-5, out
    np.testing.assert_allclose(out["loss"], out["single_loss"], rtol=1e-5)
    assert out["loss"][-1] < out["loss"][0]


def row_normalize(x):
    return x / np.maximum(x.sum(axis=1, keepdims=True), 1)


@pytest.mark.slow
def test_cora_gcn_node_classification_with_fit():
    """Kipf & Welling GCN written with kextras and Keras layers, trained by fit with the
    train mask as sample weights; test accuracy against the Planetoid test labels."""
    cora = gd.load_cora()
    cora = gd.NodeClassificationData(**{**cora.__dict__, "x": row_normalize(cora.x).astype("float32")})
    keras.utils.set_random_seed(0)
    nodes = keras.Input(shape=(None, cora.num_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = gl.NodeDropout(0.5)(nodes)
    h = gl.GCNConv(16, activation="relu", kernel_regularizer=keras.regularizers.l2(2.5e-4))([h, edges])
    h = gl.NodeDropout(0.5)(h)
    h = gl.GCNConv(cora.num_classes)([h, edges])
    logits = keras.layers.Reshape((-1, cora.num_classes))(h)
    model = keras.Model({"nodes": nodes, "edges": edges}, logits)
    model.compile(
        keras.optimizers.Adam(0.01),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"),
        weighted_metrics=["accuracy"],
    )
    model.fit(cora.dataset("train"), epochs=100, verbose=0)
    result = model.evaluate(cora.dataset("test"), verbose=0, return_dict=True)
    # Independent check of the weighted metric: argmax of the logits on the test nodes.
    pred = model.predict(cora.dataset("test"), verbose=0)[0].argmax(-1)
    accuracy = float(np.mean(pred[cora.test_index] == cora.y[cora.test_index]))
    assert abs(accuracy - result["accuracy"]) < 1e-6
    assert accuracy >= 0.77


def test_karate_club_two_labels_classify_factions():
    data = gd.load_karate_club()
    keras.utils.set_random_seed(0)
    nodes = keras.Input(shape=(None, data.num_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = gl.GCNConv(8, activation="tanh")([nodes, edges])
    h = gl.GCNConv(8, activation="tanh")([h, edges])
    h = gl.GCNConv(2)([h, edges])
    model = keras.Model({"nodes": nodes, "edges": edges}, keras.layers.Reshape((-1, 2))(h))
    model.compile(keras.optimizers.Adam(0.01),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight"))
    model.fit(data.dataset("train"), epochs=60, verbose=0)
    pred = model.predict(data.dataset("test"), verbose=0)[0].argmax(-1)
    truth = np.array([nx.karate_club_graph().nodes[i]["club"] == "Officer" for i in range(34)])
    assert np.mean(pred[data.test_index] == truth[data.test_index]) >= 0.8
