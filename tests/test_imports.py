"""The dependency direction of DESIGN.md: core imports no add-on, add-ons never import each other."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "kextras": {"kextras_graph", "kextras_sci"},
    "kextras_graph": {"kextras_sci"},
    "kextras_sci": {"kextras_graph"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): sorted(imported_packages(f) & FORBIDDEN[package]) for f in files}
    assert not {f: names for f, names in offenders.items() if names}


def test_import_kextras_is_cheap():
    code = "import sys, kextras; print(sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow', 'kextras_graph', 'kextras_sci')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
