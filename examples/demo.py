"""The kextras demo (`make demo`): every package's part in turn.

Usage: python examples/demo.py [OUTDIR]   (figures go to OUTDIR, default demo_output/)
"""

import importlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kextras._quiet import quiet_tensorflow  # noqa: E402

quiet_tensorflow()  # TensorFlow's start-up log lines and Keras' `shuffle=True` warning

PARTS = ["demo_core", "demo_graph", "demo_wavelets", "demo_pde"]


def main(outdir: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        if not (Path(__file__).parent / f"{part}.py").exists():
            continue
        print(f"\n=== {part.removeprefix('demo_')} ===", flush=True)
        start = time.perf_counter()
        importlib.import_module(part).main(outdir)
        print(f"({time.perf_counter() - start:.1f} s)", flush=True)
    print(f"\nfigures written to {outdir.resolve()}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "demo_output"))
