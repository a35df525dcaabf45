"""The time-marching layers through the shared harness, and against their formulas."""

import keras
import numpy as np
import pytest

from kextras.testing import check_layer
from kextras_sci.pde.layers import LocalTime, WindowTransform

X = np.random.default_rng(0).uniform(size=(6, 2)).astype("float32")  # columns (x, t)
Y = np.random.default_rng(1).normal(size=(6, 1)).astype("float32")


def net():
    return keras.Sequential([keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])


def test_local_time_passes_harness():
    check_layer(LocalTime(net(), t_start=0.5, t_end=1.5), X, fresh_process=False, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("initial", [None, keras.layers.Dense(1)])
def test_window_transform_passes_harness(initial):
    check_layer(WindowTransform(initial, t_start=0.25, t_end=1.0), [X, Y], fresh_process=False,
                train=initial is not None, wrong_rank_inputs=False, atol=1e-5, rtol=1e-5)


def test_formulas():
    inner = net()
    layer = LocalTime(inner, t_start=0.5, t_end=1.5)
    tau = X.copy()
    tau[:, 1] = (X[:, 1] - 0.5) / 1.0
    np.testing.assert_allclose(np.asarray(layer(X)), np.asarray(inner(tau)), rtol=1e-6)
    g = keras.layers.Dense(1)
    window = WindowTransform(g, t_start=0.25, t_end=1.0)
    want = np.asarray(g(X)) + (X[:, 1:] - 0.25) * Y
    np.testing.assert_allclose(np.asarray(window([X, Y])), want, rtol=1e-6)
