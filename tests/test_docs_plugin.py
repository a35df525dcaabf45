"""docs/writing-a-plugin.md works verbatim, and `kextras plugins new` scaffolds the same plugin."""

import subprocess
import sys
from pathlib import Path

from plugin_tools import check_plugin_distribution, markdown_blocks

from kextras import _scaffold

PAGE = Path(__file__).resolve().parents[1] / "docs" / "writing-a-plugin.md"


def page_files_and_uses():
    files, uses = {}, []
    for language, code in markdown_blocks(PAGE):
        first = code.partition("\n")[0]
        if first.startswith("# ") and "/" in first or first == "# pyproject.toml":
            files[first[2:]] = code
        elif language == "python":
            uses.append(code)
    return files, uses


def test_page_shows_exactly_what_the_scaffold_writes():
    files, uses = page_files_and_uses()
    assert files == _scaffold.files("kx_demo")
    assert len(uses) == 2


def test_page_verbatim_builds_installs_tests_saves_and_reloads(tmp_path):
    files, uses = page_files_and_uses()
    project = tmp_path / "kx-demo"
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    check_plugin_distribution(project, "kx_demo", work, uses)
    assert (work / "scale.keras").exists()


def test_plugins_new_scaffolds_a_working_distribution(tmp_path):
    script = Path(sys.executable).parent / "kextras"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kextras.cli"]
    result = subprocess.run([*command, "plugins", "new", "kx_hello", "--directory", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "kx-hello"
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [
        "kx_hello/__init__.py", "pyproject.toml", "tests/test_kx_hello.py"]
    again = subprocess.run([*command, "plugins", "new", "kx_hello", "--directory", str(tmp_path)],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = subprocess.run([*command, "plugins", "new", "kx-hello"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Received: name='kx-hello'" in bad.stderr
    work = tmp_path / "work"
    work.mkdir()
    _, uses = page_files_and_uses()
    check_plugin_distribution(project, "kx_hello", work, [code.replace("kx_demo", "kx_hello") for code in uses])
