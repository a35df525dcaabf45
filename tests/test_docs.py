"""The documentation site builds without a single warning, renders its maths offline in a
headless Chromium, and every notebook runs."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built by ``mkdocs build --strict``, and its output."""
    directory = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(directory)],
                            cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    return directory, result


def test_mkdocs_builds_strict(site):
    _, result = site
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output, output


def test_site_loads_nothing_from_the_network(site):
    directory, _ = site
    page = (directory / "activations" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert any("katex.min.js" in s for s in sources) and any("katex.min.css" in s for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_maths_renders_in_headless_chromium(site, tmp_path):
    directory, _ = site
    page = directory / "activations" / "index.html"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         f"--user-data-dir={tmp_path}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    dom = result.stdout
    assert "<body" in dom, result.stderr[-2000:]
    spans = re.findall(r'class="arithmatex"', dom)
    rendered = re.findall(r'class="katex-display"|class="katex"', dom)
    assert len(spans) >= 10 and len(rendered) >= len(spans), (len(spans), len(rendered))
    assert "katex-error" not in dom
    assert "\\(" not in dom.split("<article", 1)[-1]  # no raw TeX delimiter left in the page body


def test_every_notebook_is_tested():
    assert NOTEBOOKS, "docs/notebooks holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
