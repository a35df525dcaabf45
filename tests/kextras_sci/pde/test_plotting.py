"""pde.plot_history and pde.plot_solution draw what they are given."""

import keras
import numpy as np
import pytest

from kextras_sci import pde

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def small_pinn():
    dom = pde.Interval(0, 1)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)])
    pinn = pde.PINN(net, [pde.PDEResidual(lambda u_x: u_x - 1.0, dom, num_points=8),
                          pde.DirichletBC(dom, 0.0, num_points=2)], domain=dom)
    pinn.compile("adam")
    return pinn, dom


def test_plot_history_draws_every_term_over_both_stages():
    pinn, _ = small_pinn()
    h = pinn.fit(epochs=3, steps_per_epoch=4, verbose=0)
    res = pde.minimize_lbfgs(pinn, maxiter=3, verbose=0)
    fig = pde.plot_history([h, res])
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["loss", "dirichlet", "pde"]
    loss = ax.get_lines()[0]
    np.testing.assert_array_equal(loss.get_xdata(), [4, 8, 12])
    np.testing.assert_allclose(loss.get_ydata(), h.history["loss"])
    second = [line for line in ax.get_lines() if line.get_color() == loss.get_color()][1]
    np.testing.assert_array_equal(second.get_xdata(), 12 + np.arange(1, res.iterations + 1))
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="`history` must be a keras History"):
        pde.plot_history(3)


def test_plot_solution_1d_and_2d_with_reference():
    pinn, dom = small_pinn()
    fig = pde.plot_solution(pinn, dom, reference=lambda x: x, resolution=11)
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), pinn.predict(np.linspace(0, 1, 11)[:, None], verbose=0)[:, 0], rtol=1e-6)
    disk = pde.Disk([0, 0], 1)
    fig = pde.plot_solution(lambda x: x[:, :1] + x[:, 1:], disk, reference=lambda x: x[:, 0] + x[:, 1], resolution=21)
    images = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(images) == 3
    assert np.ma.getdata(images[0])[0, 0] != np.ma.getdata(images[0])[0, 0]  # the corner is outside: NaN
    np.testing.assert_allclose(np.nanmax(np.ma.getdata(images[2])), 0.0)
    with pytest.raises(ValueError, match="1-D and 2-D domains"):
        pde.plot_solution(lambda x: x, pde.Box([0, 0, 0], [1, 1, 1]))
