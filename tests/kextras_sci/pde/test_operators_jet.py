"""Taylor-mode (jet) derivatives against nested tf.GradientTape derivatives and closed forms, float64."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.special import erf

from kextras.activations import hyper_sinh
from kextras_sci import pde
from kextras_sci.pde import operators as op
from kextras_sci.pde.operators import engine, jet

ACTIVATIONS = ["tanh", "sigmoid", "silu", "gelu", tf.sin, "linear"]


def act_id(act):
    """A stable test id (a function's repr holds its address, which differs between xdist workers)."""
    return act if isinstance(act, str) else act.__name__



def mlp(d, act, m=2, width=6, depth=2, seed=0):
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((d,), dtype="float64")]
    layers += [keras.layers.Dense(width, act, dtype="float64", bias_initializer="random_normal") for _ in range(depth)]
    return keras.Sequential(layers + [keras.layers.Dense(m, dtype="float64")])


def taped(u, x, orders, comp):
    """d^k u_comp / dx_orders by one tf.GradientTape per order (the plain reference)."""
    tapes = [tf.GradientTape(persistent=True) for _ in orders]
    for t in tapes:
        t.__enter__()
        t.watch(x)
    value = u(x)[:, comp : comp + 1]
    for k, i in enumerate(orders):
        tapes[-1 - k].__exit__(None, None, None)
        value = tapes[-1 - k].gradient(value, x, unconnected_gradients="zero")[:, i : i + 1]
    return value


def requests(d):
    orders = [(), (0,), (d - 1,), (0, 0), (0, d - 1), (d - 1, d - 1), (0, 0, d - 1)]
    if d == 3:
        orders += [(1, 2), (0, 1, 2), (0, 0, 1, 1)]
    return [(c, o) for c in (0, 1) for o in dict.fromkeys(orders)]


def tol(act):
    # TensorFlow's own gradient of the exact gelu is accurate to ~1e-8 in float64
    # (the jet matches the closed form to round-off: test_activation_rules_closed_form)
    return 1e-7 if act == "gelu" else 1e-12


@pytest.mark.parametrize("act", ACTIVATIONS, ids=act_id)
@pytest.mark.parametrize("d", [1, 2, 3])
def test_jet_matches_nested_tapes(act, d):
    net = mlp(d, act)
    x = tf.constant(np.random.default_rng(d).uniform(-1.5, 1.5, (9, d)))
    reqs = requests(d)
    y, got = op.derivatives(net, x, reqs, mode="jet")
    np.testing.assert_allclose(y.numpy(), net(x).numpy(), rtol=0, atol=1e-14)
    for comp, orders in reqs:
        want = taped(net, x, orders, comp).numpy()
        assert got[(comp, tuple(sorted(orders)))].shape == (9, 1)
        np.testing.assert_allclose(got[(comp, orders)].numpy(), want, rtol=tol(act), atol=tol(act))


class Transformed:
    """``u = T(x, N(x))``, with ``decompose()`` as the PINN's solution has."""

    def __init__(self, net):
        self.net = net

    def transform(self, x, y):
        return tf.sin(x[:, :1]) + x[:, -1:] ** 2 * y * y[:, :1] + tf.exp(x[:, :1]) * y

    def __call__(self, x):
        return self.transform(x, self.net(x))

    def decompose(self):
        return self.net, self.transform


@pytest.mark.parametrize("act", ["tanh", tf.sin, "silu"], ids=act_id)
@pytest.mark.parametrize("d", [1, 2, 3])
def test_jet_under_output_transform(act, d):
    u = Transformed(mlp(d, act))
    x = tf.constant(np.random.default_rng(10 + d).uniform(-1, 1, (8, d)))
    reqs = requests(d)
    _, got = op.derivatives(u, x, reqs, mode="jet")
    for comp, orders in reqs:
        np.testing.assert_allclose(got[(comp, orders)].numpy(), taped(u, x, orders, comp).numpy(), rtol=1e-12, atol=1e-12)


def test_activation_rules_closed_form():
    """s', s'', s''' of every rule against NumPy / SciPy formulas."""
    h = np.linspace(-3, 3, 13)
    t, sg = np.tanh(h), 1 / (1 + np.exp(-h))
    phi, Phi = np.exp(-h**2 / 2) / np.sqrt(2 * np.pi), 0.5 * (1 + erf(h / np.sqrt(2)))
    want = {
        "tanh": [1 - t**2, -2 * t * (1 - t**2), (6 * t**2 - 2) * (1 - t**2)],
        "sigmoid": [sg * (1 - sg), sg * (1 - sg) * (1 - 2 * sg), sg * (1 - sg) * (1 - 6 * sg + 6 * sg**2)],
        "sin": [np.cos(h), -np.sin(h), -np.cos(h)],
        "silu": [sg + h * sg * (1 - sg), 2 * sg * (1 - sg) + h * sg * (1 - sg) * (1 - 2 * sg),
                 3 * sg * (1 - sg) * (1 - 2 * sg) + h * sg * (1 - sg) * (1 - 6 * sg + 6 * sg**2)],
        "gelu": [Phi + h * phi, phi * (2 - h**2), phi * (h**3 - 4 * h)],
    }
    fns = {"tanh": keras.activations.tanh, "sigmoid": keras.activations.sigmoid, "sin": tf.sin,
           "silu": keras.activations.silu, "gelu": keras.activations.gelu}
    for name, fn in fns.items():
        got = jet._activation(fn)(tf.constant(h), 3)
        for k in range(3):
            np.testing.assert_allclose(got[k].numpy(), want[name][k], rtol=1e-12, atol=1e-13, err_msg=f"{name} order {k + 1}")


def test_recognition_and_fallback():
    d = 2
    assert jet.mlp_chain(mlp(d, "tanh")) is not None
    assert jet.mlp_chain(keras.layers.Dense(3, "tanh")) is None  # not built
    assert jet.mlp_chain(mlp(d, "relu")) is None  # no closed form registered
    assert jet.mlp_chain(mlp(d, hyper_sinh)) is None
    functional = keras.Model(*(lambda i: (i, keras.layers.Dense(1)(i)))(keras.Input((d,))))
    assert jet.mlp_chain(functional) is None
    assert engine.jet_plan(lambda x: x) is None
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (5, d)))
    relu_net = mlp(d, keras.activations.elu)
    # auto falls back to nested tapes; explicit jet names what it needs
    _, got = op.derivatives(relu_net, x, [(0, (0, 0))])
    np.testing.assert_allclose(got[(0, (0, 0))].numpy(), taped(relu_net, x, (0, 0), 0).numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="mode='jet'.*needs an MLP"):
        op.derivatives(relu_net, x, [(0, (0,))], mode="jet")
    with pytest.raises(ValueError, match="`mode` must be one of"):
        op.derivatives(relu_net, x, [(0, (0,))], mode="taylor")


def test_linear_net_and_activation_layers():
    """Constant derivatives ([1, m] internally) come back as [n, 1]; Activation layers are followed."""
    net = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(3, dtype="float64"),
                            keras.layers.Activation("tanh", dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    lin = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    x = tf.constant(np.random.default_rng(1).uniform(-1, 1, (4, 2)))
    for u in (net, lin):
        reqs = [(0, (0,)), (0, (1,)), (0, (0, 1)), (0, (1, 1, 1))]
        _, got = op.derivatives(u, x, reqs, mode="jet")
        for c, o in reqs:
            assert got[(c, o)].shape == (4, 1)
            np.testing.assert_allclose(got[(c, o)].numpy(), taped(u, x, o, c).numpy(), rtol=1e-12, atol=1e-12)


def test_jet_inside_outer_tape_on_x():
    """Derivatives stay differentiable in x (an outer tape sees through the jets)."""
    net = mlp(2, "tanh")
    x = tf.constant(np.random.default_rng(2).uniform(-1, 1, (6, 2)))
    with tf.GradientTape() as t:
        t.watch(x)
        _, got = op.derivatives(net, x, [(0, (0, 0))], mode="jet")
        target = got[(0, (0, 0))]
    np.testing.assert_allclose(t.gradient(target, x)[:, 1:].numpy(), taped(net, x, (0, 0, 1), 0).numpy(),
                               rtol=1e-12, atol=1e-12)


@pytest.fixture
def float64():
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")  # the output transform layer takes the global policy
    yield
    keras.config.set_floatx("float32")
    keras.config.set_dtype_policy("float32")


def _burgers_pinn(mode, transform):
    x = np.random.default_rng(0).uniform([-1, 0], [1, 1], (64, 2))
    nu = 0.01 / np.pi
    res = pde.PDEResidual(lambda u, u_t, u_x, u_xx: u_t + u * u_x - nu * u_xx, x, name="pde", mode=mode)
    conds = [res]
    if transform is None:
        xb = np.stack([np.repeat([-1.0, 1.0], 8), np.tile(np.linspace(0, 1, 8), 2)], 1)
        conds.append(pde.NeumannBC(xb, 0.0, normals=np.stack([np.sign(xb[:, 0]), 0 * xb[:, 0]], 1), name="bc"))
    net = mlp(2, "tanh", m=1, width=8, depth=3, seed=3)
    pinn = pde.PINN(net, conds, output_transform=transform, input_dim=2, coords=("x", "t"))
    pinn.compile(keras.optimizers.Adam(1e-2))
    return pinn


@pytest.mark.parametrize("transform", [None, lambda x, y: -tf.sin(np.pi * x[:, :1]) + x[:, 1:] * (1 - x[:, :1] ** 2) * y],
                         ids=["soft", "hard"])
def test_training_trajectory_matches_autodiff(transform, float64):
    """Training with jet derivatives follows the nested-tape trajectory to round-off."""
    runs = {}
    for mode in ("jet", "reverse"):
        pinn = _burgers_pinn(mode, transform)
        hist = pinn.fit(epochs=15, steps_per_epoch=2, verbose=0)
        runs[mode] = np.asarray(hist.history["loss"])
    np.testing.assert_allclose(runs["jet"], runs["reverse"], rtol=1e-10)
    assert runs["jet"][-1] < 0.5 * runs["jet"][0]


def test_auto_rule(float64):
    """auto: jet mode for a recognised MLP (also under an output transform), nested tapes otherwise."""
    from kextras_sci.pde.losses import Solution

    soft, hard = _burgers_pinn("auto", None), _burgers_pinn("auto", lambda x, y: x[:, :1] * y)
    plan = engine.jet_plan(Solution(soft))
    assert plan is not None and len(plan[0]) == 4 and plan[1] is None
    assert engine.jet_plan(Solution(hard))[1] is not None
    x = tf.constant(np.random.default_rng(1).uniform(-1, 1, (5, 2)))
    reqs = [(0, ()), (0, (0,)), (0, (1,)), (0, (0, 0))]

    def ops(u, mode):
        fn = tf.function(lambda x: engine.derivatives(u, x, reqs, mode=mode)[1])
        return sorted(op.type for op in fn.get_concrete_function(x).graph.get_operations())

    for pinn in (soft, hard):
        u = Solution(pinn)
        assert ops(u, "auto") == ops(u, "jet") != ops(u, "reverse")
    # not an MLP: the tapes, same values
    plain = lambda x: soft.net(x)  # noqa: E731
    assert engine.jet_plan(plain) is None
    _, got = engine.derivatives(plain, x, reqs, mode="auto")
    for (c, o), v in got.items():
        np.testing.assert_allclose(v.numpy(), taped(plain, x, o, c).numpy(), rtol=1e-10, atol=1e-12)
