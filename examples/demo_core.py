"""Core demo: the installed plugins and the activations, in a model saved and reloaded."""

from pathlib import Path

import keras
import numpy as np

import kextras
from kextras.activations import MArcsinh, hyper_sinh, m_arcsinh


def main(outdir: Path) -> None:
    print("installed kextras plugins (metadata only, nothing imported):")
    for name, info in sorted(kextras.registry.plugins().items()):
        print(f"  {name:16s} {info.distribution} {info.version:8s} {info.status}")

    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0], "float32")
    print("x          ", x)
    print("hyper_sinh ", np.round(hyper_sinh(x).numpy(), 4))
    print("m_arcsinh  ", np.round(m_arcsinh(x).numpy(), 4))

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation=hyper_sinh), MArcsinh(),
                              keras.layers.Dense(1)])
    path = outdir / "activations.keras"
    model.save(path)
    batch = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    reloaded = kextras.load_model(path)
    print("saved and reloaded with kextras.load_model; max |difference| =",
          float(np.abs(model(batch) - reloaded(batch)).max()))

    kextras.registry.load_all()
    for name, info in sorted(kextras.registry.plugins().items()):
        print(f"  {name:16s} {info.status:8s} provides {len(info.provides)} objects"
              + (f"  ERROR: {info.error.strip().splitlines()[-1]}" if info.error else ""))

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    grid = np.linspace(-4, 4, 401).astype("float32")
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for fn in (hyper_sinh, m_arcsinh):
        ax.plot(grid, fn(grid).numpy(), label=fn.__name__)
    ax.plot(grid, np.tanh(grid), "--", label="tanh")
    ax.set(xlabel="x", ylabel="f(x)", ylim=(-4, 4), title="kextras activations")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(outdir / "activations.png", dpi=120)
    print("saved", outdir / "activations.png")
