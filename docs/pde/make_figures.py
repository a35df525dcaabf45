"""Regenerates docs/pde/img/burgers.png by running the getting-started code verbatim.

Usage: python docs/pde/make_figures.py
The measured error and time are written into getting-started.md (line RESULT_LINE /
"Measured: ...").
"""

import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "examples"))


def main():
    page = HERE / "getting-started.md"
    text = page.read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    start, cpu0 = time.perf_counter(), time.process_time()
    exec(compile(code.replace("pinn.fit(epochs", "pinn.fit(verbose=2, epochs"), str(page), "exec"), namespace)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    from demo_pde import burgers_figure

    (HERE / "img").mkdir(exist_ok=True)
    err = burgers_figure(namespace["pinn"], namespace["ref"], HERE / "img" / "burgers.png")
    line = (
        f"Measured: relative L2 error **{err:.2e}** on a 256 x 100 grid against the Cole-Hopf "
        f"reference ({cpu:.0f} s CPU time, {wall:.0f} s wall on a shared 2-core machine)."
    )
    text = re.sub(r"^(RESULT_LINE|Measured: .*)$", line, text, flags=re.M)
    page.write_text(text)
    print(line)


if __name__ == "__main__":
    main()
