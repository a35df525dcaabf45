"""Eager vs traced forward of a small graph model, and the custom-layer fast path.

Cases (one JSON object per line; ``summary`` of ``_timing.py``, A = the first name, B the
second, interleaved ABBA rounds, wall clock and process CPU time):

* ``eager_vs_traced``: GCN(32) -> GCN(32) -> GCN(32) -> global mean pool on a batch of 64
  random graphs (10-30 nodes, 16 features, seed 0), dict style (the first layer builds and
  validates the batch structure inside its own step call, the others reuse it): A = eager
  forward, B = the same model in a ``tf.function`` (target: ratio <= 2);
* ``eager_list_vs_dict``: the same model, functional ``[nodes, edges]`` style (every layer
  builds and validates the structure) vs dict style, both eager;
* ``eager_breakdown``: where the eager forward of ``eager_vs_traced`` goes, CPU ms per call
  (median of 200): each layer's ``__call__``; the flat step of the first conv (structure
  build included) and of the second through their ``EagerFunction`` alone (and the row
  splits the second is given); the eager structure build of ``ops.graph_structure``; the
  floor of Keras' ``Layer.__call__`` on this graph dict and on its nodes and edges alone (a
  layer whose ``call`` returns its input) and of a ``ConcreteFunction`` call with the
  second step's arguments (a function that returns one of them); ``floor_forward``: the
  forward with no glue (four Keras layers whose ``call`` runs the four step functions on
  ready arguments and returns ready outputs) and ``steps_only`` (the four step functions
  alone). Each component is timed alone in a loop: inside the forward, with other Python
  work between the calls, every one costs more (cold caches);
* ``custom_fast_vs_hooks``: training step (forward + backward, ``tf.function``) of the
  ``GatedConv`` of docs/graph/custom-layer.md, fast path (edge weights to ``propagate``,
  one sparse matmul) vs the same layer written with ``message`` (gather + scatter), 64
  features, one graph of 20000 nodes and 200000 edges.

Measured (2 Dec 2026, ``--threads 1``, 3 runs alternating with 3 of main ``30433b6``, CPU
time, load average 3.4-4.0 on the 2 shared cores): ``eager_vs_traced`` 2.90-3.26 /
1.31-1.38 ms, ratio 2.22-2.36 (per-round IQR 2.10-2.54), main 3.61-4.54 / 1.35-1.46 ms,
2.68-3.12 (an earlier set: 2.09-2.11 against 2.62-2.64); ``eager_list_vs_dict`` 1.06-1.07
(main 1.12-1.17). Idle (load 0.8-0.9, 3 runs): 2.69-2.76 / 1.14-1.15 ms, ratio 2.37-2.40.
**Not within 2x**: ``eager_breakdown`` puts the forward at its
``floor_forward`` (Keras' ``__call__``, 0.13 ms, plus the step function, each slower in
the forward than alone) within -0.07 to 0.19 ms (docs/graph/benchmarks.md).

Usage: ``python3 benchmarks/bench_graph_eager.py [--quick] [--threads N] [--cases ...]``.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import time

from _timing import interleaved, speed_parser, summary

ARGS = speed_parser(__doc__.split("\n")[0],
                    "eager_vs_traced,eager_list_vs_dict,eager_breakdown,custom_fast_vs_hooks"
                    ).parse_args()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(ARGS.threads)

import keras  # noqa: E402

from kextras_graph import layers as L  # noqa: E402
from kextras_graph import ops  # noqa: E402

REPEATS = ARGS.repeats or (6 if ARGS.quick else 20)
STEPS = ARGS.steps or (5 if ARGS.quick else 10)


def batch(num_graphs=64, seed=0):
    rng = np.random.default_rng(seed)
    n = rng.integers(10, 31, num_graphs)
    e = 3 * n
    edges = np.concatenate([rng.integers(0, k, (m, 2)) for k, m in zip(n, e)]).astype("int32")
    nodes = tf.RaggedTensor.from_row_lengths(rng.normal(size=(n.sum(), 16)).astype("float32"), n)
    return nodes, tf.RaggedTensor.from_row_lengths(edges, e)


def three_convs():
    return [L.GCNConv(32, activation="relu") for _ in range(3)] + [L.GlobalMeanPool()]


def run_dict(layers, graph):
    for layer in layers:
        graph = layer(graph)
    return graph


def run_list(layers, nodes, edges):
    h = nodes
    for layer in layers[:-1]:
        h = layer([h, edges])
    return layers[-1](h)


def report(case, a, b, result):
    print(json.dumps({"case": case, "A": a, "B": b, "threads": ARGS.threads,
                      "repeats": REPEATS, "steps": STEPS, **result}), flush=True)


def eager_cases(cases):
    nodes, edges = batch()
    layers = three_convs()
    graph = {"nodes": nodes, "edges": edges}
    run_dict(layers, graph)
    traced = tf.function(lambda g: run_dict(layers, g))
    traced(graph)
    if "eager_vs_traced" in cases:
        res = interleaved(lambda: run_dict(layers, graph), lambda: traced(graph), REPEATS, STEPS)
        report("eager_vs_traced", "eager dict", "tf.function", summary(*res, "traced"))
    if "eager_list_vs_dict" in cases:
        res = interleaved(lambda: run_list(layers, nodes, edges),
                          lambda: run_dict(layers, graph), REPEATS, STEPS)
        report("eager_list_vs_dict", "eager [nodes, edges]", "eager dict",
               summary(*res, "dict"))


def cpu_ms(fn, calls=200):
    fn()
    times = []
    for _ in range(calls):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return round(1e3 * float(np.median(times)), 3)


class Passthrough(keras.layers.Layer):
    def call(self, inputs, training=None):
        return dict(inputs)


class Floor(keras.layers.Layer):
    """A layer whose ``call`` runs a given step function and returns a given output."""

    def __init__(self, step, output):
        super().__init__()
        self.step, self.result = step, output

    def call(self, inputs, training=None):
        self.step()
        return self.result


def breakdown_case():
    nodes, edges = batch()
    layers = three_convs()
    graph = {"nodes": nodes, "edges": edges}
    for _ in range(3):
        run_dict(layers, graph)
    first, conv = layers[0], layers[1]
    inner = first(graph)
    splits = {"node_row_splits": nodes.row_splits, "edge_row_splits": edges.row_splits}
    fields = tuple(k for k in splits if k in conv._read_fields)
    args = [inner["nodes"].values, inner["graph"]] + [splits[k] for k in fields]
    built = (nodes.row_splits, edges.values, edges.row_splits)
    echo = tf.function(lambda x, *rest: x).get_concrete_function(
        *[tf.TensorSpec((None,) + tuple(a.shape[1:]), a.dtype) for a in args])
    passthrough = Passthrough()
    outs = [inner]
    for layer in layers[1:]:
        outs.append(layer(outs[-1]))
    steps = [lambda: first._eager_step((None, None), nodes.values, None, *built)] + [
        lambda h=h, layer=layer: layer._eager_step((None, fields), h["nodes"].values, None,
                                                   h["graph"])
        for h, layer in zip(outs[:2], layers[1:3])] + [
        lambda: layers[3]._eager_step(None, outs[2]["nodes"].values, nodes.row_splits)]
    floor = [Floor(step, out) for step, out in zip(steps, outs)]
    row = {"forward": cpu_ms(lambda: run_dict(layers, graph)),
           "floor_forward": cpu_ms(lambda: run_dict(floor, graph)),
           "steps_only": cpu_ms(lambda: [step() for step in steps]),
           "gcn1_call_with_structure_build": cpu_ms(lambda: first(graph)),
           "gcn2_call": cpu_ms(lambda: conv(inner)),
           "pool_call": cpu_ms(lambda: layers[3](inner)),
           "gcn1_flat_step_function_only": cpu_ms(
               lambda: first._eager_step((None, None), nodes.values, None, *built)),
           "gcn2_flat_step_function_only": cpu_ms(
               lambda: conv._eager_step((None, fields), args[0], None, *args[1:])),
           "gcn2_step_row_splits": list(fields),
           "structure_build_eager": cpu_ms(lambda: ops.graph_structure(nodes, edges)),
           "keras_call_floor_graph_dict": cpu_ms(lambda: passthrough(inner)),
           "keras_call_floor_nodes_edges_only": cpu_ms(
               lambda: passthrough({"nodes": inner["nodes"], "edges": inner["edges"]})),
           f"concrete_function_call_floor_{len(args)}_args": cpu_ms(lambda: echo(*args))}
    report("eager_breakdown", "components", "-", row)


def custom_case():
    doc = pathlib.Path(__file__).resolve().parents[1] / "docs" / "graph" / "custom-layer.md"
    namespace = {}
    for code in re.findall(r"```python\n(.*?)```", doc.read_text(), flags=re.S)[:2]:
        exec(compile(code, str(doc), "exec"), namespace)
    rng = np.random.default_rng(1)
    n, e = 20000, 200000
    nodes = tf.RaggedTensor.from_row_lengths(rng.normal(size=(n, 64)).astype("float32"), [n])
    edges = tf.RaggedTensor.from_row_lengths(rng.integers(0, n, (e, 2)).astype("int32"), [e])
    steps = []
    for name in ("GatedConv", "GatedConvHooks"):
        layer = namespace[name](64)
        layer([nodes, edges])

        @tf.function
        def step(layer=layer):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(layer([nodes, edges]).values))
            return tape.gradient(loss, layer.trainable_weights)

        step()
        steps.append(step)
    res = interleaved(steps[0], steps[1], REPEATS, max(1, STEPS // 2))
    report("custom_fast_vs_hooks", "GatedConv (propagate, edge_weight)", "GatedConvHooks (message)",
           summary(*res, "hooks"))


if __name__ == "__main__":
    cases = set(ARGS.cases.split(","))
    eager_cases(cases)
    if "eager_breakdown" in cases:
        breakdown_case()
    if "custom_fast_vs_hooks" in cases:
        custom_case()
