"""The eager fast path: a layer's flat step as one tf.function call (ops/_eager.py).

Built-in layers run ``call_graph`` (convs) or ``pool`` (global pools) through
``EagerFunction`` (one ``ConcreteFunction`` per key) from their third eager call on. These
tests check the compiled calls against the NumPy formulas of ``graph_layer_reference`` on
batches of changing sizes, gradients, the training flag, the keys and bounds, the fields
passed to the step, the eager errors and thread safety.
"""

import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
import tensorflow as tf

import graph_layer_reference as ref
from test_graph_layers_reference import CONV_CASES, EDGE_FEATURE_CASES, F, FE, POOL_CASES
from kextras_graph import ops
from kextras_graph.layers import GATConv, GCNConv, GlobalMeanPool, RGCNConv
from kextras_graph.ops._eager import EagerFunction


def _batches(case, count=4, f=F, fe=FE):
    """Batches of different sizes (the edge-case batch, then random ones)."""
    rng = np.random.default_rng(sorted(CONV_CASES).index(case) if case in CONV_CASES else 0)
    out = [ref.edge_case_graphs(rng, f=f, fe=fe)]
    for k in range(count - 1):
        graphs = []
        for _ in range(2 + k):
            n = int(rng.integers(1, 7))
            e = ref.random_graph(rng, n, int(rng.integers(0, 3 * n)))
            graphs.append((rng.normal(size=(n, f)), e, rng.normal(size=(len(e), fe))))
        out.append(graphs)
    return out


@pytest.mark.parametrize("case", sorted(CONV_CASES))
def test_compiled_eager_calls_match_numpy_formula(case):
    make, formula = CONV_CASES[case]
    fe = F if case == "gine_same_dim" else FE
    layer = make()
    layer = type(layer).from_config({**layer.get_config(), "dtype": "float64"})
    assert layer.eager_function
    for style in ("list", "dict"):
        for graphs in _batches(case, fe=fe):
            nodes, edges, ef = ref.to_ragged(graphs, dtype="float64")
            if style == "list":
                inputs = [nodes, edges, ef] if case in EDGE_FEATURE_CASES else [nodes, edges]
                out = layer(inputs)
            else:
                inputs = {"nodes": nodes, "edges": edges}
                if case in EDGE_FEATURE_CASES:
                    inputs["edge_features"] = ef
                out = layer(inputs)["nodes"]
            for k, (x, e, efk) in enumerate(graphs):
                np.testing.assert_allclose(out[k].numpy(),
                                           np.reshape(formula(layer, x, e, efk), out[k].shape),
                                           atol=1e-10, rtol=1e-9, err_msg=f"{case} graph {k}")
    # 8 calls, 4 sizes: compiled, with a bounded number of generalized traces
    assert 1 <= layer._eager_step.tracing_count <= 3


@pytest.mark.parametrize("case", sorted(POOL_CASES))
def test_compiled_pool_calls_match_numpy_formula(case):
    make, formula = POOL_CASES[case]
    layer = make(dtype="float64")
    for graphs in _batches("pool"):
        nodes, edges, _ = ref.to_ragged(graphs, dtype="float64")
        for inputs in (nodes, {"nodes": nodes, "edges": edges}):
            out = layer(inputs).numpy()  # builds the weights on the first call
            expected = np.stack([formula(layer, g[0]) for g in graphs])
            np.testing.assert_allclose(out, expected, atol=1e-10, rtol=1e-9)
    assert 1 <= layer._eager_step.tracing_count <= 3


def _gcn_loss_and_grads(layer, nodes, edges):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(layer([nodes, edges]).values))
    return loss, tape.gradient(loss, [layer.kernel, layer.bias])


def test_gradients_through_the_compiled_step_match_numpy():
    """d/dW sum(out^2) of GCN (no activation): 2 * (Â_n X)^T (Â_n X W + b)."""
    graphs = ref.edge_case_graphs(np.random.default_rng(3), f=F)
    nodes, edges, _ = ref.to_ragged(graphs, dtype="float64")
    layer = GCNConv(4, bias_initializer="random_normal", dtype="float64")
    for _ in range(4):  # calls 3 and 4 are compiled
        loss, (g_kernel, g_bias) = _gcn_loss_and_grads(layer, nodes, edges)
    assert layer._eager_step.tracing_count >= 1
    w, b = layer.kernel.numpy(), layer.bias.numpy()
    exp_kernel, exp_bias = np.zeros_like(w), np.zeros_like(b)
    for x, e, _ in graphs:
        ax = ref.gcn(x, e, np.eye(F), np.zeros(F))  # Â_n X
        out = ax @ w + b
        exp_kernel += 2 * ax.T @ out
        exp_bias += 2 * out.sum(0)
    np.testing.assert_allclose(g_kernel.numpy(), exp_kernel, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(g_bias.numpy(), exp_bias, rtol=1e-9, atol=1e-10)


def test_training_flag_is_part_of_the_trace():
    """Attention dropout: training=True drops, training=False gives the formula."""
    graphs = ref.edge_case_graphs(np.random.default_rng(4), f=F)
    nodes, edges, _ = ref.to_ragged(graphs, dtype="float64")
    layer = GATConv(3, heads=2, dropout=0.9, dtype="float64", seed=1)
    make, formula = CONV_CASES["gat"]
    for _ in range(3):
        layer([nodes, edges], training=True)
        out = layer([nodes, edges], training=False)
    for k, (x, e, _) in enumerate(graphs):
        np.testing.assert_allclose(out[k].numpy(), np.reshape(formula(layer, x, e, None),
                                                              out[k].shape), atol=1e-10)
    trained = layer([nodes, edges], training=True).values.numpy()
    assert not np.allclose(trained, out.values.numpy())
    assert layer._eager_step.tracing_count >= 2  # one per training value


def test_eager_function_warmup_keys_bound_and_graph_mode():
    calls = []

    def step(scale, x, y):
        calls.append(tf.executing_eagerly())
        return x * scale if y is None else x * scale + tf.reduce_sum(y)

    fn = EagerFunction(step, warmup=2, max_traces=4)
    x = tf.ones([3])
    for _ in range(2):
        fn(2.0, x, None)
    assert calls == [True, True] and fn.tracing_count == 0  # warm-up calls run eagerly
    fn(2.0, x, None)
    fn(2.0, x, None)
    assert calls[2:] == [False] and fn.tracing_count == 1  # traced for its shapes, reused
    for n in (5, 7, 3):
        np.testing.assert_array_equal(fn(2.0, tf.ones([n]), None).numpy(), [2.0] * n)
    assert calls[2:] == [False] * 2 and fn.tracing_count == 2  # one general trace for all sizes
    fn(3.0, x, None)  # a new static value: a new trace
    np.testing.assert_array_equal(fn(2.0, x, tf.ones([2, 2])).numpy(), [6.0] * 3)  # a new tensor
    assert calls[2:] == [False] * 4 and fn.tracing_count == 4
    np.testing.assert_array_equal(fn(2.0, x, tf.ones([2, 3])).numpy(), [8.0] * 3)  # inner shape
    assert calls[-1] is True and fn.tracing_count == 4  # bound reached: a new key runs eagerly
    count = len(calls)
    fn(2.0, tf.ones([9]), None)
    assert len(calls) == count  # the known keys stay compiled
    inside = tf.function(lambda v: fn(5.0, v, None))  # inside a tf.function: the plain fn
    np.testing.assert_array_equal(inside(x).numpy(), [5.0, 5.0, 5.0])
    tf.config.run_functions_eagerly(True)
    try:
        fn(2.0, x, None)
        assert calls[-1] is True  # debugging mode: eager
    finally:
        tf.config.run_functions_eagerly(False)
    np.testing.assert_array_equal(fn(tf.constant(2.0), x, None).numpy(), [2.0] * 3)
    assert calls[-1] is True  # an unhashable static value (a tensor) runs eagerly


def test_flat_step_gets_only_the_fields_it_reads():
    """The first layer's step builds the structure in the same call; after the warm-up, a
    later GCN's step receives the packed structure and no row splits; a step that reads
    a row split only when traced is retraced with it."""
    graphs = ref.edge_case_graphs(np.random.default_rng(7), f=F)
    nodes, edges, _ = ref.to_ragged(graphs, dtype="float64")
    first, layer = GCNConv(3, dtype="float64"), GCNConv(3, dtype="float64")
    for _ in range(3):
        out = layer(first({"nodes": nodes, "edges": edges}))
    ((key_first,),) = [first._eager_step._functions]
    assert key_first[0][1] is None  # (training, fields): None builds the structure
    (key,) = layer._eager_step._functions
    assert key[0][1] == ()
    for k, (x, e, _) in enumerate(graphs):
        h = ref.gcn(x, e, first.kernel.numpy(), first.bias.numpy())
        np.testing.assert_allclose(out["nodes"][k].numpy(), ref.gcn(h, e, layer.kernel.numpy(),
                                                                    layer.bias.numpy()),
                                   atol=1e-10)

    class EdgeTotal(GCNConv):
        """Adds the batch's edge count to every node; reads the edge row splits only when
        traced (so the eager warm-up does not see them)."""

        def call_graph(self, graph, training=None):
            out = super().call_graph(graph, training)
            total = graph.num_edges if tf.executing_eagerly() else graph.edge_row_splits[-1]
            return out + tf.cast(total, out.dtype)

    sized = EdgeTotal(3, dtype="float64")
    prepared = ops.prepare_graph({"nodes": nodes, "edges": edges})
    sized(prepared)
    sized.set_weights(layer.get_weights())
    got = sized(prepared)  # eager warm-up: reads no row split
    assert sized._read_fields == set()
    got = sized(prepared)  # traced: reads the edge row splits, retraced with them
    assert sized._read_fields == {"edge_row_splits"}
    assert sized._eager_step.tracing_count == 1  # the trace that lacked a field is not kept
    (key,) = sized._eager_step._functions
    assert key[0][1] == ("edge_row_splits",)
    plain = layer(prepared)
    total = sum(len(e) for _, e, _ in graphs)
    for k in range(len(graphs)):
        np.testing.assert_allclose(got["nodes"][k].numpy(), plain["nodes"][k].numpy() + total,
                                   atol=1e-10)


def test_bad_batches_raise_the_same_errors_once_compiled():
    graphs = ref.edge_case_graphs(np.random.default_rng(9), f=F)
    nodes, edges, _ = ref.to_ragged(graphs)
    layers = [GCNConv(3), GlobalMeanPool()]
    for _ in range(3):
        layers[1](layers[0]([nodes, edges]))
    assert all(layer._eager_step.tracing_count == 1 for layer in layers)
    bad = tf.RaggedTensor.from_row_splits(edges.values + 100, edges.row_splits)
    with pytest.raises(ValueError, match="out of range for its graph"):
        layers[0]([nodes, bad])
    with pytest.raises(ValueError, match="same batch size"):
        layers[0]([nodes, edges[:-1]])
    with pytest.raises(ValueError, match="rank 3"):
        layers[1](tf.ones([2, 3]))


def test_eager_function_is_thread_safe():
    layer = GlobalMeanPool()
    graphs = ref.edge_case_graphs(np.random.default_rng(5), f=F)
    nodes, _, _ = ref.to_ragged(graphs)
    expected = np.stack([ref.pool(g[0], "mean", F) for g in graphs])
    errors = []

    def worker():
        try:
            for _ in range(5):
                np.testing.assert_allclose(layer(nodes).numpy(), expected, rtol=1e-6,
                                           atol=1e-6)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert 1 <= layer._eager_step.tracing_count <= 3


def test_layers_with_eager_only_checks_stay_eager():
    """RGCNConv checks relation ids on the host in eager mode: never compiled."""
    layer = RGCNConv(2, num_relations=2)
    assert not layer.eager_function and layer._eager_step is None
    graphs = ref.edge_case_graphs(np.random.default_rng(6), f=F, fe=1)
    nodes, edges, _ = ref.to_ragged(graphs)
    bad = tf.RaggedTensor.from_row_splits(tf.fill([int(edges.values.shape[0]), 1], 5.0),
                                          edges.row_splits)
    for _ in range(3):
        with pytest.raises(ValueError, match="relation ids"):
            layer([nodes, edges, bad])


def test_fit_with_run_eagerly_matches_the_compiled_fit():
    """``run_eagerly=True`` (the layers' steps as functions from the third call) trains to
    the same weights as the traced ``fit``."""
    import keras

    graphs = ref.edge_case_graphs(np.random.default_rng(8), f=F)
    nodes, edges, _ = ref.to_ragged(graphs)
    y = np.arange(len(graphs), dtype="float32")[:, None]
    weights = []
    for run_eagerly in (False, True):
        keras.utils.set_random_seed(0)
        nodes_in = keras.Input(shape=(None, F), ragged=True)
        edges_in = keras.Input(shape=(None, 2), dtype="int32", ragged=True)
        h = GCNConv(4, activation="relu")([nodes_in, edges_in])
        out = keras.layers.Dense(1)(GlobalMeanPool()(GATConv(3, heads=2)([h, edges_in])))
        model = keras.Model([nodes_in, edges_in], out)
        model.compile(keras.optimizers.SGD(0.1), "mse", run_eagerly=run_eagerly)
        for _ in range(5):
            model.train_on_batch([nodes, edges], y)
        weights.append([w.numpy() for w in model.weights])
        convs = [layer for layer in model.layers if isinstance(layer, (GCNConv, GATConv))]
        assert all((c._eager_step.tracing_count >= 1) == run_eagerly for c in convs)
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_eager_calls_under_mirrored_strategy_give_every_replica_its_gradients():
    """``strategy.run`` called eagerly over two logical CPUs: every replica's gradients
    match a single-device layer (a trace made in one replica would hold its variables)."""
    code = textwrap.dedent("""
        import numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from kextras_graph.layers import GCNConv
        rng = np.random.default_rng(0)
        nodes = tf.RaggedTensor.from_row_lengths(rng.normal(size=(7, 3)).astype("float32"), [3, 4])
        edges = tf.RaggedTensor.from_row_lengths(
            np.array([[0, 1], [1, 2], [0, 3], [3, 1]], "int32"), [2, 2])
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            layer = GCNConv(2, bias_initializer="ones")
            layer([nodes, edges])
        ref = GCNConv(2)
        ref([nodes, edges])
        ref.set_weights(layer.get_weights())
        def grads(lay):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(lay([nodes, edges]).values ** 2)
            return tape.gradient(loss, lay.trainable_weights)
        want = grads(ref)
        for _ in range(4):
            for g, w in zip(strategy.run(grads, args=(layer,)), want):
                for v in strategy.experimental_local_results(g):
                    assert v is not None
                    np.testing.assert_allclose(v.numpy(), w.numpy(), rtol=1e-5, atol=1e-6)
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]
