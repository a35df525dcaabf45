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
