"""Runs the code of docs/graph/custom-layer.md exactly as written."""

import pathlib
import re

import numpy as np
import tensorflow as tf

import graph_layer_reference as ref
from kextras.testing import check_layer

DOC = pathlib.Path(__file__).resolve().parents[3] / "docs" / "graph" / "custom-layer.md"


def _blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_custom_layer_is_short_and_matches_its_formula():
    layer_code, hooks_code, usage_code = _blocks()
    assert len(layer_code.strip().splitlines()) < 30
    namespace = {}
    exec(compile(layer_code, str(DOC), "exec"), namespace)
    exec(compile(hooks_code, str(DOC), "exec"), namespace)
    exec(compile(usage_code, str(DOC), "exec"), namespace)
    assert namespace["out"].shape[-1] == 8
    assert set(namespace["graph"]) == {"nodes", "edges", "graph"}
    for name in ("GatedConv", "GatedConvHooks"):
        _check_against_numpy(namespace[name])
    assert namespace["GatedConv"](4)._fused and not namespace["GatedConvHooks"](4)._fused


def _check_against_numpy(GatedConv):
    graphs = ref.edge_case_graphs(np.random.default_rng(3))
    nodes, edges, _ = ref.to_ragged(graphs, dtype="float64")
    layer = GatedConv(4, dtype="float64")
    out = layer([nodes, edges])
    xla = GatedConv(4, dtype="float64", sparse=False)
    xla([nodes, edges])
    xla.set_weights(layer.get_weights())
    compiled = tf.function(lambda n, e: xla([n, e]), jit_compile=True)
    np.testing.assert_allclose(compiled(nodes, edges).values.numpy(), out.values.numpy(),
                               atol=1e-10)
    w, w_root = layer.kernel.numpy(), layer.root_kernel.numpy()
    for k, (x, e, _) in enumerate(graphs):
        expected = x @ w_root
        total = np.zeros((len(x), 4))
        count = np.zeros(len(x))
        for s, t in e:
            total[t] += ref.sigmoid(x[t] @ x[s]) * (x[s] @ w)
            count[t] += 1
        expected = expected + total / np.maximum(count, 1)[:, None]
        np.testing.assert_allclose(out[k].numpy(), expected, atol=1e-10)

    # the shared harness (in-process: the class only exists in this process)
    nodes32, edges32, _ = ref.to_ragged(graphs)
    wrong = [tf.ragged.constant([[1.0], [2.0, 3.0]]), edges32[:2]]
    check_layer(GatedConv(4), [nodes32, edges32], fresh_process=False, wrong_rank_inputs=wrong,
                atol=1e-5, rtol=1e-5)
