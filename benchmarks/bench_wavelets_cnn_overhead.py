"""The WaveTF claim: adding wavelet features to a 5-level CNN costs < 1% of training time.

WaveTF (Versaci 2021) feeds a multi-level wavelet decomposition of the input to a
5-level convolutional network, each level's coefficients concatenated to the feature maps
of the same resolution. We build the same kind of CNN twice, identical except for the
wavelet features:

* base: 5 blocks ``Conv2D(f, 3, relu) -> MaxPooling2D(2)`` (f = 32, 64, 128, 256, 256),
  global average pooling, a 10-class softmax;
* wavelet: the same, plus a 5-level decomposition of the input (a chain of ``DWT2D``
  layers on the approximation); after the j-th pooling the level-j sub-bands (12 channels:
  4 bands x 3 colours) are concatenated to the feature map (the next convolution sees 12
  more input channels).

A control network concatenates 12 zero channels instead (same widths, no transform), so
that ``overhead_vs_control = t_wavelet / t_control - 1`` isolates the wavelet features from
the cost of the wider convolutions. We time one compiled training step (``model.train_on_batch``; medians, the two models
interleaved so that load drift hits both alike) of both and report
``overhead = t_wavelet / t_base - 1`` (the transform *and* the wider convolutions that
the 12 extra input channels cause), and the share of the training step spent in the
transform itself (the forward decomposition on the same batch, timed alone). One JSON line per
wavelet.

Usage: python benchmarks/bench_wavelets_cnn_overhead.py [--quick] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

p = argparse.ArgumentParser()
p.add_argument("--quick", action="store_true")
p.add_argument("--threads", type=int, default=1)
ARGS = p.parse_args(sys.argv[1:])
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: ARGS.threads])

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(1)

import kextras_sci  # noqa: E402,F401
from kextras_sci.wavelets.layers import DWT2D  # noqa: E402

FILTERS = (32, 64, 128, 256, 256)


def wavelet_features(inp, wavelet):
    """[y_1, ..., y_5]: y_j = DWT2D(a_{j-1}) (all 4 bands stacked), a_j = y_j[..., :3]."""
    feats, a = [], inp
    for _ in range(5):
        y = DWT2D(wavelet)(a)
        feats.append(y)
        a = y[..., : inp.shape[-1]]
    return feats


def build(shape, wavelet=None, control=False):
    """``wavelet``: add its features; ``control``: add 12 zero channels instead (same widths)."""
    inp = keras.Input(shape[1:])
    feats = wavelet_features(inp, wavelet) if wavelet else None
    x = inp
    for j, f in enumerate(FILTERS):
        x = keras.layers.Conv2D(f, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
        if feats is not None:
            x = keras.layers.Concatenate()([x, feats[j]])
        elif control:
            x = keras.layers.Concatenate()([x, keras.ops.zeros_like(x[..., :12])])
    x = keras.layers.GlobalAveragePooling2D()(x)
    out = keras.layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inp, out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def paired_times(fns, repeats):
    """Median times of several functions, run interleaved (robust to load drift)."""
    for fn in fns:
        fn()
        fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [float(np.median(t)) for t in times]


def main():
    shape = (4, 64, 64, 3) if ARGS.quick else (16, 256, 256, 3)
    repeats = 5 if ARGS.quick else 7
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype("float32")
    y = rng.integers(0, 10, shape[0])
    base = build(shape)
    control = build(shape, control=True)
    xt = tf.constant(x)
    for wavelet in ("haar", "db2"):
        model = build(shape, wavelet)
        inp = keras.Input(shape[1:])
        features = keras.Model(inp, wavelet_features(inp, wavelet))
        fwd = tf.function(lambda t, m=features: m(t))
        t_base, t_control, t_wave, t_dec = paired_times(
            [lambda: base.train_on_batch(x, y), lambda: control.train_on_batch(x, y),
             lambda: model.train_on_batch(x, y), lambda: [c.numpy() for c in fwd(xt)]],
            repeats,
        )
        print(json.dumps({
            "bench": "wavelets_cnn_overhead",
            "case": f"5-level CNN {'x'.join(map(str, shape))} + 5 levels of DWT2D({wavelet}) features",
            "base_train_step_s": t_base,
            "kextras_s": t_wave,
            "overhead": t_wave / t_base - 1.0,
            "control_zero_channels_s": t_control,
            "overhead_vs_control": t_wave / t_control - 1.0,
            "transform_forward_s": t_dec,
            "transform_share_of_step": t_dec / t_wave,
            "threads": ARGS.threads,
        }), flush=True)


if __name__ == "__main__":
    main()
