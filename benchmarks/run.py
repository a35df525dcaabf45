"""Run every benchmark script (benchmarks/bench_*.py); each prints JSON lines.

Usage: python benchmarks/run.py [--quick] [NAME_FILTER ...]
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    quick = [a for a in argv if a == "--quick"]
    filters = [a for a in argv if a != "--quick"]
    scripts = sorted(p for p in HERE.glob("bench_*.py") if not filters or any(f in p.stem for f in filters))
    failed = []
    for script in scripts:
        print(f"# {script.name}", file=sys.stderr, flush=True)
        if subprocess.run([sys.executable, str(script), *quick]).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"# failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
