"""Wavelet part of `make demo`: decompose and reconstruct an image with the Keras layers.

Decomposes scikit-learn's bundled sample photograph (``china.jpg``, no download) with a
3-level ``WaveDec`` (db2, periodization) as a Keras layer, reconstructs it with ``WaveRec``,
prints the reconstruction error and the largest difference from PyWavelets' ``wavedec2``,
and saves a figure of the sub-bands.

Usage: python examples/demo_wavelets.py [OUTDIR]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_image():
    """Grey-level float image in [0, 1] from scikit-learn's bundled samples (offline)."""
    import numpy as np

    try:
        from sklearn.datasets import load_sample_image

        rgb = load_sample_image("china.jpg").astype("float64") / 255.0
        return rgb @ np.array([0.299, 0.587, 0.114]), "scikit-learn sample image china.jpg"
    except Exception:  # no Pillow / scikit-learn: a generated image
        yy, xx = np.mgrid[0:255, 0:383] / 64.0
        img = 0.5 + 0.25 * np.sin(3 * xx) * np.cos(2 * yy) + 0.25 * ((xx - 3) ** 2 + (yy - 2) ** 2 < 1)
        return img, "generated image"


def coefficient_mosaic(approx, details):
    """PyWavelets-style mosaic: approximation top-left, (cH, cV, cD) around it, per level.

    ``details``: coarsest first, each a tuple (cH, cV, cD) of 2D arrays. Each band is
    normalised to [0, 1] (details by their max |value|) for display.
    """
    import numpy as np

    def norm(a, detail):
        if detail:
            m = np.abs(a).max() or 1.0
            return 0.5 + 0.5 * a / m
        return (a - a.min()) / (np.ptp(a) or 1.0)

    mosaic = norm(approx, False)
    for ch, cv, cd in details:
        h, w = ch.shape
        top = np.zeros((h, mosaic.shape[1] + w))
        top[: mosaic.shape[0], : mosaic.shape[1]] = mosaic[:h, :w] if mosaic.shape[0] > h else mosaic
        top[:h, mosaic.shape[1]:] = norm(cv, True)
        bottom = np.concatenate([norm(ch, True), norm(cd, True)], axis=1)
        mosaic = np.concatenate([top[:h], bottom[:, : top.shape[1]]], axis=0)
    return mosaic


def main(outdir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pywt
    import tensorflow as tf

    import kextras_sci  # noqa: F401  (registers the layers)
    from kextras_sci.wavelets.layers import WaveDec, WaveRec

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    image, source = load_image()
    print(f"image: {source}, {image.shape[0]} x {image.shape[1]} (odd height)")
    x = tf.constant(image[None, :, :, None], tf.float32)

    level, wavelet, mode = 3, "db2", "periodization"
    dec = WaveDec(level, ndim=2, wavelet=wavelet, mode=mode, output_format="pywt")
    rec = WaveRec(ndim=2, wavelet=wavelet, mode=mode, input_format="pywt")
    coeffs = dec(x)
    back = rec(coeffs, reference=x).numpy()[0, :, :, 0]
    print(f"WaveDec({level}, {wavelet}, {mode}) -> WaveRec: max reconstruction error "
          f"{np.abs(back - image).max():.2e} (float32)")

    ref = pywt.wavedec2(image, wavelet, mode=mode, level=level)
    diff = np.abs(coeffs[0].numpy()[0, :, :, 0] - ref[0]).max()
    for got, expected in zip(coeffs[1:], ref[1:]):
        for g, e in zip(got, expected):
            diff = max(diff, np.abs(g.numpy()[0, :, :, 0] - e).max())
    print(f"max |kextras - pywt.wavedec2| over all coefficients: {diff:.2e} "
          f"(image scale 1, float32 vs float64)")

    approx = coeffs[0].numpy()[0, :, :, 0]
    details = [tuple(b.numpy()[0, :, :, 0] for b in d) for d in coeffs[1:]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("input")
    axes[1].imshow(coefficient_mosaic(approx, details), cmap="gray")
    axes[1].set_title(f"{level}-level {wavelet} decomposition (cA top-left; cV right, cH below, cD diagonal)")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    path = outdir / "wavelets_subbands.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"saved {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo_output"))
