"""Loss balancing: each update rule against the paper's formula on small hand-computed cases."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from kextras_sci import pde
from kextras_sci.pde import balancing as bal

PI = np.pi
Z = tf.UnconnectedGradients.ZERO


def make_pinn(seed=0, n_pde=16, wrap=None):
    keras.utils.set_random_seed(seed)
    net = keras.Sequential([keras.Input((1,), dtype="float64"), keras.layers.Dense(6, "tanh", dtype="float64"),
                            keras.layers.Dense(1, dtype="float64")])
    geom = pde.Interval(0.0, 1.0)
    res = pde.PDEResidual(lambda u_xx, x: u_xx + PI**2 * tf.sin(PI * x), geom, num_points=n_pde, include_boundary=False)
    if wrap is not None:
        res = wrap(res)
    bc = pde.DirichletBC(geom, 0.0, num_points=2, name="bc")
    p = pde.PINN(net, [res, bc], domain=geom)
    p.compile(keras.optimizers.SGD(1e-3), steps_per_execution=1)
    return p, res


def residuals(pinn, x):
    """Independent residuals: u_xx + pi^2 sin(pi x) via nested tapes on the network."""
    x = tf.constant(x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            u = pinn.net(x)
        ux = t1.gradient(u, x)
    uxx = t2.gradient(ux, x)
    return (uxx + PI**2 * tf.sin(PI * x))[:, 0]


def term_gradients(pinn):
    xr, xb = pinn.collocation_points("pde"), pinn.collocation_points("bc")
    v = [w.value for w in pinn.net.trainable_weights]
    with tf.GradientTape(persistent=True) as tape:
        lr = tf.reduce_mean(residuals(pinn, xr) ** 2)
        lb = tf.reduce_mean(pinn.net(tf.constant(xb)) ** 2)
    flat = lambda gs: np.concatenate([g.numpy().ravel() for g in gs])  # noqa: E731
    return flat(tape.gradient(lr, v, unconnected_gradients=Z)), flat(tape.gradient(lb, v, unconnected_gradients=Z)), float(lr), float(lb)


# ------------------------------------------------------------ pure formulas
def test_lra_hand_case():
    w = bal.lra_weights(np.array([0.5, -2.0, 1.0]), {"bc": np.array([0.1, -0.3])}, {"bc": 1.0}, alpha=0.9)
    assert w["bc"] == pytest.approx(0.1 * 1.0 + 0.9 * (2.0 / 0.2))  # 9.1


def test_grad_norm_hand_case():
    w = bal.grad_norm_weights({"a": np.array([3.0, 4.0]), "b": np.array([0.0, 1.0])}, {"a": 1.0, "b": 1.0}, 0.9)
    assert w["a"] == pytest.approx(0.9 + 0.1 * 6 / 5) and w["b"] == pytest.approx(0.9 + 0.1 * 6)


def test_ntk_hand_case():
    w = bal.ntk_weights({"a": np.array([1.0, 3.0]), "b": np.array([8.0])}, None)
    assert w == pytest.approx({"a": 10 / 2, "b": 10 / 8})


def test_softadapt_hand_case():
    now, prev = {"a": 1.0, "b": 2.0}, {"a": 2.0, "b": 2.5}  # s = (-1, -0.5)
    w = bal.softadapt_weights(now, prev, beta=1.0)
    assert w["a"] == pytest.approx(math.exp(-1) / (math.exp(-1) + math.exp(-0.5)))
    assert w["a"] + w["b"] == pytest.approx(1.0)
    w = bal.softadapt_weights(now, prev, beta=1.0, normalized=True)  # s / 1.5
    assert w["a"] == pytest.approx(math.exp(-2 / 3) / (math.exp(-2 / 3) + math.exp(-1 / 3)))
    w = bal.softadapt_weights(now, prev, beta=1.0, loss_weighted=True)
    assert w["a"] == pytest.approx(math.exp(-1) / (math.exp(-1) + 2 * math.exp(-0.5)))
    # large rates do not overflow
    assert np.isfinite(list(bal.softadapt_weights({"a": 1e6, "b": 0.0}, {"a": 0.0, "b": 0.0}, 10.0).values())).all()


def test_relobralo_hand_case():
    now, prev, init, old = {"a": 1.0, "b": 4.0}, {"a": 2.0, "b": 4.0}, {"a": 4.0, "b": 8.0}, {"a": 1.0, "b": 3.0}

    def balance(ref):  # m exp(L/(T Lref)) / sum, T = 1
        e = {k: math.exp(now[k] / ref[k]) for k in now}
        return {k: 2 * e[k] / sum(e.values()) for k in now}

    bp, bi = balance(prev), balance(init)
    for rho in (0.0, 1.0):
        w = bal.relobralo_weights(now, prev, init, old, alpha=0.5, rho=rho, temperature=1.0)
        for k in now:
            assert w[k] == pytest.approx(0.5 * (rho * old[k] + (1 - rho) * bi[k]) + 0.5 * bp[k])


# ------------------------------------------------------------ callbacks
def test_lra_callback_on_a_pinn():
    pinn, _ = make_pinn()
    cb = bal.LearningRateAnnealing(update_every=1)
    pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[cb], verbose=0)
    gr, gb, _, _ = term_gradients(pinn)  # at the state the callback saw
    expected = 0.1 * 1.0 + 0.9 * np.abs(gr).max() / np.abs(gb).mean()
    assert pinn.term_weights["bc"].numpy() == pytest.approx(expected, rel=1e-8)
    assert pinn.term_weights["pde"].numpy() == 1.0
    assert cb.history["bc"] == [pytest.approx(expected, rel=1e-8)]


@pytest.mark.slow
def test_grad_norm_callback_and_logs():
    pinn, _ = make_pinn(1)
    cb = bal.GradNormWeighting(update_every=2, momentum=0.5)
    hist = pinn.fit(epochs=1, steps_per_epoch=2, callbacks=[cb], verbose=0)
    gr, gb, _, _ = term_gradients(pinn)
    nr, nb = np.linalg.norm(gr), np.linalg.norm(gb)
    assert pinn.term_weights["pde"].numpy() == pytest.approx(0.5 + 0.5 * (nr + nb) / nr, rel=1e-8)
    assert pinn.term_weights["bc"].numpy() == pytest.approx(0.5 + 0.5 * (nr + nb) / nb, rel=1e-8)
    assert hist.history["weight_bc"][-1] == pytest.approx(float(pinn.term_weights["bc"].numpy()))
    assert cb.steps == [2]


def test_ntk_callback_against_per_point_gradients():
    pinn, _ = make_pinn(2, n_pde=5)
    cb = bal.NTKWeighting(num_points=4, momentum=0.0, update_every=1)
    pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[cb], verbose=0)
    v = [w.value for w in pinn.net.trainable_weights]

    def diag(points, fn):
        out = []
        for p in points:
            with tf.GradientTape() as tape:
                r = fn(p[None, :])[0]
            out.append(sum(float(tf.reduce_sum(g**2)) for g in tape.gradient(r, v, unconnected_gradients=Z)))
        return np.array(out)

    dr = diag(pinn.collocation_points("pde")[:4], lambda p: residuals(pinn, p))
    db = diag(pinn.collocation_points("bc")[:4], lambda p: pinn.net(tf.constant(p))[:, 0])
    np.testing.assert_allclose(cb.ntk_diagonals()["pde"], dr, rtol=1e-8)
    total = dr.mean() + db.mean()
    assert pinn.term_weights["pde"].numpy() == pytest.approx(total / dr.mean(), rel=1e-8)
    assert pinn.term_weights["bc"].numpy() == pytest.approx(total / db.mean(), rel=1e-8)


def test_softadapt_callback():
    pinn, _ = make_pinn(3)
    cb = bal.SoftAdapt(beta=5.0, scale=2.0)
    pinn.fit(epochs=1, steps_per_epoch=3, callbacks=[cb], verbose=0)
    assert len(cb.value_history) == 3 and len(cb.history["pde"]) == 2  # the first step has no rate
    _, _, lr, lb = term_gradients(pinn)
    assert cb.value_history[-1]["pde"] == pytest.approx(lr, rel=1e-10)
    assert cb.value_history[-1]["bc"] == pytest.approx(lb, rel=1e-10)
    now, prev = cb.value_history[-1], cb.value_history[-2]
    e = {k: math.exp(5.0 * (now[k] - prev[k])) for k in now}
    for k in now:
        assert pinn.term_weights[k].numpy() == pytest.approx(2.0 * e[k] / sum(e.values()), rel=1e-8)


def test_relobralo_callback_deterministic_lookback():
    pinn, _ = make_pinn(4)
    cb = bal.ReLoBRaLo(alpha=0.9, expected_rho=1.0, temperature=0.5)
    pinn.fit(epochs=1, steps_per_epoch=3, callbacks=[cb], verbose=0)
    w = {"pde": 1.0, "bc": 1.0}
    vh = cb.value_history
    for t in (1, 2):
        z = {k: vh[t][k] / (0.5 * vh[t - 1][k]) for k in w}
        e = {k: math.exp(z[k]) for k in w}
        b = {k: 2 * e[k] / sum(e.values()) for k in w}
        w = {k: 0.9 * w[k] + 0.1 * b[k] for k in w}
    for k in w:
        assert pinn.term_weights[k].numpy() == pytest.approx(w[k], rel=1e-8)


def test_self_adaptive_weights_ascent_step():
    pinn, sa = make_pinn(5, n_pde=8, wrap=lambda c: bal.SelfAdaptiveWeights(c, initial=1.0))
    assert pinn.term_names == ("pde", "bc")
    x = pinn.collocation_points("pde")
    r2 = residuals(pinn, x).numpy() ** 2  # before the step: what the training step sees
    lam0 = np.linspace(0.5, 1.5, 8)
    sa.lambdas.assign(lam0)
    _, terms = pinn.compute_terms()
    assert float(terms["pde"]) == pytest.approx(np.mean(lam0**2 * r2), rel=1e-10)
    cb = bal.SelfAdaptiveUpdate(sa, learning_rate=0.1, optimizer="sgd")
    pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[cb], verbose=0)
    np.testing.assert_allclose(sa.lambdas.numpy(), lam0 + 0.1 * 2 * lam0 * r2 / 8, rtol=1e-10)


@pytest.mark.slow
def test_self_adaptive_adam_increases_weights_where_residual_is_large():
    pinn, sa = make_pinn(6, n_pde=8, wrap=lambda c: bal.SelfAdaptiveWeights(c))
    cb = bal.SelfAdaptiveUpdate(sa, learning_rate=0.01)
    hist = pinn.fit(epochs=1, steps_per_epoch=3, callbacks=[cb], verbose=0)
    lam = sa.lambdas.numpy()
    assert np.all(lam > 1.0)  # Adam's first steps move every weight up by about lr
    np.testing.assert_allclose(lam, 1.0 + 0.03, atol=2e-3)
    assert "sa_mean_pde" in hist.history


def test_causal_weighting_term_formula():
    geom = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(5, "tanh", dtype="float64"),
                            keras.layers.Dense(1, dtype="float64")])
    cw = bal.CausalWeighting(pde.PDEResidual(lambda u: u, geom, num_points=200), num_chunks=4, epsilon=3.0)
    pinn = pde.PINN(net, [cw], domain=geom)
    _, terms = pinn.compute_terms()
    x = pinn.collocation_points("pde")
    r2 = net(tf.constant(x)).numpy()[:, 0] ** 2
    chunk = np.clip(np.floor(x[:, 1] * 4).astype(int), 0, 3)
    L = np.array([r2[chunk == i].mean() for i in range(4)])
    w = np.exp(-3.0 * np.concatenate([[0.0], np.cumsum(L)[:-1]]))
    assert float(terms["pde"]) == pytest.approx(np.mean(w * L), rel=1e-10)
    np.testing.assert_allclose(cw.chunk_weights.numpy(), w, rtol=1e-12)
    # the schedule raises epsilon once every chunk weight is above the threshold
    sched = bal.CausalSchedule(cw, epsilons=(1e-3, 1.0), threshold=0.9, check_every=1)
    assert float(cw.epsilon.numpy()) == 1e-3
    pinn.compute_terms()
    sched.on_train_batch_end(0)
    assert float(cw.epsilon.numpy()) == 1.0 and sched.changes == [(1, 1.0)]


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: bal.LearningRateAnnealing(alpha=2.0), "alpha"),
        (lambda: bal.GradNormWeighting(update_every=0), "update_every"),
        (lambda: bal.NTKWeighting(num_points=0), "num_points"),
        (lambda: bal.SoftAdapt(beta=float("nan")), "beta"),
        (lambda: bal.ReLoBRaLo(temperature=0.0), "temperature"),
        (lambda: bal.SelfAdaptiveWeights("pde"), "condition"),
        (lambda: bal.SelfAdaptiveUpdate([1]), "SelfAdaptiveWeights"),
        (lambda: bal.CausalWeighting(pde.PDEResidual(lambda u: u, pde.Interval(0, 1), num_points=4)), "time_range"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.slow
def test_unknown_term_name():
    pinn, _ = make_pinn()
    with pytest.raises(ValueError, match="unknown term"):
        pinn.fit(epochs=1, steps_per_epoch=1, callbacks=[bal.GradNormWeighting(terms=["nope"])], verbose=0)
