"""PDE part of the demo: a physics-informed network for the viscous Burgers equation.

    u_t + u u_x = nu u_xx on [-1, 1] x [0, 1], nu = 0.01/pi,
    u(x, 0) = -sin(pi x), u(-1, t) = u(1, t) = 0.

A 3 x 20 tanh network ``N`` is trained with Adam, then L-BFGS, on the PDE
residual; the initial and boundary conditions hold exactly through the output
transform ``u = -sin(pi x) + t (1 - x^2) N(x, t)`` (hard constraints). The
result is compared with the exact Cole-Hopf solution of
:mod:`kextras_sci.pde.references` (relative L2 error) and a figure of
prediction, reference and error is saved. About a minute of CPU time.

Usage: python examples/demo_pde.py [OUTDIR]
"""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kextras_sci import pde  # noqa: E402
from kextras_sci.pde.references import Burgers1D  # noqa: E402


def hard_constraint(x, y):
    """u = -sin(pi x) + t (1 - x^2) N: u(x, 0) = -sin(pi x) and u(+-1, t) = 0 exactly."""
    xs, t = x[:, :1], x[:, 1:]
    return -tf.sin(np.pi * xs) + t * (1.0 - xs**2) * y


def solve_burgers(adam_steps=2000, lbfgs_iterations=2000, seed=0, verbose=0):
    """Trains the Burgers PINN; returns ``(pinn, reference, lbfgs_result)``."""
    ref = Burgers1D()
    nu = ref.nu
    geom = ref.domain  # SpaceTime(Interval(-1, 1), TimeInterval(0, 1)): columns x, t

    def burgers(u, u_t, u_x, u_xx):
        return u_t + u * u_x - nu * u_xx

    keras.utils.set_random_seed(seed)
    net = keras.Sequential(
        [keras.Input((2,))] + [keras.layers.Dense(20, "tanh") for _ in range(3)] + [keras.layers.Dense(1)]
    )
    pinn = pde.PINN(
        net,
        [pde.PDEResidual(burgers, geom, num_points=2540, method="halton")],
        domain=geom,
        output_transform=hard_constraint,
        seed=seed,
    )
    pinn.compile(keras.optimizers.Adam(1e-3), steps_per_execution=100)
    pinn.fit(epochs=adam_steps // 1000, steps_per_epoch=1000, verbose=verbose)
    result = pde.minimize_lbfgs(pinn, maxiter=lbfgs_iterations, verbose=verbose)
    return pinn, ref, result


def burgers_figure(pinn, ref, path, nx=256, nt=100):
    """Saves prediction / reference / |error| on an x-t grid; returns the relative L2 error."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.linspace(-1, 1, nx)
    t = np.linspace(0, 1, nt)
    X, T = np.meshgrid(x, t, indexing="ij")
    pts = np.stack([X.ravel(), T.ravel()], 1)
    u_ref = ref.solution(pts).reshape(nx, nt)
    u = pinn.predict(pts, verbose=0).reshape(nx, nt)
    err = float(np.linalg.norm(u - u_ref) / np.linalg.norm(u_ref))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.4), constrained_layout=True)
    extent = (0, 1, -1, 1)
    for ax, data, title, cmap in (
        (axes[0], u, "PINN prediction u(x, t)", "RdBu_r"),
        (axes[1], u_ref, "reference (Cole-Hopf)", "RdBu_r"),
        (axes[2], np.abs(u - u_ref), f"|error|, relative L2 = {err:.2e}", "magma"),
    ):
        im = ax.imshow(data, origin="lower", aspect="auto", extent=extent, cmap=cmap)
        ax.set_xlabel("t")
        ax.set_ylabel("x")
        ax.set_title(title)
        fig.colorbar(im, ax=ax)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return err


def main(outdir: Path) -> None:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    start, cpu0 = time.perf_counter(), time.process_time()
    pinn, ref, result = solve_burgers()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu0
    path = outdir / "pde_burgers.png"
    err = burgers_figure(pinn, ref, path)
    print(
        "Burgers (nu = 0.01/pi), 3x20 tanh PINN with hard initial/boundary constraints, "
        f"Adam 2000 steps + L-BFGS {result.iterations} iterations"
    )
    print(f"  final PDE loss {result.loss:.3e}")
    print(f"  relative L2 error vs Cole-Hopf reference: {err:.3e}  ({seconds:.0f} s of training, {cpu:.0f} s CPU)")
    print(f"  figure: {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("demo_output"))
