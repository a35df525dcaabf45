"""Saving: TimeMarching as one .keras file (fresh process, continued training); PINN compile config."""

import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import tensorflow as tf

import kextras
from kextras_sci import pde


@keras.saving.register_keras_serializable(package="test_pde_saving")
def sine_initial(x):
    return tf.sin(np.pi * x[:, :1])


GEOM = pde.SpaceTime(pde.Interval(0, 1), pde.TimeInterval(0, 0.3))


def build_net(k):
    keras.utils.set_random_seed(k)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, "tanh"), keras.layers.Dense(1)])


def build_conditions(window, k):
    return [pde.PDEResidual(lambda u_t, u_xx: u_t - 0.1 * u_xx, window, num_points=32),
            pde.DirichletBC(window, 0.0, num_points=8)]


def make_march():
    return pde.TimeMarching(GEOM, 3, build_net, build_conditions, sine_initial)


def test_time_marching_saves_and_reloads_identically_in_a_fresh_process(tmp_path):
    march = make_march().fit(epochs=1, steps_per_epoch=5, windows=2)
    path = tmp_path / "march.keras"
    march.save(str(path))
    x = GEOM.sample_interior(50, seed=0)
    x = x[x[:, 1] <= 0.2]  # the trained span: two windows of 0.1
    ref = march.predict(x)
    np.save(tmp_path / "x.npy", x)
    script = textwrap.dedent(f"""
        import numpy as np, keras, tensorflow as tf
        import kextras

        @keras.saving.register_keras_serializable(package="test_pde_saving")
        def sine_initial(x):
            return tf.sin(np.pi * x[:, :1])

        m = kextras.load_model({str(path)!r})
        np.save({str(tmp_path / "y.npy")!r}, m.predict(np.load({str(tmp_path / "x.npy")!r})))
    """)
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), ref)


def test_reloaded_marching_continues_training(tmp_path):
    march = make_march().fit(epochs=1, steps_per_epoch=5, windows=1)
    path = str(tmp_path / "m.keras")
    march.save(path)
    loaded = kextras.load_model(path)
    assert isinstance(loaded, pde.marching.MarchingSolution)
    x = np.array([[0.3, 0.05], [0.7, 0.0]])
    np.testing.assert_array_equal(loaded.predict(x), march.predict(x))
    resumed = pde.TimeMarching.from_model(loaded, GEOM, build_net, build_conditions)
    resumed.fit(epochs=1, steps_per_epoch=5, windows=1)
    assert len(resumed.pinns) == 2
    # the new window starts exactly where the reloaded one ends
    xb = np.array([[0.25, 0.1], [0.5, 0.1]])
    np.testing.assert_allclose(resumed.pinns[1].predict(xb, verbose=0), resumed.pinns[0].predict(xb, verbose=0), atol=1e-6)
    # the initial condition of window 0 is still exact after reloading
    x0 = np.array([[0.25, 0.0], [0.5, 0.0]])
    np.testing.assert_allclose(resumed.predict(x0)[:, 0], np.sin(np.pi * x0[:, 0]), atol=1e-6)
    # training a kept window further
    resumed.pinns[0].trainable = True
    resumed.pinns[0].set_conditions(build_conditions(resumed.window_domain(0), 0))
    resumed.pinns[0].compile("adam")
    resumed.pinns[0].fit(epochs=1, steps_per_epoch=2, verbose=0)


def test_reloading_a_compiled_pinn_does_not_warn_and_keeps_the_optimizer(tmp_path):
    dom = pde.Interval(0, 1)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)])
    pinn = pde.PINN(net, [pde.PDEResidual(lambda u_x: u_x - 1.0, dom, num_points=8)], domain=dom)
    pinn.compile(keras.optimizers.Adam(3e-3))
    pinn.fit(epochs=1, steps_per_epoch=2, verbose=0)
    path = str(tmp_path / "p.keras")
    pinn.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = kextras.load_model(path)
    assert loaded.compiled
    assert float(loaded.optimizer.learning_rate) == np.float32(3e-3)
    assert int(loaded.optimizer.iterations) == 2
    x = np.linspace(0, 1, 5)[:, None]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), pinn.predict(x, verbose=0))
