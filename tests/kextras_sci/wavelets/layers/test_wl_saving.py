"""Every wavelet layer in one model: saved to .keras and reloaded with kextras.load_model in
a fresh Python process (one subprocess for all layers, to keep the suite fast)."""

import tempfile

import keras
import numpy as np

import kextras_sci  # noqa: F401
from kextras.testing import _reload_in_fresh_process, assert_allclose
from kextras_sci.wavelets import layers as wl


def test_all_layers_reload_in_fresh_process():
    x1 = keras.Input((None, 2))
    x2 = keras.Input((None, None, 3))
    x3 = keras.Input((None, None, None, 1))
    d1 = wl.DWT1D("db2")(x1)
    d2 = wl.DWT2D("sym2", mode="symmetric")(x2)
    d3 = wl.DWT3D("haar")(x3)
    learn = wl.DWT2D("db2", learnable=True)
    outputs = [
        wl.IDWT1D("db2")([d1, x1]),
        wl.IDWT2D("sym2", mode="symmetric")(d2, reference=x2),
        wl.IDWT3D("haar")([d3, x3]),
        *wl.WaveDec(2, 2, "db1")(x2),
        wl.WaveRec(2, "bior2.2", "zero")(wl.WaveDec(2, 2, "bior2.2", "zero")(x2), reference=x2),
        wl.WaveletPooling2D()(x2),
        wl.CWT([1.0, 3.0], "cmor1.5-1.0")(x1),
        wl.DWTPool2D("db2", learnable=True)(x2),
        wl.WTConv2D(3, levels=2, learnable=True)(x2),
        learn(x2),
        wl.WTConv2D(3, levels=1, wavelet=[[0.7071067811865476, 0.7071067811865476],
                                             [-0.7071067811865476, 0.7071067811865476],
                                             [0.7071067811865476, 0.7071067811865476],
                                             [0.7071067811865476, -0.7071067811865476]])(x2),
    ]
    model = keras.Model([x1, x2, x3], outputs)
    rng = np.random.default_rng(0)
    # move the learnable angles away from their initial values so that the reload must restore them
    for w in model.weights:
        w.assign(w.numpy() + 0.1 * rng.standard_normal(w.shape))
    inputs = [rng.standard_normal((2, 9, 2)).astype("float32"),
              rng.standard_normal((2, 11, 8, 3)).astype("float32"),
              rng.standard_normal((1, 5, 4, 6, 1)).astype("float32")]
    expected = model(inputs)
    with tempfile.TemporaryDirectory() as directory:
        reloaded = _reload_in_fresh_process(model, inputs, directory)
    assert_allclose(reloaded, expected, atol=1e-6, rtol=1e-6, what="wavelet layers reloaded in a fresh process")
