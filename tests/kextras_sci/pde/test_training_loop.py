"""The PINN's compiled training loop (``make_train_function``): the same steps as a hand-written Adam loop."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde


def _pinn(seed=0):
    keras.utils.set_random_seed(seed)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(8, "tanh", bias_initializer="random_normal"),
                              keras.layers.Dense(1, bias_initializer="ones")])
    x = np.linspace(-0.7, 1, 17)[:, None]
    return pde.PINN(net, [
        pde.PDEResidual(lambda u_xx, x: u_xx + np.pi**2 * tf.sin(np.pi * x), x, name="pde"),
        pde.DirichletBC(np.array([[-0.7], [1.0]]), 0.0, name="bc", weight=2.0),
    ])


def _reference_weights(pinn, steps):
    """Adam by hand (NumPy update rule) on the PINN's total loss, from the PINN's start weights."""
    variables = pinn.trainable_variables
    m = [np.zeros(v.shape) for v in variables]
    s = [np.zeros(v.shape) for v in variables]
    lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-7
    for t in range(1, steps + 1):
        with tf.GradientTape() as tape:
            total, _ = pinn.compute_terms()
        grads = [g.numpy() for g in tape.gradient(total, variables)]
        for i, (v, g) in enumerate(zip(variables, grads)):
            m[i] = b1 * m[i] + (1 - b1) * g
            s[i] = b2 * s[i] + (1 - b2) * g * g
            alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
            v.assign(v.numpy() - alpha * m[i] / (np.sqrt(s[i]) + eps))
    return [v.numpy() for v in variables]


@pytest.mark.parametrize("steps_per_execution", ["auto", 1, 3])
def test_fit_steps_equal_hand_written_adam(steps_per_execution):
    ref = _pinn()
    start = [w.copy() for w in ref.get_weights()]
    expected = _reference_weights(ref, 6)
    pinn = _pinn()
    pinn.set_weights(start)
    pinn.compile(keras.optimizers.Adam(1e-2), steps_per_execution=steps_per_execution)
    seen = []
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    history = pinn.fit(epochs=2, steps_per_epoch=3, verbose=0, callbacks=[cb])
    for got, want in zip([v.numpy() for v in pinn.trainable_variables], expected):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=1e-6)
    assert int(pinn.optimizer.iterations.numpy()) == 6
    assert len(history.history["loss"]) == 2 and set(history.history) >= {"loss", "pde", "bc"}
    # one callback call per execution of the compiled loop
    spe = 3 if steps_per_execution == "auto" else steps_per_execution
    assert len(seen) == 2 * 3 // spe


def _loss_history(jit_compile, steps, dtype="float64"):
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)
    try:
        pinn = _pinn()
        pinn.compile(keras.optimizers.Adam(1e-2), jit_compile=jit_compile)
        return pinn, np.asarray(pinn.fit(epochs=2, steps_per_epoch=steps // 2, verbose=0).history["loss"])
    finally:
        keras.config.set_floatx("float32")
        keras.config.set_dtype_policy("float32")


def test_auto_xla_for_long_fits_same_trajectory():
    """jit_compile='auto': XLA for fits of >= XLA_MIN_STEPS steps, the same losses as without XLA."""
    from kextras_sci.pde.training import XLA_MIN_STEPS

    steps = XLA_MIN_STEPS
    pinn, auto = _loss_history("auto", steps)
    assert pinn._xla_now
    _, plain = _loss_history(False, steps)
    np.testing.assert_allclose(auto, plain, rtol=1e-5)  # 1000 steps amplify the rounding differences
    # 20 steps: the weights agree to float64 rounding (the logged losses are float32 means)
    short_xla, _ = _loss_history(True, 20)
    short_plain, _ = _loss_history(False, 20)
    for a, b in zip(short_xla.get_weights(), short_plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert auto[-1] < 0.1 * auto[0]
    assert pinn.get_compile_config()["jit_compile"] == "auto"
    pinn.fit(epochs=1, steps_per_epoch=10, verbose=0)  # a short fit: no XLA
    assert not pinn._xla_now


def test_auto_xla_falls_back_when_xla_cannot_compile():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)])

    def source(x):  # a NumPy function: no XLA kernel
        return tf.numpy_function(lambda a: np.sin(a), [x], x.dtype, stateful=False)

    x = np.linspace(0, 1, 9)[:, None]
    res = pde.PDEResidual(lambda u_xx, x: u_xx + tf.reshape(source(x), tf.shape(x)), x, name="pde")
    pinn = pde.PINN(net, [res, pde.DirichletBC(np.array([[0.0], [1.0]]), 0.0)])
    pinn.compile(keras.optimizers.Adam(1e-3))
    from kextras_sci.pde.training import XLA_MIN_STEPS

    with pytest.warns(UserWarning, match="XLA cannot compile"):
        h = pinn.fit(epochs=1, steps_per_epoch=XLA_MIN_STEPS, verbose=0)
    assert np.isfinite(h.history["loss"][0]) and not pinn._xla_now
    assert int(pinn.optimizer.iterations.numpy()) == XLA_MIN_STEPS


def test_jit_compile_argument_checked():
    pinn = _pinn()
    with pytest.raises(ValueError, match="jit_compile"):
        pinn.compile("adam", jit_compile="yes")


def test_xla_loop_follows_new_point_counts():
    """Points set between (and during) XLA fits are used: the weights follow the run without XLA."""
    from kextras_sci.pde.training import XLA_MIN_STEPS

    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        weights = {}
        for jit in ("auto", False):
            pinn = _pinn()
            pinn.compile(keras.optimizers.Adam(1e-3), jit_compile=jit)
            grow = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs, p=pinn: p.set_points(
                "pde", np.linspace(-0.7, 1, 40)[:, None] + 1e-3 * (p.optimizer.iterations.numpy() % 7)))
            pinn.fit(epochs=1, steps_per_epoch=XLA_MIN_STEPS, verbose=0, callbacks=[grow])
            assert pinn._xla_now == (jit == "auto") and pinn.num_points("pde") == 40
            weights[jit] = pinn.get_weights()
        for a, b in zip(weights["auto"], weights[False]):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    finally:
        keras.config.set_floatx("float32")
        keras.config.set_dtype_policy("float32")
