"""Neighbour-sampled training (kextras_graph.data.NeighborSampler): accuracy, speed, memory.

Parts (``--parts``, default ``cora,fanout,scale``), one JSON object per line:

* ``cora``: GraphSAGE (2 x mean SAGE, 64 hidden, ReLU, dropout 0.5, L2 2.5e-4, Adam 0.01) on
  the embedded Cora, trained full-batch (200 epochs) and with sampled mini-batches (fan-outs
  [10, 10], 70 seeds per batch, 100 epochs = the same 200 optimizer steps); test accuracy of
  both models on the full graph, ``--seeds`` seeds (default 10), mean and std.
* ``fanout``: test accuracy of the sampled model against the fan-out ``[k, k]`` (``--fanout-seeds``, 2).
* ``scale``: a synthetic degree-corrected SBM of ogbn-products' size (``--nodes`` 2.4M,
  ``--edges`` ~60M directed, 100 features, 47 classes, 8% train): generation time, sampling
  alone (the tf.data pipeline, and one thread), the model step alone on pre-sampled batches,
  ``model.fit`` on the pipeline for ``--steps`` steps, the epoch time extrapolated from them,
  accuracy on 8192 test nodes (sampled with the same fan-outs) against chance, and the peak
  resident memory of the process (``ru_maxrss``, generation included).
* PyTorch Geometric's ``NeighborLoader`` needs pyg-lib or torch-sparse; a line says whether
  either is importable (neither has a wheel for torch 2.13 CPU here).

Usage: ``nice -n 10 python benchmarks/bench_graph_sampling.py [--quick] [--parts cora,scale]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import kextras_graph  # noqa: E402,F401
from kextras_graph import data as gd  # noqa: E402
from kextras_graph import layers as gl  # noqa: E402


def emit(**row):
    print(json.dumps(row), flush=True)


def peak_rss_gib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux: KiB


def sage(n_features, n_classes, hidden, depth, dropout=0.5, l2=2.5e-4):
    nodes = keras.Input(shape=(None, n_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    h = nodes
    for i in range(depth):
        last = i == depth - 1
        h = gl.NodeDropout(dropout)(h) if dropout else h
        reg = keras.regularizers.l2(l2) if (l2 and i == 0) else None
        h = gl.GraphSAGEConv(n_classes if last else hidden, activation=None if last else "relu",
                             kernel_regularizer=reg)([h, edges])
    model = keras.Model({"nodes": nodes, "edges": edges}, keras.layers.Reshape((-1, n_classes))(h))
    return model


def compile_model(model, lr):
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight")
    model.compile(keras.optimizers.Adam(lr), loss, weighted_metrics=["accuracy"])
    return model


def cora_accuracy(cora, store, seed, fanouts=None, epochs_full=200, batch_size=70):
    keras.utils.set_random_seed(seed)
    model = compile_model(sage(cora.num_features, cora.num_classes, 64, 2), 0.01)
    if fanouts is None:
        model.fit(cora.dataset("train"), epochs=epochs_full, verbose=0)
    else:
        steps = -(-cora.train_index.size // batch_size)
        ds = gd.NeighborSampler(store, fanouts, seed=seed).dataset("train", batch_size=batch_size)
        model.fit(ds, epochs=epochs_full // steps, verbose=0)
    return float(model.evaluate(cora.dataset("test"), verbose=0)[1])


def normalized_cora():
    cora = gd.load_cora()
    s = cora.x.sum(1, keepdims=True)
    x = (cora.x / np.where(s == 0, 1, s)).astype(np.float32)
    cora = gd.NodeClassificationData(cora.name, x, cora.edges, cora.y, cora.train_index, cora.val_index,
                                     cora.test_index, cora.num_classes)
    return cora, gd.GraphStore.from_node_data(cora)


def part_cora(args):
    cora, store = normalized_cora()
    full, sampled = [], []
    for seed in range(args.seeds):
        t = time.perf_counter()
        full.append(cora_accuracy(cora, store, seed))
        sampled.append(cora_accuracy(cora, store, seed, fanouts=[10, 10]))
        emit(part="cora", seed=seed, full_batch=full[-1], sampled=sampled[-1], seconds=round(time.perf_counter() - t, 1))
    sd = lambda a: statistics.stdev(a) if len(a) > 1 else 0.0  # noqa: E731
    emit(part="cora", summary=True, seeds=args.seeds, full_batch_mean=statistics.mean(full), full_batch_std=sd(full),
         sampled_mean=statistics.mean(sampled), sampled_std=sd(sampled),
         difference_points=100 * (statistics.mean(sampled) - statistics.mean(full)), fanouts=[10, 10], batch_size=70)


def part_fanout(args):
    cora, store = normalized_cora()
    for k in (1, 2, 5, 10, 25):
        accs = [cora_accuracy(cora, store, seed, fanouts=[k, k]) for seed in range(args.fanout_seeds)]
        emit(part="fanout", fanout=k, seeds=args.fanout_seeds, mean=statistics.mean(accs),
             std=statistics.stdev(accs) if len(accs) > 1 else 0.0, accuracies=accs)


def timed(fn, n):
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n


def part_scale(args):
    t, cpu = time.perf_counter(), time.process_time()
    store = gd.synthetic_sbm(args.nodes, args.edges, num_classes=47, num_features=100, seed=0)
    emit(part="scale", stage="generate", seconds=round(time.perf_counter() - t, 1),
         cpu_seconds=round(time.process_time() - cpu, 1), nodes=store.num_nodes,
         edges=store.num_edges, train=int(store.index("train").size), peak_rss_gib=round(peak_rss_gib(), 2))
    fanouts, bs = [15, 10, 5], 1024
    sampler = gd.NeighborSampler(store, fanouts, seed=0)
    train = store.index("train")
    steps_per_epoch = -(-train.size // bs)

    rng = np.random.default_rng(0)
    one = lambda: sampler.sample(rng.choice(train, bs, replace=False))  # noqa: E731
    sub = one()
    w1, c1 = timed(one, args.sample_batches)
    emit(part="scale", stage="sample_one_thread", seconds_per_batch=round(w1, 4), cpu_seconds_per_batch=round(c1, 4),
         batches_per_s=round(1 / w1, 2), seeds_per_s=round(bs / w1), subgraph_nodes=sub.num_nodes,
         subgraph_edges=int(sub.edges.shape[0]))
    ds = sampler.dataset("train", batch_size=bs)
    it = iter(ds.repeat())
    next(it)
    w, c = timed(lambda: next(it), args.sample_batches)
    emit(part="scale", stage="sample_pipeline", seconds_per_batch=round(w, 4), cpu_seconds_per_batch=round(c, 4),
         batches_per_s=round(1 / w, 2), seeds_per_s=round(bs / w), num_parallel_calls="AUTOTUNE")

    keras.utils.set_random_seed(0)
    model = compile_model(sage(100, 47, args.hidden, 3, dropout=0.0, l2=0.0), 0.003)
    cached = [batch for batch in ds.take(2)]
    for batch in cached:  # trace for both shapes first (Keras relaxes them on the second)
        model.train_on_batch(*batch)
    i = [0]

    def step():
        i[0] += 1
        model.train_on_batch(*cached[i[0] % len(cached)])
    w, c = timed(step, args.model_steps)
    emit(part="scale", stage="model_step_alone", seconds_per_step=round(w, 4), cpu_seconds_per_step=round(c, 4),
         hidden=args.hidden)
    del cached

    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(ds.repeat().take(args.steps), epochs=1, verbose=0)
    w, c = (time.perf_counter() - wall) / args.steps, (time.process_time() - cpu) / args.steps
    test = np.random.default_rng(1).choice(store.index("test"), 8192, replace=False)
    acc = float(model.evaluate(sampler.dataset(test, batch_size=bs, shuffle=False), verbose=0)[1])
    emit(part="scale", stage="fit_pipeline", steps=args.steps, seconds_per_step=round(w, 4),
         cpu_seconds_per_step=round(c, 4), batches_per_s=round(1 / w, 3), seeds_per_s=round(bs / w),
         steps_per_epoch=steps_per_epoch, epoch_seconds_extrapolated=round(w * steps_per_epoch, 1),
         trained_seeds=args.steps * bs, test_accuracy_8192=acc, chance=1 / 47,
         peak_rss_gib=round(peak_rss_gib(), 2), cpu_threads=os.cpu_count())


def part_pyg():
    found = {}
    for mod in ("pyg_lib", "torch_sparse"):
        try:
            __import__(mod)
            found[mod] = True
        except Exception as exc:  # noqa: BLE001 - any import failure means unavailable
            found[mod] = f"{type(exc).__name__}: {exc}"[:120]
    emit(part="pyg", competitor="torch_geometric.loader.NeighborLoader", available=any(v is True for v in found.values()),
         imports=found, note="NeighborLoader raises ImportError without pyg-lib or torch-sparse; pip has no "
                             "pyg-lib for torch 2.13 CPU and torch-sparse only as a source tarball")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1 Cora seed, a 100k-node graph, 5 steps")
    p.add_argument("--parts", default="cora,fanout,scale,pyg")
    p.add_argument("--seeds", type=int, default=None)
    p.add_argument("--fanout-seeds", type=int, default=2)
    p.add_argument("--nodes", type=int, default=None)
    p.add_argument("--edges", type=int, default=None)
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--sample-batches", type=int, default=10)
    p.add_argument("--model-steps", type=int, default=3)
    args = p.parse_args()
    quick = args.quick
    args.seeds = args.seeds or (1 if quick else 10)
    args.fanout_seeds = 1 if quick else args.fanout_seeds
    args.nodes = args.nodes or (100_000 if quick else 2_400_000)
    args.edges = args.edges or (2_500_000 if quick else 63_000_000)
    args.steps = args.steps or (5 if quick else 10)
    args.sample_batches = 3 if quick else args.sample_batches
    args.model_steps = 2 if quick else args.model_steps
    parts = args.parts.split(",")
    if quick and "fanout" in parts:
        parts.remove("fanout")
    for name in parts:
        {"cora": part_cora, "fanout": part_fanout, "scale": part_scale, "pyg": lambda a: part_pyg()}[name](args)


if __name__ == "__main__":
    main()
