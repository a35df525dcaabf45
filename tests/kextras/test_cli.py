"""The kextras command, run as a user would (console script in a fresh process)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import kextras


def kextras_script():
    """The console script next to the running interpreter (a venv's bin/ need not be on PATH)."""
    script = Path(sys.executable).parent / ("kextras.exe" if os.name == "nt" else "kextras")
    return script if script.exists() else shutil.which("kextras")


def test_console_script_is_installed():
    script = kextras_script()
    assert script, f"no `kextras` console script next to {sys.executable} or on PATH"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == f"kextras {kextras.__version__}", result.stderr


def test_list_reads_metadata_only(run_python):
    code = (
        "import sys, kextras.cli; rc = kextras.cli.main(['plugins', 'list', '--json']);"
        "assert not [m for m in sys.modules if m.startswith(('tensorflow', 'keras', 'kx_', 'kextras_'))], 'imported';"
        "sys.exit(rc)"
    )
    rows = {row["name"]: row for row in json.loads(run_python(code).stdout)}
    assert rows["kx_demo"] == {
        "name": "kx_demo", "distribution": "kx-demo-plugin", "version": "1.2.3", "target": "kx_demo:register",
        "status": "found", "provides": [], "error": None,
    }
    assert rows["kx_import_error"]["status"] == "found"  # listing never imports
    assert {"kextras_graph", "kextras_sci"} <= set(rows)


def test_list_shows_disabled(run_python):
    out = run_python("import kextras.cli; kextras.cli.main(['plugins', 'list'])",
                     env={"KEXTRAS_DISABLE_PLUGINS": "kx_demo"}).stdout
    line = next(line for line in out.splitlines() if line.startswith("kx_demo "))
    assert line.split()[:4] == ["kx_demo", "kx-demo-plugin", "1.2.3", "disabled"]


def test_check_loads_everything_and_reports_failures(run_python):
    result = run_python("import sys, kextras.cli; sys.exit(kextras.cli.main(['plugins', 'check', '--json']))",
                        check=False)
    assert result.returncode == 1
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["kx_demo"]["status"] == "loaded"
    assert rows["kx_demo"]["provides"] == ["kx_demo>Scale", "kx_demo>softer"]
    assert rows["kx_import_error"]["status"] == "failed"
    assert "ModuleNotFoundError" in rows["kx_import_error"]["error"]
    text = run_python("import sys, kextras.cli; sys.exit(kextras.cli.main(['plugins', 'check']))", check=False).stdout
    assert "kx_register_error failed:" in text and "exploded on purpose" in text


def test_bad_command_exits_with_usage():
    result = subprocess.run([sys.executable, "-m", "kextras.cli", "plugins", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice: 'frobnicate'" in result.stderr


BLOCK = """
import importlib.abc, importlib.metadata, sys
HIDDEN = set(sys.argv[1].split(","))
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
real = importlib.metadata.distribution
def distribution(name):
    if name.lower() in HIDDEN | {"pywavelets"} and "pywt" in HIDDEN:
        raise importlib.metadata.PackageNotFoundError(name)
    return real(name)
importlib.metadata.distribution = distribution
import kextras.cli
sys.exit(kextras.cli.main(["plugins", "check", *sys.argv[2:]]))
"""


def test_check_warns_when_an_optional_dependency_is_missing(run_python):
    # PyWavelets hidden (import and metadata): kextras_sci still loads, and check says what to install
    result = run_python(BLOCK, "pywt", check=False)
    assert "warning: kextras_sci is loaded, but needs pywavelets>=1.5, which is not installed" in result.stdout
    assert 'pip install "kextras[sci]"' in result.stdout
    rows = {r["name"]: r for r in json.loads(run_python(BLOCK, "pywt", "--json", check=False).stdout)}
    assert rows["kextras_sci"]["status"] == "loaded"
    assert rows["kextras_sci"]["missing_requirements"] == ["pywavelets>=1.5"]
    assert rows["kextras_graph"]["missing_requirements"] == []


def test_check_shows_the_install_hint_not_a_traceback(run_python):
    result = run_python(BLOCK, "scipy", check=False)
    assert result.returncode == 1
    report = result.stdout.split("kextras_sci failed: ", 1)[1]
    assert report.startswith("ModuleNotFoundError: No module named 'scipy")
    assert 'install what it needs: pip install "kextras[sci]"' in report
    assert "Traceback" not in result.stdout and "File \"" not in result.stdout
    full = run_python(BLOCK, "scipy", "--traceback", check=False).stdout
    assert "Traceback (most recent call last)" in full


def test_version():
    result = subprocess.run([sys.executable, "-m", "kextras.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"kextras {kextras.__version__}"
