"""Architecture layers vs NumPy formula implementations, through the shared harness."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras.activations import hyper_sinh
from kextras.testing import check_layer
from kextras_sci.pde.nn import AdaptiveActivation, FactorizedDense, FourierFeatures, ModifiedMLP, PeriodicEmbedding

RNG = np.random.default_rng(0)
X = RNG.uniform(-1, 1, (9, 2)).astype("float32")


def np_hyper_sinh(x):
    return np.where(x > 0, np.sinh(np.maximum(x, 0)) / 3.0, np.minimum(x, 0) ** 3 / 4.0)


NP_ACT = {"tanh": np.tanh, "hyper_sinh": np_hyper_sinh}


def w(layer, name):
    for v in layer.weights:
        if v.name == name:
            return np.asarray(v.numpy(), np.float64)
    raise KeyError(name)


# ------------------------------------------------------------------ harness
@pytest.mark.parametrize(
    "make",
    [
        lambda: FourierFeatures(4, scale=2.0, seed=1),
        lambda: PeriodicEmbedding([2.0, None], num_harmonics=2),
        lambda: FactorizedDense(5, activation="hyper_sinh", seed=2),
        lambda: ModifiedMLP(6, num_layers=2, activation="hyper_sinh", output_units=1),
    ],
    ids=["fourier", "periodic", "factorized", "modified_mlp"],
)
@pytest.mark.parametrize("fresh", [pytest.param(True, marks=pytest.mark.slow), False], ids=["fresh", "inprocess"])
def test_check_layer(make, fresh):
    # the fresh-process reload (one Python + TF start per layer) runs with -m slow
    check_layer(make(), X, fresh_process=fresh)


@pytest.mark.parametrize("fresh", [pytest.param(True, marks=pytest.mark.slow), False], ids=["fresh", "inprocess"])
def test_check_layer_adaptive(fresh):
    # an activation accepts any rank >= 2
    check_layer(
        AdaptiveActivation("hyper_sinh", mode="neuron", slope_recovery=0.1), X, wrong_rank_inputs=False, fresh_process=fresh
    )


def test_check_layer_fourier_trainable():
    # the harness trains on mean(y^2), constant for [cos, sin] pairs (cos^2 + sin^2 = 1), so its
    # weight-change check cannot apply; the gradient is checked below against the formula
    check_layer(FourierFeatures(3, include_input=True, trainable_frequencies=True, seed=1), X, train=False,
                fresh_process=False)


def test_fourier_features_trainable_gradient():
    layer = FourierFeatures(3, scale=1.5, trainable_frequencies=True, seed=2, dtype="float64")
    x = RNG.uniform(-1, 1, (5, 2))
    c = RNG.standard_normal((5, 6))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(tf.constant(x)) * c)
    g = tape.gradient(loss, layer.frequencies.value).numpy()
    b = w(layer, "frequencies")
    arg = 2 * np.pi * x @ b
    ref = 2 * np.pi * x.T @ (-np.sin(arg) * c[:, :3] + np.cos(arg) * c[:, 3:])
    np.testing.assert_allclose(g, ref, rtol=1e-10)
    assert len(layer.trainable_weights) == 1


# ------------------------------------------------------------------ formulas
def test_fourier_features_formula():
    layer = FourierFeatures(5, scale=3.0, include_input=True, seed=3)
    x = RNG.uniform(-1, 1, (11, 3))
    y = layer(tf.constant(x, tf.float32)).numpy()
    b = w(layer, "frequencies")
    assert b.shape == (3, 5)
    proj = 2 * np.pi * x @ b
    np.testing.assert_allclose(y, np.concatenate([x, np.cos(proj), np.sin(proj)], 1), atol=2e-5)
    assert layer.trainable_weights == []


def test_fourier_features_scale_statistics():
    b = w(_built(FourierFeatures(4000, scale=2.5, seed=0), 2), "frequencies")
    assert abs(b.std() - 2.5) < 0.05 and abs(b.mean()) < 0.05


def _built(layer, d):
    layer(tf.zeros((1, d)))
    return layer


def test_periodic_embedding_formula_and_exact_periodicity():
    layer = PeriodicEmbedding([2.0, None, 0.5], num_harmonics=3, dtype="float64")
    x = RNG.uniform(-1, 1, (13, 3))
    y = layer(tf.constant(x, tf.float64)).numpy()
    k = np.arange(1, 4)
    a0 = x[:, :1] * k * np.pi  # 2 pi / 2
    a2 = x[:, 2:] * k * 4 * np.pi  # 2 pi / 0.5
    ref = np.concatenate([np.cos(a0), np.sin(a0), x[:, 1:2], np.cos(a2), np.sin(a2)], 1)
    np.testing.assert_allclose(y, ref, atol=1e-12)
    # a network on top is periodic with all derivatives: compare u and u_x at x and x + P
    net = keras.Sequential([keras.Input((3,), dtype="float64"), PeriodicEmbedding([2.0, None, 0.5], 3, dtype="float64"),
                            keras.layers.Dense(8, "tanh", dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    xs = tf.constant(x)
    shifted = tf.constant(x + np.array([2.0, 0.0, 0.5]))
    for pts in (xs, shifted):
        with tf.GradientTape() as tape:
            tape.watch(pts)
            u = net(pts)
        g = tape.gradient(u, pts)
        if pts is xs:
            u0, g0 = u.numpy(), g.numpy()
    np.testing.assert_allclose(u.numpy(), u0, atol=1e-12)
    np.testing.assert_allclose(g.numpy(), g0, atol=1e-11)


def test_factorized_dense_formula_and_init():
    layer = FactorizedDense(4, activation="tanh", mean=0.5, stddev=0.2, seed=5)
    x = RNG.uniform(-1, 1, (6, 3))
    y = layer(tf.constant(x, tf.float32)).numpy()
    s, v, b = w(layer, "log_scale"), w(layer, "direction"), w(layer, "bias")
    ref = np.tanh(x @ (v * np.exp(s)[None, :]) + b)
    np.testing.assert_allclose(y, ref, atol=2e-6)
    # the effective kernel starts as a Glorot-normal draw: V = W0 / exp(s)
    assert s.std() > 0 and np.all(np.abs(s - 0.5) < 1.0)
    np.testing.assert_allclose(layer.kernel.numpy(), v * np.exp(s)[None, :], rtol=1e-6)


def test_factorized_dense_initial_kernel_equals_dense():
    fd = FactorizedDense(64, kernel_initializer=keras.initializers.GlorotNormal(seed=7), seed=1)
    dn = keras.layers.Dense(64, kernel_initializer=keras.initializers.GlorotNormal(seed=7))
    x = tf.constant(RNG.uniform(-1, 1, (5, 16)), tf.float32)
    np.testing.assert_allclose(fd(x).numpy(), dn(x).numpy(), atol=1e-5)


def test_factorized_dense_gradient_is_factorized():
    # dL/ds_j = sum_i dL/dW_ij W_ij, dL/dV = dL/dW * exp(s)
    layer = FactorizedDense(3, seed=0)
    x = tf.constant(RNG.uniform(-1, 1, (5, 2)), tf.float64)
    layer = FactorizedDense(3, seed=0, dtype="float64")
    with tf.GradientTape() as tape:
        y = layer(x)
        loss = tf.reduce_sum(y**2)
    gs, gv = tape.gradient(loss, [layer.log_scale, layer.direction])
    yn = y.numpy()
    dw = x.numpy().T @ (2 * yn)
    s, v = w(layer, "log_scale"), w(layer, "direction")
    W = v * np.exp(s)
    np.testing.assert_allclose(gv.numpy(), dw * np.exp(s)[None, :], rtol=1e-10)
    np.testing.assert_allclose(gs.numpy(), (dw * W).sum(0), rtol=1e-10)


@pytest.mark.parametrize("act", ["tanh", "hyper_sinh"])
def test_modified_mlp_formula(act):
    layer = ModifiedMLP(5, num_layers=3, activation=act, output_units=2, dtype="float64")
    x = RNG.uniform(-1, 1, (7, 3))
    y = layer(tf.constant(x)).numpy()
    f = NP_ACT[act]

    def dense(h, name):
        return h @ w(layer, f"{name}_kernel") + w(layer, f"{name}_bias")

    u, v = f(dense(x, "encoder_u")), f(dense(x, "encoder_v"))
    h = f(dense(x, "hidden_1"))
    for k in range(2, 5):
        z = f(dense(h, f"hidden_{k}"))
        h = (1 - z) * u + z * v
    np.testing.assert_allclose(y, dense(h, "output"), atol=1e-12)
    assert len(layer.trainable_weights) == 2 * (2 + 1 + 3 + 1)


def test_modified_mlp_without_output_returns_hidden():
    layer = ModifiedMLP(4, num_layers=0)
    assert tuple(layer(tf.zeros((3, 2))).shape) == (3, 4)


@pytest.mark.parametrize("mode", ["layer", "neuron"])
def test_adaptive_activation_formula(mode):
    layer = AdaptiveActivation("hyper_sinh", scale=5.0, mode=mode, dtype="float64")
    x = RNG.uniform(-2, 2, (6, 4))
    y0 = layer(tf.constant(x)).numpy()
    np.testing.assert_allclose(y0, np_hyper_sinh(x), atol=1e-12)  # n a = 1 at init
    a = RNG.uniform(0.1, 0.4, layer.slope.shape)
    layer.slope.assign(a)
    np.testing.assert_allclose(layer(tf.constant(x)).numpy(), np_hyper_sinh(5.0 * a * x), atol=1e-12)
    assert layer.slope.shape == (() if mode == "layer" else (4,))


def test_adaptive_activation_slope_recovery_loss():
    layer = AdaptiveActivation("tanh", scale=10.0, mode="neuron", slope_recovery=0.5, dtype="float64")
    x = tf.constant(RNG.uniform(-1, 1, (3, 4)))
    layer(x)
    a = RNG.uniform(0.05, 0.3, 4)
    layer.slope.assign(a)
    layer(x)
    np.testing.assert_allclose(float(layer.losses[-1]), 0.5 / np.mean(np.exp(a)), rtol=1e-12)


def test_gaaf_shares_one_slope():
    act = AdaptiveActivation("tanh", mode="layer")
    inp = keras.Input((2,))
    h = act(keras.layers.Dense(4)(inp))
    h = act(keras.layers.Dense(4)(h))
    model = keras.Model(inp, keras.layers.Dense(1)(h))
    slopes = [v for v in model.trainable_weights if "slope" in v.path]
    assert len(slopes) == 1


def test_hyper_sinh_callable_is_serialized_by_name():
    layer = FactorizedDense(3, activation=hyper_sinh)
    assert layer.get_config()["activation"] == "hyper_sinh"
    assert FactorizedDense.from_config(layer.get_config()).activation is hyper_sinh


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: FourierFeatures(0), "num_features"),
        (lambda: FourierFeatures(3, scale=-1.0), "scale"),
        (lambda: PeriodicEmbedding([None, None]), "periods"),
        (lambda: PeriodicEmbedding([2.0, -1.0]), "periods"),
        (lambda: PeriodicEmbedding([2.0], num_harmonics=0), "num_harmonics"),
        (lambda: FactorizedDense(0), "units"),
        (lambda: FactorizedDense(3, stddev=-0.1), "stddev"),
        (lambda: FactorizedDense(3, activation="tanhh"), "activation"),
        (lambda: ModifiedMLP(4, num_layers=-1), "num_layers"),
        (lambda: AdaptiveActivation(mode="global"), "mode"),
        (lambda: AdaptiveActivation(slope_recovery=-1.0), "slope_recovery"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_periodic_embedding_wrong_dimension():
    with pytest.raises(ValueError, match="periods"):
        PeriodicEmbedding([2.0, None])(tf.zeros((3, 3)))


def test_rank_errors():
    with pytest.raises(ValueError, match="rank 2"):
        FourierFeatures(3)(tf.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match="rank >= 2"):
        AdaptiveActivation()(tf.zeros((3,)))
