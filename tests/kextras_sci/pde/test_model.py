"""PINN training: metrics, callbacks, retracing, L-BFGS, inverse problem, save/load."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import kextras
from kextras.testing import check_layer
from kextras_sci import pde

DOM = pde.Interval(-1.0, 1.0)


def mlp(width=16, depth=2, dtype="float32", inputs=1, outputs=1, seed=0):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((inputs,), dtype=dtype)]
    layers += [keras.layers.Dense(width, "tanh", dtype=dtype) for _ in range(depth)]
    layers += [keras.layers.Dense(outputs, dtype=dtype)]
    return keras.Sequential(layers)


def poisson(u_xx, x):
    # u'' = -pi^2 sin(pi x), exact solution sin(pi x) with u(-1) = u(1) = 0
    return u_xx + np.pi**2 * tf.sin(np.pi * x)


def poisson_pinn(dtype="float32", **kwargs):
    return pde.PINN(
        mlp(dtype=dtype),
        [pde.PDEResidual(poisson, DOM, num_points=48, method="sobol"), pde.DirichletBC(DOM, 0.0, num_points=2)],
        domain=DOM,
        **kwargs,
    )


X_REF = np.linspace(-1, 1, 101)[:, None]
U_REF = np.sin(np.pi * X_REF)


def test_fit_logs_every_term_with_callbacks_and_validation():
    pinn = poisson_pinn()
    pinn.compile(keras.optimizers.Adam(1e-2))
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(sorted(logs))

    hist = pinn.fit(
        epochs=3, steps_per_epoch=40, verbose=0, callbacks=[Record()], validation_data=(X_REF, U_REF)
    )
    assert set(hist.history) == {"loss", "pde", "dirichlet", "val_rel_l2"}
    assert seen[0] == ["dirichlet", "loss", "pde"]
    assert len(seen) == 3 and int(pinn.optimizer.iterations) == 120  # auto: 40 steps per call
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    # total = sum of the weighted terms, and val_rel_l2 = NumPy relative error
    total, terms = pinn.compute_terms()
    np.testing.assert_allclose(float(total), float(terms["pde"]) + float(terms["dirichlet"]), rtol=1e-6)
    pred = pinn.predict(X_REF, verbose=0)
    want = np.linalg.norm(pred - U_REF) / np.linalg.norm(U_REF)
    np.testing.assert_allclose(hist.history["val_rel_l2"][-1], want, rtol=1e-4)
    np.testing.assert_allclose(pinn.relative_l2_error(X_REF, U_REF), want, rtol=1e-6)


def test_term_weights_and_resampling_do_not_retrace():
    traces = []

    def residual(u_xx, x):
        traces.append(1)  # Python side effect: runs only while tracing
        return poisson(u_xx, x)

    pinn = pde.PINN(
        mlp(),
        [pde.PDEResidual(residual, DOM, num_points=32), pde.DirichletBC(DOM, 0.0, num_points=2, weight=3.0)],
        domain=DOM,
        resample_every=5,
    )
    pinn.compile(keras.optimizers.Adam(1e-3), steps_per_execution=1)
    before = pinn.collocation_points("pde")
    pinn.fit(epochs=1, steps_per_epoch=12, verbose=0)
    n_traces = len(traces)
    assert not np.allclose(before, pinn.collocation_points("pde"))  # resampled
    pinn.term_weights["dirichlet"].assign(10.0)
    pinn.resample()
    pinn.fit(epochs=2, steps_per_epoch=7, verbose=0)
    assert len(traces) == n_traces  # neither resampling nor new weights retraced
    total, terms = pinn.compute_terms()
    np.testing.assert_allclose(float(total), float(terms["pde"]) + 10 * float(terms["dirichlet"]), rtol=1e-6)


def test_inverse_problem_adam_then_lbfgs_float64():
    xo = np.linspace(-0.9, 0.9, 15)[:, None]
    pinn = pde.PINN(
        mlp(dtype="float64", seed=1),
        [
            pde.PDEResidual(lambda u_xx, x, c: u_xx + c * np.pi**2 * tf.sin(np.pi * x), DOM, num_points=64, method="sobol"),
            pde.DirichletBC(DOM, 0.0, num_points=2),
            pde.PointData(xo, np.sin(np.pi * xo)),
        ],
        domain=DOM,
        parameters=[pde.Parameter("c", 0.5, bounds=(0.0, 2.0))],
    )
    assert pinn.compute_dtype == "float64"
    pinn.compile(keras.optimizers.Adam(1e-2))
    hist = pinn.fit(epochs=2, steps_per_epoch=100, verbose=0)
    result = pde.minimize_lbfgs(pinn, maxiter=250, verbose=0)
    assert result.iterations == len(result.history["loss"]) == len(result.history["pde"])
    assert result.history["loss"][-1] < 1e-2 * hist.history["loss"][-1]
    total, _ = pinn.compute_terms()
    np.testing.assert_allclose(float(total), result.loss, rtol=1e-12)  # best weights kept
    assert abs(pinn.parameters["c"] - 1.0) < 5e-3
    assert pinn.relative_l2_error(X_REF, U_REF) < 5e-3


def test_parameter_bounds_hold_in_adam_and_lbfgs():
    xo = np.linspace(-0.9, 0.9, 9)[:, None]
    pinn = pde.PINN(
        mlp(dtype="float64"),
        [
            pde.PDEResidual(lambda u_xx, x, c: u_xx + c * np.pi**2 * tf.sin(np.pi * x), DOM, num_points=32),
            pde.PointData(xo, np.sin(np.pi * xo)),
        ],
        domain=DOM,
        parameters=[pde.Parameter("c", 0.5, bounds=(0.0, 0.7))],
    )
    pinn.compile(keras.optimizers.Adam(0.5))  # large steps push c past the bound
    pinn.fit(epochs=1, steps_per_epoch=20, verbose=0)
    assert 0.0 <= pinn.parameters["c"] <= 0.7
    pde.minimize_lbfgs(pinn, maxiter=30, verbose=0)
    assert 0.0 <= pinn.parameters["c"] <= 0.7


@keras.saving.register_keras_serializable(package="kextras_sci_tests")
def zero_at_ends(x, y):
    return (1.0 - x**2) * y


def test_output_transform_hard_constraint_and_save_load(tmp_path):
    pinn = pde.PINN(
        mlp(),
        [pde.PDEResidual(poisson, DOM, num_points=32)],
        domain=DOM,
        output_transform=zero_at_ends,
        parameters={"k": 1.5},
    )
    np.testing.assert_allclose(pinn.predict(np.array([[-1.0], [1.0]]), verbose=0), 0.0, atol=1e-7)
    pinn.compile(keras.optimizers.Adam(1e-2))
    pinn.fit(epochs=1, steps_per_epoch=20, verbose=0)
    path = tmp_path / "pinn.keras"
    pinn.save(path)
    loaded = kextras.load_model(path)
    assert isinstance(loaded, pde.PINN) and loaded.conditions == ()
    assert loaded.coords == ("x",) and loaded.fields == ("u",) and loaded.parameters == {"k": 1.5}
    np.testing.assert_array_equal(loaded.predict(X_REF, verbose=0), pinn.predict(X_REF, verbose=0))
    # conditions are attached again to continue training
    loaded.set_conditions([pde.PDEResidual(poisson, DOM, num_points=32)])
    loaded.compile(keras.optimizers.Adam(1e-2))
    assert np.isfinite(loaded.fit(epochs=1, steps_per_epoch=3, verbose=0).history["pde"][0])


def test_save_and_load_in_fresh_process(tmp_path):
    pinn = poisson_pinn(parameters=[pde.Parameter("c", 0.25, bounds=(0, 1))])
    path = tmp_path / "p.keras"
    pinn.save(path)
    np.save(tmp_path / "x.npy", X_REF.astype("float32"))
    script = (
        "import sys, numpy as np, kextras\n"
        "m = kextras.load_model(sys.argv[1])\n"
        "np.save(sys.argv[2], m.predict(np.load(sys.argv[3]), verbose=0))\n"
        "print(type(m).__name__, m.parameters)\n"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "y.npy"), str(tmp_path / "x.npy")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "PINN {'c': 0.25}" in out.stdout
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), pinn.predict(X_REF, verbose=0))


def test_output_transform_layer_harness():
    x = np.random.default_rng(0).uniform(-1, 1, (6, 1)).astype("float32")
    y = np.random.default_rng(1).normal(size=(6, 2)).astype("float32")
    out = check_layer(
        pde.OutputTransform(zero_at_ends), [x, y], fresh_process=False, train=False, wrong_rank_inputs=False
    )
    np.testing.assert_allclose(out.numpy(), (1 - x**2) * y, rtol=1e-6)
    with pytest.raises(ValueError, match=r"expects a list \[x, y\]"):
        pde.OutputTransform(zero_at_ends)(tf.constant(x))


def test_bounds_constraint():
    b = pde.Bounds(0.0, 1.0)
    np.testing.assert_array_equal(b(tf.constant([-1.0, 0.5, 2.0])).numpy(), [0.0, 0.5, 1.0])
    assert pde.Bounds.from_config(b.get_config()).get_config() == {"lower": 0.0, "upper": 1.0}
    with pytest.raises(ValueError, match="`lower` must not exceed `upper`"):
        pde.Bounds(2.0, 1.0)


def test_training_callbacks_serve_another_loop():
    """``training_callbacks`` gives another loop (kextras.distribute.fit) what PINN.fit adds:
    the resampler (counted in optimizer steps), the finite check and the parameter log."""
    from kextras import distribute

    pinn = pde.PINN(
        mlp(),
        [pde.PDEResidual(poisson, DOM, num_points=32), pde.DirichletBC(DOM, 0.0, num_points=2)],
        domain=DOM,
        parameters=[pde.Parameter("c", 0.5)],
        resample_every=5,
        seed=3,
    )
    kinds = [type(cb).__name__ for cb in pinn.training_callbacks()]
    assert kinds == ["ParameterLog", "FiniteCheck", "Resampler"]
    assert [type(cb).__name__ for cb in pinn.training_callbacks(check_finite=False)] == [
        "ParameterLog", "Resampler"]
    pinn.compile(keras.optimizers.Adam(1e-3), steps_per_execution=1)
    if not pinn._validated:
        pinn.validate()
    before = pinn.collocation_points("pde")
    history = distribute.fit(pinn, None, epochs=1, steps_per_epoch=4, verbose=0,
                             callbacks=pinn.training_callbacks())
    np.testing.assert_array_equal(before, pinn.collocation_points("pde"))  # 4 < 5 steps
    distribute.fit(pinn, None, epochs=1, steps_per_epoch=2, verbose=0, callbacks=pinn.training_callbacks())
    assert not np.allclose(before, pinn.collocation_points("pde"))  # resampled at step 5
    assert "c" in history.history
