"""Generate the figures of the wavelet docs (docs/wavelets/img/*.png) and their numbers.

Everything is offline: scikit-learn's bundled sample image and digits data set.

* ``decomposition_2d.png``: a 3-level db2 decomposition of ``china.jpg`` by ``WaveDec``;
* ``scalogram_1d.png``: a scalogram-style plot of a 6-level 1D ``WaveDec`` of a chirp
  with a transient (|detail coefficients| per level, stretched over time);
* ``mra_1d.png``: the 5-level multiresolution analysis (``kextras_sci.wavelets.mra``,
  undecimated, sym4) of a trend + chirp + transient: one component per band, summing to
  the signal (the largest reconstruction error is printed in the title);
* ``digits_pooling.png``: a small CNN on scikit-learn's digits with ``MaxPooling2D``,
  ``WaveletPooling2D`` and ``DWTPool2D`` (test accuracy over epochs, mean over seeds);
  the numbers are written to ``img/digits_pooling.json``.

Usage: python docs/wavelets/make_figures.py [--quick] [--only NAME]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import kextras_sci  # noqa: E402,F401
from kextras_sci.wavelets.layers import DWTPool2D, WaveDec, WaveletPooling2D  # noqa: E402

IMG = Path(__file__).resolve().parent / "img"


def decomposition_2d():
    from demo_wavelets import coefficient_mosaic, load_image

    image, source = load_image()
    coeffs = WaveDec(3, 2, "db2", output_format="pywt")(tf.constant(image[None, :, :, None], tf.float32))
    approx = coeffs[0].numpy()[0, :, :, 0]
    details = [tuple(b.numpy()[0, :, :, 0] for b in d) for d in coeffs[1:]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title(f"input ({source}, {image.shape[0]}x{image.shape[1]})", fontsize=9)
    axes[1].imshow(coefficient_mosaic(approx, details), cmap="gray")
    axes[1].set_title("WaveDec(level=3, wavelet='db2'): cA top-left, then cV / cH / cD per level", fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(IMG / "decomposition_2d.png", dpi=100)
    plt.close(fig)


def scalogram_1d():
    n, level = 2048, 6
    t = np.linspace(0, 1, n, endpoint=False)
    signal = np.sin(2 * np.pi * (5 + 120 * t) * t)  # chirp: frequency rises with time
    signal += 2.0 * np.exp(-(((t - 0.3) / 0.002) ** 2))  # a short transient
    coeffs = WaveDec(level, 1, "sym4")(tf.constant(signal[None, :, None], tf.float32))
    rows = []
    for d in coeffs[1:][::-1]:  # d_1 (finest) .. d_level
        c = np.abs(d.numpy()[0, :, 0])
        rows.append(np.repeat(c, n // c.shape[0])[:n])
    fig, axes = plt.subplots(2, 1, figsize=(9, 5), sharex=True, gridspec_kw={"height_ratios": [1, 2]})
    axes[0].plot(t, signal, lw=0.6)
    axes[0].set_ylabel("signal")
    axes[1].imshow(np.array(rows), aspect="auto", cmap="magma", extent=[0, 1, level + 0.5, 0.5],
                   interpolation="nearest")
    axes[1].set_ylabel("level j (detail d_j)")
    axes[1].set_xlabel("time")
    axes[1].set_title("|detail coefficients| of WaveDec(level=6, ndim=1, wavelet='sym4'), finest level on top",
                      fontsize=9)
    fig.tight_layout()
    fig.savefig(IMG / "scalogram_1d.png", dpi=100)
    plt.close(fig)


def mra_1d():
    from kextras_sci.wavelets import imra, mra

    n, level = 1024, 5
    t = np.linspace(0, 1, n, endpoint=False)
    signal = 0.8 * t + np.sin(2 * np.pi * (4 + 60 * t) * t) + 1.5 * np.exp(-(((t - 0.7) / 0.004) ** 2))
    parts = [p.numpy() for p in mra(signal, "sym4", level=level)]
    err = float(np.max(np.abs(imra(parts).numpy() - signal)))
    names = [f"A{level}"] + [f"D{j}" for j in range(level, 0, -1)]
    fig, axes = plt.subplots(len(parts) + 1, 1, figsize=(9, 8), sharex=True)
    axes[0].plot(t, signal, lw=0.7, color="k")
    axes[0].set_ylabel("signal", fontsize=8)
    axes[0].set_title(f"mra(signal, 'sym4', level={level}) (transform='swt'): components sum to the "
                      f"signal (max error {err:.1e})", fontsize=9)
    for ax, part, name in zip(axes[1:], parts, names):
        ax.plot(t, part, lw=0.7)
        ax.set_ylabel(name, fontsize=8)
    axes[-1].set_xlabel("time")
    fig.tight_layout()
    fig.savefig(IMG / "mra_1d.png", dpi=100)
    plt.close(fig)


def digits_pooling(quick=False):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).reshape(-1, 8, 8, 1).astype("float32")
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    epochs = 10 if quick else 30
    seeds = (0,) if quick else (0, 1, 2)
    pools = {
        "MaxPooling2D": lambda: keras.layers.MaxPooling2D(2),
        "WaveletPooling2D": lambda: WaveletPooling2D("haar"),
        "DWTPool2D": lambda: DWTPool2D("haar"),
    }
    curves, results = {}, {}
    for name, pool in pools.items():
        accs = []
        for seed in seeds:
            keras.utils.set_random_seed(seed)
            model = keras.Sequential([
                keras.Input((8, 8, 1)),
                keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                pool(),
                keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                pool(),
                keras.layers.Flatten(),
                keras.layers.Dense(10, activation="softmax"),
            ])
            model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
            hist = model.fit(xtr, ytr, epochs=epochs, batch_size=32, validation_data=(xte, yte), verbose=0)
            accs.append(hist.history["val_accuracy"])
        accs = np.array(accs)
        curves[name] = accs.mean(axis=0)
        results[name] = {"final_test_accuracy_mean": float(accs[:, -1].mean()),
                         "final_test_accuracy_std": float(accs[:, -1].std()),
                         "seeds": len(seeds), "epochs": epochs}
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, c in curves.items():
        ax.plot(np.arange(1, len(c) + 1), c, label=f"{name} ({results[name]['final_test_accuracy_mean']:.3f})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy (mean over seeds)")
    ax.set_title("scikit-learn digits, Conv-Pool-Conv-Pool-Dense", fontsize=9)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(IMG / "digits_pooling.png", dpi=100)
    plt.close(fig)
    (IMG / "digits_pooling.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


def main(argv):
    IMG.mkdir(parents=True, exist_ok=True)
    figures = {"decomposition_2d": decomposition_2d, "scalogram_1d": scalogram_1d, "mra_1d": mra_1d,
               "digits_pooling": lambda: digits_pooling(quick="--quick" in argv)}
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    for name, make in figures.items():
        if only in (None, name):
            make()


if __name__ == "__main__":
    main(sys.argv[1:])
