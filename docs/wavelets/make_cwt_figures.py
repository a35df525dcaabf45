"""Make the scalogram figure of docs/wavelets/cwt.md: ``img/cwt_scalogram.png``.

A linear chirp (10 -> 120 Hz over 2 s, sampled at 1 kHz) plus a short transient at
t = 1.3 s plus a little noise (``numpy.random.default_rng(0)``), its ``cwt`` with
``cmor1.5-1.0`` on 96 log-spaced scales (frequencies 4 .. 250 Hz), ``|coef|`` over time and
frequency. The title gives the largest difference to ``pywt.cwt`` on the same call.

Usage: python docs/wavelets/make_cwt_figures.py
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pywt  # noqa: E402

from kextras_sci.wavelets import cwt, log_scales  # noqa: E402

IMG = Path(__file__).resolve().parent / "img"


def signal(fs=1000.0, duration=2.0, seed=0):
    t = np.arange(int(fs * duration)) / fs
    f0, f1 = 10.0, 120.0
    chirp = np.cos(2 * np.pi * (f0 * t + (f1 - f0) * t ** 2 / (2 * duration)))
    transient = 2.5 * np.exp(-((t - 1.3) / 0.01) ** 2) * np.cos(2 * np.pi * 180 * (t - 1.3))
    noise = 0.1 * np.random.default_rng(seed).standard_normal(t.size)
    return t, chirp + transient + noise


def main():
    fs = 1000.0
    t, x = signal(fs)
    wavelet = "cmor1.5-1.0"
    # frequency of scale a: central_frequency / (a * dt); cmor1.5-1.0 has central frequency 1
    scales = log_scales(fs / 250.0, fs / 4.0, 96)
    coef, freqs = cwt(x, scales, wavelet, sampling_period=1 / fs, method="fft")
    ref, ref_freqs = pywt.cwt(x, scales, wavelet, sampling_period=1 / fs, method="fft")
    err = float(np.max(np.abs(coef.numpy() - ref)))
    assert np.array_equal(freqs, ref_freqs)

    fig, (ax0, ax1) = plt.subplots(2, 1, figsize=(9, 5.6), sharex=True, layout="constrained",
                                   gridspec_kw={"height_ratios": [1, 2.4]})
    ax0.plot(t, x, lw=0.6, color="k")
    ax0.set_ylabel("x(t)")
    ax0.set_xlim(t[0], t[-1])
    ax0.set_title("linear chirp 10 -> 120 Hz + transient at t = 1.3 s (fs = 1 kHz)", fontsize=9)
    mesh = ax1.pcolormesh(t, freqs, np.abs(coef.numpy()), shading="auto", cmap="magma")
    ax1.set_yscale("log")
    ax1.set_ylabel("frequency (Hz)")
    ax1.set_xlabel("time (s)")
    ax1.set_title(f"|cwt(x, log_scales(4, 250, 96), '{wavelet}', sampling_period=1e-3)|;  "
                  f"max |kextras - pywt| = {err:.1e}", fontsize=9)
    fig.colorbar(mesh, ax=(ax0, ax1), pad=0.01, label="|coef|")
    IMG.mkdir(exist_ok=True)
    fig.savefig(IMG / "cwt_scalogram.png", dpi=100)
    plt.close(fig)
    print(f"wrote {IMG / 'cwt_scalogram.png'}; max |kextras - pywt| = {err:.2e}")


if __name__ == "__main__":
    main()
