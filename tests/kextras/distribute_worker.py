"""Training jobs for tests/kextras/test_distribute_strategies.py, run in child processes.

``python distribute_worker.py mirrored OUT``: two logical CPU devices; trains a graph
model (GCNConv + pooling on ragged dict batches) and a PINN on one device and under
``MirroredStrategy``, evaluates the graph model, and tries Keras' own ``fit`` under the strategy on
the graph batches and on a one-layer Dense model.
``python distribute_worker.py worker OUT``: one worker of the cluster in ``TF_CONFIG``
(``MultiWorkerMirroredStrategy``), the same jobs; the chief also saves a ``.keras``
checkpoint; and Keras' own ``fit`` of a one-layer Dense model.
Both write their results as JSON to ``OUT``. The test imports the same functions for the
single-process reference.
"""

import json
import os
import sys

import numpy as np
import tensorflow as tf

GLOBAL_BATCH = 8
EPOCHS = 2


def graphs_and_targets(count=24, seed=0):
    """Random graphs with 2 to 8 nodes (float64 features) and targets n / 10."""
    rng = np.random.default_rng(seed)
    graphs, targets = [], []
    for _ in range(count):
        n = int(rng.integers(2, 9))
        graphs.append({"nodes": rng.normal(size=(n, 3)), "edges": rng.integers(0, n, size=(2 * n, 2))})
        targets.append(n / 10.0)
    return graphs, np.array(targets)


def graph_dataset(batch_size=GLOBAL_BATCH, shard=None):
    """Global batches of ``batch_size`` graphs (shuffled with a fixed seed, the same order
    in every process); ``shard=(count, index)`` keeps every count-th batch from index."""
    from kextras_graph import data as gd

    graphs, targets = graphs_and_targets()
    ds = gd.graph_dataset(graphs, targets, batch_size=batch_size, shuffle=True, seed=3, dtype="float64")
    return ds if shard is None else ds.shard(*shard)


def per_replica_dataset_fn(ctx):
    """For ``strategy.distribute_datasets_from_function``: each input pipeline (worker) reads
    its own share of the per-replica batches."""
    batch = ctx.get_per_replica_batch_size(GLOBAL_BATCH)
    return graph_dataset(batch, shard=(ctx.num_input_pipelines, ctx.input_pipeline_id))


def graph_model():
    import keras

    from kextras_graph import layers as gl

    keras.utils.set_random_seed(5)
    model = keras.Sequential([
        gl.GCNConv(8, activation="tanh", dtype="float64"),
        gl.GlobalMeanPool(dtype="float64"),
        keras.layers.Dense(1, dtype="float64"),
    ])
    model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
    return model


def pinn():
    """Burgers' equation on 101 + 7 + 9 points (odd counts: uneven shards)."""
    import keras

    from kextras_sci import pde

    keras.utils.set_random_seed(0)
    geom = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))
    net = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(8, "tanh", dtype="float64"),
                            keras.layers.Dense(1, dtype="float64")])
    model = pde.PINN(net, [
        pde.PDEResidual(lambda u, u_t, u_x, u_xx: u_t + u * u_x - 0.01 / np.pi * u_xx, geom, num_points=101),
        pde.DirichletBC(geom, 0.0, num_points=7),
        pde.InitialCondition(geom, lambda x: -np.sin(np.pi * x[:, :1]), num_points=9),
    ], domain=geom)
    model.compile(keras.optimizers.Adam(0.01))
    return model


def weights(model):
    return [w.numpy().tolist() for w in model.weights]


def train_graph(strategy, data="dataset", callbacks=()):
    """``data``: "dataset" (global batches, split by the strategy) or "function"
    (``distribute_datasets_from_function``)."""
    from kextras import distribute

    with strategy.scope():
        model = graph_model()
    dataset = graph_dataset() if data == "dataset" else strategy.distribute_datasets_from_function(per_replica_dataset_fn)
    history = distribute.fit(model, dataset, epochs=EPOCHS, callbacks=list(callbacks), verbose=0)
    return model, history.history


def train_pinn(strategy):
    from kextras import distribute

    with strategy.scope():
        model = pinn()
    history = distribute.fit(model, None, epochs=EPOCHS, steps_per_epoch=5, verbose=0)
    return model, history.history


def dense_model():
    import keras

    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((3,), dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def dense_dataset():
    x = np.linspace(-1, 1, 48).reshape(16, 3)
    return tf.data.Dataset.from_tensor_slices((x, x.sum(axis=1, keepdims=True))).batch(GLOBAL_BATCH)


def keras_fit_under(strategy, build, dataset):
    """Keras' own fit under ``strategy``: the error, or its weights and ours."""
    from kextras import distribute

    with strategy.scope():
        model, ours = build(), build()
    try:
        history = model.fit(dataset(), epochs=EPOCHS, verbose=0, shuffle=False).history
    except Exception as e:  # noqa: BLE001 - reported to the test
        return {"error": f"{type(e).__name__}: {e}"[:300]}
    ours_history = distribute.fit(ours, dataset(), epochs=EPOCHS, verbose=0).history
    return {"weights": weights(model), "ours": weights(ours), "history": history, "ours_history": ours_history}


def metrics_on_read():
    """Whether Keras' metric variables are sync-on-read (keras 3.15: yes; 3.9: no, and then its
    own ``fit`` logs, under a strategy, values that differ from one device's: ours too)."""
    import keras

    return getattr(keras.metrics.Mean().variables[0], "synchronization", None) == "on_read"


def evaluate(model):
    from kextras import distribute

    return distribute.evaluate(model, graph_dataset(), verbose=0)


def mirrored(out):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    default = tf.distribute.get_strategy()
    result = {"replicas": strategy.num_replicas_in_sync}
    for name, train in (("graph", train_graph), ("pinn", train_pinn)):
        for where, s in (("single", default), ("mirrored", strategy)):
            model, history = train(s)
            result[f"{name}_{where}"] = {"weights": weights(model), "history": history}
            if name == "graph":
                result[f"{name}_{where}"]["evaluate"] = evaluate(model)
    model, history = train_graph(strategy, data="function")
    result["graph_mirrored_function"] = {"weights": weights(model), "history": history}
    result["keras_fit"] = keras_fit_under(strategy, graph_model, graph_dataset)
    result["keras_fit_dense"] = keras_fit_under(strategy, dense_model, dense_dataset)
    result["metrics_on_read"] = metrics_on_read()
    json.dump(result, open(out, "w"))


def worker(out):
    import keras

    from kextras import distribute

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    chief = distribute.is_chief(strategy)
    checkpoint = os.path.join(os.path.dirname(out), "chief.keras")
    callbacks = [keras.callbacks.ModelCheckpoint(checkpoint)] if chief else []
    result = {"replicas": strategy.num_replicas_in_sync, "chief": chief}
    model, history = train_graph(strategy, data="function", callbacks=callbacks)
    result["graph"] = {"weights": weights(model), "history": history, "evaluate": evaluate(model)}
    model, history = train_pinn(strategy)
    result["pinn"] = {"weights": weights(model), "history": history}
    result["keras_fit_dense"] = keras_fit_under(strategy, dense_model, dense_dataset)
    result["metrics_on_read"] = metrics_on_read()
    json.dump(result, open(out, "w"))


if __name__ == "__main__":
    {"mirrored": mirrored, "worker": worker}[sys.argv[1]](sys.argv[2])
