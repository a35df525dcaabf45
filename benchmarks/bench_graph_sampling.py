"""Neighbour-sampled training (kextras_graph.data.NeighborSampler): accuracy, speed, memory.

Parts (``--parts``, default ``cora,fanout,scale``), one JSON object per line:

* ``cora``: GraphSAGE (2 x mean SAGE, 64 hidden, ReLU, dropout 0.5, L2 2.5e-4, Adam 0.01) on
  the embedded Cora, trained full-batch (200 epochs) and with sampled mini-batches (fan-outs
  [10, 10], 70 seeds per batch, 100 epochs = the same 200 optimizer steps); test accuracy of
  both models on the full graph, ``--seeds`` seeds (default 10), mean and std.
* ``fanout``: test accuracy of the sampled model against the fan-out ``[k, k]`` (``--fanout-seeds``, 2).
* ``scale``: a synthetic degree-corrected SBM of ogbn-products' size (``--nodes`` 2.4M,
  ``--edges`` ~60M directed, 100 features, 47 classes, 8% train), fan-outs [15, 10, 5], 1024
  seeds per batch: generation time, sampling alone (the tf.data pipeline, and one thread), the
  model step alone on pre-sampled batches without and with ``TrimToLayer``, then for each of
  ``--epoch-seeds`` one whole epoch of ``model.fit`` (trimmed GraphSAGE, progress bar) on the
  pipeline: wall and CPU time, steps/s, seed nodes/s, and the accuracy on ``--test-nodes``
  held-out test nodes (sampled with the same fan-outs, another sampler seed) against chance;
  the peak resident memory of the process (``ru_maxrss``, generation included).
* ``pyg``: PyTorch Geometric's ``NeighborLoader`` side by side with ``NeighborSampler`` on
  the same synthetic graph (``--pyg-nodes``, default 240k nodes and ~6.3M edges: a tenth of
  the scale part), fan-outs [15, 10, 5], 1024 seeds per batch, without replacement, one
  thread each (``torch.set_num_threads(1)``, no loader workers; kextras' ``sample`` plus the
  feature gather, as PyG's loader gathers ``x``), interleaved rounds: mini-batches/s and seed
  nodes/s, CPU time next to wall time. PyG's sampler needs pyg-lib or torch-sparse: neither
  has a wheel for torch 2.13 CPU; ``pip install --no-build-isolation torch-sparse`` builds
  torch-sparse 0.6.18 from source (about an hour on 2 busy cores). Without either, the line
  holds the exact error.

Usage: ``nice -n 10 python benchmarks/bench_graph_sampling.py [--quick] [--parts cora,scale] [--out F.jsonl]``.
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


_JSONL = []  # --out: the JSON lines also go to this file (the fit progress bar shares stdout)


def emit(**row):
    line = json.dumps(row)
    print(line, flush=True)
    for path in _JSONL:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


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


def trimmed_sage(n_features, n_classes, hidden, depth):
    """GraphSAGE whose layer ``l`` sees only the hops it needs (gd.TrimToLayer); outputs the seeds."""
    nodes = keras.Input(shape=(None, n_features), ragged=True, name="nodes")
    edges = keras.Input(shape=(None, 2), dtype="int32", ragged=True, name="edges")
    hop_n = keras.Input(shape=(depth + 1,), dtype="int32", name="hop_nodes")
    hop_e = keras.Input(shape=(depth,), dtype="int32", name="hop_edges")
    h = nodes
    for i in range(depth):
        last = i == depth - 1
        h, e = gd.TrimToLayer(i)([h, edges, hop_n, hop_e])
        h = gl.GraphSAGEConv(n_classes if last else hidden, activation=None if last else "relu")([h, e])
    h, _ = gd.TrimToLayer(depth)([h, edges, hop_n, hop_e])
    inputs = {"nodes": nodes, "edges": edges, "hop_nodes": hop_n, "hop_edges": hop_e}
    return keras.Model(inputs, keras.layers.Reshape((-1, n_classes))(h))


def model_step_alone(model, ds, n):
    """Seconds (wall, CPU) of ``train_on_batch`` on two pre-sampled batches, after tracing both."""
    cached = [batch for batch in ds.take(2)]
    for batch in cached:  # trace for both shapes first (Keras relaxes them on the second)
        model.train_on_batch(*batch)
    i = [0]

    def step():
        i[0] += 1
        model.train_on_batch(*cached[i[0] % len(cached)])
    return timed(step, n)


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
         subgraph_edges=int(sub.edges.shape[0]), hop_nodes=sub.hop_sizes.tolist(),
         hop_edges=sub.hop_edge_sizes.tolist())
    ds = sampler.dataset("train", batch_size=bs, hop_counts=True)
    it = iter(ds.repeat())
    next(it)
    w, c = timed(lambda: next(it), args.sample_batches)
    emit(part="scale", stage="sample_pipeline", seconds_per_batch=round(w, 4), cpu_seconds_per_batch=round(c, 4),
         batches_per_s=round(1 / w, 2), seeds_per_s=round(bs / w), num_parallel_calls="AUTOTUNE")
    del it

    for trim in (False, True):  # the model step alone, untrimmed and trimmed, on the same first two batches
        keras.utils.set_random_seed(0)
        model = compile_model(trimmed_sage(100, 47, args.hidden, 3) if trim else
                              sage(100, 47, args.hidden, 3, dropout=0.0, l2=0.0), 0.003)
        w, c = model_step_alone(model, sampler.dataset("train", batch_size=bs, hop_counts=trim), args.model_steps)
        emit(part="scale", stage="model_step_alone", trim_to_layer=trim, steps=args.model_steps,
             seconds_per_step=round(w, 4), cpu_seconds_per_step=round(c, 4), hidden=args.hidden,
             peak_rss_gib=round(peak_rss_gib(), 2))
        del model

    test = np.random.default_rng(1).choice(store.index("test"), args.test_nodes, replace=False)
    for seed in args.epoch_seeds:  # one whole epoch of fit on the pipeline, then held-out accuracy
        keras.utils.set_random_seed(seed)
        model = compile_model(trimmed_sage(100, 47, args.hidden, 3), 0.003)
        epoch = gd.NeighborSampler(store, fanouts, seed=seed).dataset("train", batch_size=bs, hop_counts=True)
        wall, cpu = time.perf_counter(), time.process_time()
        history = model.fit(epoch, epochs=1, verbose=args.verbose)
        w, c = time.perf_counter() - wall, time.process_time() - cpu
        evaluation = gd.NeighborSampler(store, fanouts, seed=1000 + seed).dataset(test, batch_size=bs, shuffle=False,
                                                                                  hop_counts=True)
        ew, ec = time.perf_counter(), time.process_time()
        acc = float(model.evaluate(evaluation, verbose=0)[1])
        emit(part="scale", stage="fit_one_epoch", seed=seed, steps=steps_per_epoch, trained_seeds=int(train.size),
             epoch_seconds=round(w, 1), epoch_cpu_seconds=round(c, 1), steps_per_s=round(steps_per_epoch / w, 4),
             seeds_per_s=round(train.size / w, 1), cpu_seconds_per_step=round(c / steps_per_epoch, 3),
             train_accuracy_epoch=round(float(history.history["accuracy"][-1]), 4),
             test_nodes=int(test.size), test_accuracy=acc, chance=round(1 / 47, 4),
             eval_seconds=round(time.perf_counter() - ew, 1), eval_cpu_seconds=round(time.process_time() - ec, 1),
             peak_rss_gib=round(peak_rss_gib(), 2), cpu_threads=os.cpu_count(), load_average=os.getloadavg()[0])
        del model


def part_pyg(args):
    """PyG's NeighborLoader against NeighborSampler on one graph (module docstring)."""
    found = {}
    for mod in ("pyg_lib", "torch_sparse"):
        try:
            __import__(mod)
            found[mod] = True
        except Exception as exc:  # noqa: BLE001 - any import failure means unavailable
            found[mod] = f"{type(exc).__name__}: {exc}"[:120]
    try:
        import warnings

        import torch
        import torch_geometric
        from torch_geometric.data import Data
        from torch_geometric.loader import NeighborLoader

        torch.set_num_threads(1)
        store = gd.synthetic_sbm(args.pyg_nodes, args.pyg_nodes * 26, num_classes=47, num_features=100, seed=0)
        targets = np.repeat(np.arange(store.num_nodes), np.diff(store.indptr))  # the store is sorted by target
        edge_index = torch.from_numpy(np.stack([store.indices, targets]).astype(np.int64))
        data = Data(x=torch.from_numpy(store.x), y=torch.from_numpy(store.y.astype(np.int64)),
                    edge_index=edge_index, num_nodes=store.num_nodes)
        train = store.index("train")
        fanouts, bs = [15, 10, 5], 1024
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loader = NeighborLoader(data, num_neighbors=fanouts, batch_size=bs, shuffle=True,
                                    input_nodes=torch.from_numpy(train.astype(np.int64)), is_sorted=True)
            batches = iter(())
            sampler, rng = gd.NeighborSampler(store, fanouts, seed=0), np.random.default_rng(0)

            def ours():
                sub = sampler.sample(rng.choice(train, bs, replace=False))
                return store.x[sub.node_ids], sub

            def theirs():  # epoch after epoch
                nonlocal batches
                batch = next(batches, None)
                if batch is None:
                    batches = iter(loader)
                    batch = next(batches)
                return batch

            ours(), theirs()  # warm-up
            rounds = {"kextras": [], "pyg": []}
            for r in range(args.pyg_rounds):
                for name, fn in (("kextras", ours), ("pyg", theirs))[:: 1 if r % 2 == 0 else -1]:
                    rounds[name].append(timed(fn, args.sample_batches))
            sub_nodes = [ours()[1].num_nodes, int(theirs().num_nodes)]
        med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in rounds.items()}
        emit(part="pyg", competitor="torch_geometric.loader.NeighborLoader", runs=True,
             versions=f"torch {torch.__version__}, torch_geometric {torch_geometric.__version__}", imports=found,
             nodes=store.num_nodes, edges=store.num_edges, fanouts=fanouts, batch_size=bs, rounds=args.pyg_rounds,
             batches_per_round=args.sample_batches,
             kextras_batches_per_s=round(1 / med["kextras"][0], 2), pyg_batches_per_s=round(1 / med["pyg"][0], 2),
             kextras_seeds_per_s=round(bs / med["kextras"][0]), pyg_seeds_per_s=round(bs / med["pyg"][0]),
             kextras_cpu_s_per_batch=round(med["kextras"][1], 4), pyg_cpu_s_per_batch=round(med["pyg"][1], 4),
             throughput_ratio_wall=round(med["pyg"][0] / med["kextras"][0], 3),
             throughput_ratio_cpu=round(med["pyg"][1] / med["kextras"][1], 3),
             ratio_rounds_cpu=[round(p[1] / k[1], 3) for k, p in zip(rounds["kextras"], rounds["pyg"])],
             subgraph_nodes_kextras_pyg=sub_nodes)
    except Exception as exc:  # noqa: BLE001 - the exact failure is the result
        emit(part="pyg", competitor="torch_geometric.loader.NeighborLoader", runs=False,
             error=f"{type(exc).__name__}: {exc}", imports=found)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1 Cora seed, a 100k-node graph (an 8-step epoch)")
    p.add_argument("--parts", default="cora,fanout,scale,pyg")
    p.add_argument("--seeds", type=int, default=None)
    p.add_argument("--fanout-seeds", type=int, default=2)
    p.add_argument("--nodes", type=int, default=None)
    p.add_argument("--edges", type=int, default=None)
    p.add_argument("--epoch-seeds", default="0", help="model seeds, one whole epoch each (comma-separated)")
    p.add_argument("--test-nodes", type=int, default=16384)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--sample-batches", type=int, default=10)
    p.add_argument("--model-steps", type=int, default=3)
    p.add_argument("--verbose", type=int, default=1, help="fit's progress bar (1) or none (0)")
    p.add_argument("--out", default=None, help="also append the JSON lines to this file")
    p.add_argument("--pyg-nodes", type=int, default=240_000, help="nodes of the pyg part's graph (26 edges per node)")
    p.add_argument("--pyg-rounds", type=int, default=5, help="interleaved rounds of the pyg part")
    args = p.parse_args()
    args.epoch_seeds = [int(s) for s in args.epoch_seeds.split(",")]
    if args.out:
        _JSONL.append(args.out)
    quick = args.quick
    args.seeds = args.seeds or (1 if quick else 10)
    args.fanout_seeds = 1 if quick else args.fanout_seeds
    args.nodes = args.nodes or (100_000 if quick else 2_400_000)
    args.edges = args.edges or (2_500_000 if quick else 63_000_000)
    args.test_nodes = 2048 if quick else args.test_nodes
    args.sample_batches = 3 if quick else args.sample_batches
    args.model_steps = 2 if quick else args.model_steps
    args.pyg_nodes = 20_000 if quick else args.pyg_nodes
    parts = args.parts.split(",")
    if quick and "fanout" in parts:
        parts.remove("fanout")
    for name in parts:
        {"cora": part_cora, "fanout": part_fanout, "scale": part_scale, "pyg": part_pyg}[name](args)


if __name__ == "__main__":
    main()
