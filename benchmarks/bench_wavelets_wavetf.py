"""kextras_sci.wavelets layers on WaveTF's own ground, against tensorflow-wavelets and PyWavelets.

WaveTF (Versaci 2021) benchmarks a 2D Haar / db2 transform of channels-last image batches,
one and several levels, forward alone and forward + backward inside a training step. Here:

* input ``B x H x W x 3`` float32 (default 32 x 256 x 256 x 3; ``--quick``: 8 x 128 x 128 x 3);
* kextras: :class:`WaveDec` (``mode="periodization"``, the layers' fused engine, and
  ``mode="symmetric"``, the mode tensorflow-wavelets implements);
* tensorflow-wavelets (PyPI ``tensorflow-wavelets``, benchmark-only; its ``DWT`` layer,
  ``concat=0``, chained on the approximation for several levels; it implements PyWavelets'
  ``symmetric`` mode, checked by ``max_abs_err`` below);
* PyWavelets ``wavedec2`` (forward only; it has no gradient).

Timings: medians of ``--repeats`` runs of compiled ``tf.function`` steps, after a warm-up
(ratios of the minima are printed too: on a shared machine they are the steadier number).
Errors: max abs difference of every coefficient from ``pywt.wavedec2`` in float64 on the same
input (same mode), relative to nothing (the input is standard normal). One JSON line per case.
All competitors run in this one process, with TensorFlow and PyWavelets restricted to the
same cores (``--threads``, default 1: PyWavelets is single-threaded).

Usage: python benchmarks/bench_wavelets_wavetf.py [--quick] [--threads N] [--repeats R]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _args(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=None)
    return p.parse_args(argv)


ARGS = _args(sys.argv[1:])
if hasattr(os, "sched_setaffinity"):
    cores = sorted(os.sched_getaffinity(0))[: ARGS.threads]
    os.sched_setaffinity(0, cores)

import numpy as np  # noqa: E402
import pywt  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(ARGS.threads)
tf.config.threading.set_inter_op_parallelism_threads(1)

import kextras_sci  # noqa: E402,F401
from kextras_sci.wavelets.layers import WaveDec  # noqa: E402

try:
    from tensorflow_wavelets.Layers.DWT import DWT as TFW_DWT  # benchmark-only competitor
except Exception:  # pragma: no cover - optional
    TFW_DWT = None


def median_time(fn, repeats):
    """Median wall time of ``repeats`` calls after a warm-up (the minimum: ``median_time.last_min``)."""
    fn()  # warm-up / trace
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    median_time.last_min = float(np.min(times))
    return float(np.median(times))


def _sync(out):
    for t in tf.nest.flatten(out):
        t.numpy()


def pywt_reference(x64, wavelet, mode, level):
    """List of arrays [a_L, d_L (stacked band-major aa-order), ..., d_1] like WaveDec's output."""
    coeffs = pywt.wavedec2(x64, wavelet, mode=mode, level=level, axes=(1, 2))
    out = [coeffs[0]]
    for ch, cv, cd in coeffs[1:]:
        out.append(np.concatenate([cv, ch, cd], axis=-1))  # dwtn key order ad, da, dd
    return out


def err(outs, refs):
    return float(max(np.abs(np.asarray(o, np.float64) - r).max() for o, r in zip(outs, refs)))


class TFWDec(tf.Module):
    """tensorflow-wavelets' DWT chained on the approximation; output like WaveDec's."""

    def __init__(self, wavelet, level, channels):
        self.layers = [TFW_DWT(wavelet, concat=0) for _ in range(level)]
        self.c = channels

    def __call__(self, x):
        c, out = self.c, []
        for layer in self.layers:
            y = layer(x)  # band-major cA, cH, cV, cD
            x = y[..., :c]
            out.append(tf.concat([y[..., 2 * c:3 * c], y[..., c:2 * c], y[..., 3 * c:]], -1))
        return [x] + out[::-1]


def train_step_fn(transform, channels):
    """A training step: 1x1 conv (trainable) -> transform -> loss on every coefficient."""
    kernel = tf.Variable(tf.eye(channels)[None, None] + 0.01, name="mix")
    opt = tf.keras.optimizers.SGD(1e-3) if hasattr(tf, "keras") else None

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            h = tf.nn.conv2d(x, kernel, 1, "VALID")
            coeffs = transform(h)
            loss = tf.add_n([tf.reduce_mean(tf.square(c)) for c in coeffs])
        g = tape.gradient(loss, kernel)
        kernel.assign_sub(1e-3 * g)
        return loss

    del opt
    return step


def main():
    quick = ARGS.quick
    shape = (8, 128, 128, 3) if quick else (32, 256, 256, 3)
    repeats = ARGS.repeats or (3 if quick else 7)
    rng = np.random.default_rng(0)
    x64 = rng.standard_normal(shape)
    x = tf.constant(x64, tf.float32)
    x64 = x.numpy().astype(np.float64)  # the exact float32 input, for the references
    channels = shape[-1]
    for wavelet in ("haar", "db2"):
        for level in (1, 4):
            for mode in ("periodization", "symmetric"):
                refs = pywt_reference(x64, wavelet, mode, level)
                layer = WaveDec(level, 2, wavelet, mode)
                fwd = tf.function(lambda t, layer=layer: layer(t))
                ours = fwd(x)
                kx_err = err([o.numpy() for o in ours], refs)
                kx_s = median_time(lambda: _sync(fwd(x)), repeats)
                kx_min = median_time.last_min
                xn = x.numpy()
                pywt_s = median_time(lambda: pywt.wavedec2(xn, wavelet, mode=mode, level=level, axes=(1, 2)), repeats)
                pywt_min = median_time.last_min
                row = {
                    "bench": "wavelets_wavetf",
                    "case": f"{wavelet} level={level} mode={mode} {'x'.join(map(str, shape))} forward",
                    "kextras_s": kx_s,
                    "pywt_s": pywt_s,
                    "ratio_pywt": kx_s / pywt_s,
                    "ratio_pywt_of_minima": kx_min / pywt_min,
                    "max_abs_err": kx_err,
                    "threads": ARGS.threads,
                }
                tfw = None
                if mode == "symmetric" and TFW_DWT is not None:
                    tfw = TFWDec(wavelet, level, channels)
                    tfw_fwd = tf.function(lambda t, m=tfw: m(t))
                    theirs = tfw_fwd(x)
                    # border mismatch: error near the borders vs in the interior of each band
                    errs = [np.abs(o.numpy().astype(np.float64) - r) for o, r in zip(theirs, refs)]
                    border = max(
                        float(max(e[:, :2].max(), e[:, -2:].max(), e[:, :, :2].max(), e[:, :, -2:].max())) for e in errs
                    )
                    interior = max(float(e[:, 2:-2, 2:-2].max()) if e.shape[1] > 4 else 0.0 for e in errs)
                    tfw_s = median_time(lambda: _sync(tfw_fwd(x)), repeats)
                    row.update(
                        tensorflow_wavelets_s=tfw_s,
                        ratio=kx_s / tfw_s,
                        ratio_of_minima=kx_min / median_time.last_min,
                        tensorflow_wavelets_max_abs_err=float(max(e.max() for e in errs)),
                        tensorflow_wavelets_border_err=border,
                        tensorflow_wavelets_interior_err=interior,
                    )
                else:
                    row["ratio"] = kx_s / pywt_s
                print(json.dumps(row), flush=True)

                # forward + backward inside a training step
                step = train_step_fn(layer, channels)
                kx_t = median_time(lambda: step(x).numpy(), repeats)
                kx_t_min = median_time.last_min
                row = {
                    "bench": "wavelets_wavetf",
                    "case": f"{wavelet} level={level} mode={mode} {'x'.join(map(str, shape))} train_step",
                    "kextras_s": kx_t,
                    "max_abs_err": kx_err,
                    "threads": ARGS.threads,
                }
                if tfw is not None:
                    tfw_step = train_step_fn(TFWDec(wavelet, level, channels), channels)
                    tfw_t = median_time(lambda: tfw_step(x).numpy(), repeats)
                    row.update(tensorflow_wavelets_s=tfw_t, ratio=kx_t / tfw_t,
                               ratio_of_minima=kx_t_min / median_time.last_min)
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
