"""The kextras command, run as a user would (console script in a fresh process)."""

import json
import shutil
import subprocess
import sys


def test_console_script_is_installed():
    assert shutil.which("kextras"), "the `kextras` console script is not on PATH"


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
