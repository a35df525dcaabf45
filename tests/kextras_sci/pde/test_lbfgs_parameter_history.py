"""PDE parameter values in the history minimize_lbfgs returns (SciPy and TensorFlow backends),
on a 1-D inverse problem with a known coefficient: u'' + c pi^2 sin(pi x) = 0, u(+-1) = 0,
observations u = sin(pi x), so c = 1."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde

DOM = pde.Interval(-1.0, 1.0)


def inverse_pinn():
    keras.utils.set_random_seed(1)
    net = keras.Sequential([keras.Input((1,), dtype="float64")]
                           + [keras.layers.Dense(16, "tanh", dtype="float64") for _ in range(2)]
                           + [keras.layers.Dense(1, dtype="float64")])
    xo = np.linspace(-0.9, 0.9, 15)[:, None]
    return pde.PINN(
        net,
        [pde.PDEResidual(lambda u_xx, x, c: u_xx + c * np.pi**2 * tf.sin(np.pi * x), DOM, num_points=64, method="sobol"),
         pde.DirichletBC(DOM, 0.0, num_points=2),
         pde.PointData(xo, np.sin(np.pi * xo))],
        domain=DOM,
        parameters=[pde.Parameter("c", 0.5, bounds=(0.0, 2.0)), pde.Parameter("fixed", 3.0, trainable=False)],
    )


@pytest.mark.parametrize("backend", ["scipy", "tensorflow"])
def test_lbfgs_history_has_the_parameters(backend):
    pinn = inverse_pinn()
    pinn.compile(keras.optimizers.Adam(1e-2))
    pinn.fit(epochs=1, steps_per_epoch=150, verbose=0)
    log = pde.ParameterLog(pinn)  # an independent record: the variable read after each iteration
    result = pde.minimize_lbfgs(pinn, maxiter=200, verbose=0, backend=backend, callback=log)
    h = result.history
    assert list(h)[:5] == ["loss", "pde", "dirichlet", "data", "c"] and "fixed" in h
    assert len(h["c"]) == len(h["loss"]) == result.iterations
    np.testing.assert_allclose(h["c"], log.history["c"], rtol=0, atol=1e-12)
    assert h["fixed"] == [3.0] * result.iterations
    assert len(set(h["c"])) > 10  # it moves
    assert all(0.0 <= c <= 2.0 for c in h["c"])  # the bounds hold at every iterate
    # the model keeps the best iterate: its parameter is the logged one at the lowest loss
    best = int(np.argmin(h["loss"]))
    assert pinn.parameters["c"] == pytest.approx(h["c"][best], abs=1e-12)
    assert abs(h["c"][best] - 1.0) < 1e-2


def test_lbfgs_history_without_parameters_is_unchanged():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)])
    pinn = pde.PINN(net, [pde.PDEResidual(lambda u_xx, x: u_xx + tf.sin(x), DOM, num_points=8),
                          pde.DirichletBC(DOM, 0.0, num_points=2)], domain=DOM)
    result = pde.minimize_lbfgs(pinn, maxiter=3, verbose=0)
    assert list(result.history) == ["loss", "pde", "dirichlet", "nfev", "time"]
