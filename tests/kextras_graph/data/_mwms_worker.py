"""One MultiWorkerMirroredStrategy worker of test_distributed.py (run as a subprocess).

argv: TF_CONFIG json, output path. Writes the global ids of the seed nodes this worker saw
and the cross-worker sum of seed counts.
"""

import json
import os
import sys

os.environ["TF_CONFIG"] = sys.argv[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kextras_graph import data as gd  # noqa: E402

strategy = tf.distribute.MultiWorkerMirroredStrategy()
rng = np.random.default_rng(0)  # the same graph on every worker
n = 400
store = gd.GraphStore.from_edges(rng.integers(0, n, size=(3000, 2)), rng.normal(size=(n, 3)),
                                 rng.integers(0, 4, n), splits={"train": np.arange(0, n, 4)})
sampler = gd.NeighborSampler(store, [3, 2], seed=0)


def make(ctx):
    return sampler.dataset("train", batch_size=8, input_context=ctx, with_node_ids=True)


dist = strategy.distribute_datasets_from_function(make)


@tf.function
def count(w):
    return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(tf.reduce_sum, args=(w,)), axis=None)


seen, total = [], 0.0
for inputs, y, w, ids in dist:
    for wi, idi in zip(strategy.experimental_local_results(w), strategy.experimental_local_results(ids)):
        seen += idi.numpy()[0][wi.numpy()[0] > 0].tolist()
    total += float(count(w))
with open(sys.argv[2], "w") as fh:
    json.dump({"seeds": seen, "total": total, "workers": strategy.cluster_resolver.task_id}, fh)
