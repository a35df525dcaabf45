"""``kextras.distribute.fit`` on one device, against Keras' own ``fit`` as the reference:
same weights, same history, same callback calls. Strategies: test_distribute_strategies.py."""

import re
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras import distribute


def dense_data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1).astype("float32")
    w = rng.uniform(0.5, 1.5, size=(n,)).astype("float32")
    return x, y, w


def dense_model(run_eagerly=False):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse", metrics=["mae"], run_eagerly=run_eagerly)
    return model


def assert_same_weights(a, b, tol=1e-6):
    for u, v in zip(a.weights, b.weights, strict=True):
        np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=tol, atol=tol)


def assert_same_history(a, b, rtol=1e-5):
    assert sorted(a.history) == sorted(b.history)
    for key in a.history:
        np.testing.assert_allclose(a.history[key], b.history[key], rtol=rtol, err_msg=key)


class Recorder(keras.callbacks.Callback):
    """Records every callback call with its index and the names and types of its logs."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(self, hook, index=None, logs=None):
        kinds = sorted((k, type(v).__name__) for k, v in (logs or {}).items())
        self.calls.append((hook, index, kinds))

    def on_train_begin(self, logs=None):
        self._record("train_begin")

    def on_train_end(self, logs=None):
        self._record("train_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._record("epoch_begin", epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._record("epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._record("train_batch_begin", batch)

    def on_train_batch_end(self, batch, logs=None):
        self._record("train_batch_end", batch, logs)

    def on_test_begin(self, logs=None):
        self._record("test_begin")

    def on_test_end(self, logs=None):
        self._record("test_end", logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._record("test_batch_end", batch, logs)


def test_dense_model_with_sample_weights_and_validation_equals_keras_fit():
    x, y, w = dense_data()
    xv, yv, _ = dense_data(10, seed=1)
    train = tf.data.Dataset.from_tensor_slices((x, y, w)).batch(8)
    val = tf.data.Dataset.from_tensor_slices((xv, yv)).batch(4)
    reference, ours = dense_model(), dense_model()
    rec_ref, rec_ours = Recorder(), Recorder()
    h_ref = reference.fit(train, epochs=3, validation_data=val, callbacks=[rec_ref], verbose=0, shuffle=False)
    h_ours = distribute.fit(ours, train, epochs=3, validation_data=val, callbacks=[rec_ours], verbose=0)
    assert h_ours is ours.history and isinstance(h_ours, keras.callbacks.History)
    assert_same_weights(reference, ours)
    assert_same_history(h_ref, h_ours)
    assert sorted(h_ours.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert rec_ours.calls == rec_ref.calls


def test_run_eagerly_model():
    x, y, _ = dense_data()
    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(6)
    reference, ours = dense_model(run_eagerly=True), dense_model(run_eagerly=True)
    reference.fit(train, epochs=2, verbose=0, shuffle=False)
    distribute.fit(ours, train, epochs=2, verbose=0)
    assert_same_weights(reference, ours)


def test_graph_model_on_ragged_dict_batches_equals_keras_fit():
    """The graph batch format: a dict of ragged ``nodes`` / ``edges`` (functional model)."""
    from kextras_graph import data as gd
    from kextras_graph import layers as gl

    rng = np.random.default_rng(0)
    graphs = []
    for _ in range(20):
        n = int(rng.integers(1, 8))
        graphs.append({"nodes": rng.normal(size=(n, 3)), "edges": rng.integers(0, n, size=(2 * n, 2))})
    targets = np.array([len(g["nodes"]) / 10 for g in graphs], "float32")
    ds = gd.graph_dataset(graphs, targets, batch_size=6)

    def build():
        keras.utils.set_random_seed(2)
        nodes = keras.Input(shape=(None, 3), ragged=True, name="nodes")
        edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
        h = gl.GCNConv(8, activation="relu")([nodes, edges])
        pooled = gl.GlobalSumPool()([h, edges])
        model = keras.Model({"nodes": nodes, "edges": edges}, keras.layers.Dense(1)(pooled))
        model.compile(keras.optimizers.SGD(0.01), "mse")
        return model

    reference, ours = build(), build()
    h_ref = reference.fit(ds, epochs=2, verbose=0, shuffle=False)
    h_ours = distribute.fit(ours, ds, epochs=2, verbose=0)
    assert_same_weights(reference, ours)
    assert_same_history(h_ref, h_ours)


def test_custom_train_step_without_data_pinn():
    """A model whose ``train_step`` ignores its data (``dataset=None``): the PINN, against
    its own Keras-based ``fit``."""
    from kextras_sci import pde

    def build():
        keras.utils.set_random_seed(0)
        geom = pde.Interval(0, 1)
        net = keras.Sequential([keras.Input((1,), dtype="float64"), keras.layers.Dense(6, "tanh", dtype="float64"),
                                keras.layers.Dense(1, dtype="float64")])
        model = pde.PINN(net, [pde.PDEResidual(lambda u, u_xx: u_xx + 1.0, geom, num_points=20),
                               pde.DirichletBC(geom, 0.0, num_points=2)], domain=geom)
        model.compile(keras.optimizers.Adam(0.01))
        return model

    reference, ours = build(), build()
    h_ref = reference.fit(epochs=2, steps_per_epoch=4, verbose=0)
    h_ours = distribute.fit(ours, epochs=2, steps_per_epoch=4, verbose=0)
    assert_same_weights(reference, ours, tol=1e-12)
    assert_same_history(h_ref, h_ours)
    assert sorted(h_ours.history) == ["dirichlet", "loss", "pde"]


def test_early_stopping_and_model_checkpoint(tmp_path):
    x, y, _ = dense_data()
    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)

    def callbacks(path):
        # min_delta so large that only the first epoch improves: stops after epoch 2
        return [keras.callbacks.EarlyStopping(monitor="loss", min_delta=1e9, patience=1),
                keras.callbacks.ModelCheckpoint(path)]

    reference, ours = dense_model(), dense_model()
    h_ref = reference.fit(train, epochs=10, callbacks=callbacks(tmp_path / "ref.keras"), verbose=0, shuffle=False)
    h_ours = distribute.fit(ours, train, epochs=10, callbacks=callbacks(tmp_path / "ours.keras"), verbose=0)
    assert len(h_ours.history["loss"]) == len(h_ref.history["loss"]) == 2
    assert_same_weights(reference, ours)
    saved = keras.saving.load_model(tmp_path / "ours.keras")
    assert_same_weights(saved, ours, tol=0)


def test_progress_bar(capsys):
    x, y, _ = dense_data()
    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    distribute.fit(dense_model(), train, epochs=2, validation_data=train, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "3/3" in out and "loss:" in out and "val_loss:" in out
    distribute.fit(dense_model(), train, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""
    distribute.fit(dense_model(), train, epochs=1, verbose=2)
    assert "loss:" in capsys.readouterr().out


def test_steps_per_epoch_reads_on_across_epochs():
    x, y, _ = dense_data()
    repeated = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    reference, ours = dense_model(), dense_model()
    reference.fit(repeated, epochs=3, steps_per_epoch=2, verbose=0, shuffle=False)
    distribute.fit(ours, repeated, epochs=3, steps_per_epoch=2, verbose=0)
    assert_same_weights(reference, ours)


def test_dataset_running_out_warns_and_stops():
    x, y, _ = dense_data()
    finite = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)  # 3 batches
    reference, ours = dense_model(), dense_model()
    reference.fit(finite, epochs=1, verbose=0, shuffle=False)  # the same 3 steps
    with pytest.warns(UserWarning, match="ran out of data"):
        history = distribute.fit(ours, finite, epochs=5, steps_per_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert_same_weights(reference, ours)


def test_dataset_running_out_at_an_epoch_start_warns_and_stops():
    x, y, _ = dense_data(32)
    finite = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)  # 4 batches: 2 epochs of 2 steps
    reference, ours = dense_model(), dense_model()
    reference.fit(finite, epochs=1, verbose=0, shuffle=False)
    with pytest.warns(UserWarning, match="ran out of data in epoch 3"):
        history = distribute.fit(ours, finite, epochs=4, steps_per_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert_same_weights(reference, ours)


def test_is_chief():
    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver

    class FakeStrategy:
        def __init__(self, jobs, task_type, task_id):
            self.cluster_resolver = resolver(tf.train.ClusterSpec(jobs), task_type=task_type, task_id=task_id)

    workers = {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}
    with_chief = dict(workers, chief=["127.0.0.1:3"])
    assert distribute.is_chief()
    assert distribute.is_chief(FakeStrategy(workers, "worker", 0))
    assert not distribute.is_chief(FakeStrategy(workers, "worker", 1))
    assert distribute.is_chief(FakeStrategy(with_chief, "chief", 0))
    assert not distribute.is_chief(FakeStrategy(with_chief, "worker", 0))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"model": "model"}, "`model` must be a keras.Model. Received: model='model'"),
        ({"epochs": -1}, "`epochs` must be a non-negative integer. Received: epochs=-1"),
        ({"epochs": 1.5}, "`epochs` must be a non-negative integer. Received: epochs=1.5"),
        ({"steps_per_epoch": 0}, "`steps_per_epoch` must be a positive integer. Received: steps_per_epoch=0"),
        ({"dataset": None}, "`steps_per_epoch` is needed when `dataset` is None"),
        ({"dataset": np.zeros((2, 3))}, "`dataset` must be a tf.data.Dataset or a tf.distribute.DistributedDataset"),
        ({"validation_data": (1, 2)}, "`validation_data` must be a tf.data.Dataset"),
        ({"verbose": 3}, "`verbose` must be one of"),
    ],
)
def test_bad_arguments(kwargs, message):
    x, y, _ = dense_data()
    args = {"model": dense_model(), "dataset": tf.data.Dataset.from_tensor_slices((x, y)).batch(8), **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        distribute.fit(**args)


def test_uncompiled_model_and_empty_dataset():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    empty = tf.data.Dataset.from_tensor_slices((np.zeros((0, 3), "float32"), np.zeros((0, 1), "float32"))).batch(4)
    with pytest.raises(ValueError, match="`model` must be compiled"):
        distribute.fit(model, empty)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="`dataset` yielded no batch"):
        distribute.fit(model, empty)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert distribute.fit(model, empty, epochs=0).history == {}


def test_evaluate_equals_keras_evaluate():
    x, y, w = dense_data()
    data = tf.data.Dataset.from_tensor_slices((x, y, w)).batch(5)
    model = dense_model()
    model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(8), epochs=1, verbose=0, shuffle=False)
    rec_ref, rec_ours = Recorder(), Recorder()
    reference = model.evaluate(data, return_dict=True, verbose=0, callbacks=[rec_ref])
    ours = distribute.evaluate(model, data, verbose=0, callbacks=[rec_ours])
    assert sorted(ours) == sorted(reference) == ["loss", "mae"]
    for key in reference:
        np.testing.assert_allclose(ours[key], reference[key], rtol=1e-6)
    assert rec_ours.calls == rec_ref.calls
    with pytest.raises(ValueError, match="`dataset` must be a tf.data.Dataset"):
        distribute.evaluate(model, None)
