"""Every Python block of README.md and docs/ runs (markers and the page order: docs_snippets)."""

import subprocess
import sys

import pytest
from docs_snippets import ROOT, page_blocks, page_program, pages, quick

DRIVER = r"""
import sys, traceback
from kextras._quiet import quiet_tensorflow
quiet_tensorflow()
namespace = {"__name__": "__main__"}
for index, code in enumerate(BLOCKS):
    try:
        exec(compile(code, f"{PAGE} block {index + 1}", "exec"), namespace)
    except BaseException:
        print(f"DOCS-BLOCK-FAILED {index + 1}", flush=True)
        traceback.print_exc()
        sys.exit(1)
"""

# Pages of other areas whose blocks fail today: (1-based index of the failing runnable block,
# a line of the error). Strict: once the page runs, this test fails until the entry is removed.
KNOWN = {
}
# Pages of other areas that train for minutes and have no marker yet: run with -m slow only.
SLOW_PAGES = {"docs/graph/molecules.md"}

PAGES = [p for p in pages() if p.name != "writing-a-plugin.md"]  # tests/test_docs_plugin.py builds that one


def runnable(path, slow):
    """The page's runnable blocks (after markers), and whether the page is slow."""
    program, page_is_slow = page_program(path, slow)
    blocks = []
    for code, marker, argument in page_blocks(path):
        if marker == "skip":
            continue
        if marker == "quick" and not slow:
            code = quick(path, code, argument)
        blocks.append(code)
    return blocks, page_is_slow


def _params():
    for path in PAGES:
        name = path.relative_to(ROOT).as_posix()
        blocks, slow = runnable(path, slow=False)
        slow = slow or name in SLOW_PAGES
        if blocks:
            yield pytest.param(path, id=name, marks=[pytest.mark.slow] if slow else [])
        if blocks and not slow and any(marker == "quick" for _, marker, _ in page_blocks(path)):
            yield pytest.param(path, id=f"{name}:as-written", marks=[pytest.mark.slow])  # -m slow: no quick


@pytest.mark.parametrize("path", list(_params()))
def test_page_blocks_run(path, tmp_path, request):
    slow = request.node.get_closest_marker("slow") is not None
    blocks, _ = runnable(path, slow)
    name = path.relative_to(ROOT).as_posix()
    code = f"PAGE = {name!r}\nBLOCKS = {blocks!r}\n" + DRIVER
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=900)
    failed = next((int(line.split()[1]) for line in result.stdout.splitlines()
                   if line.startswith("DOCS-BLOCK-FAILED")), None)
    if name in KNOWN:
        index, error = KNOWN[name]
        assert failed == index and error in result.stderr, (
            f"{name}: expected block {index} to fail with {error!r}; it {'passed' if failed is None else f'failed at block {failed}'}"
            f" (update KNOWN):\n{result.stderr[-3000:]}")
        return
    assert result.returncode == 0, f"{name}, block {failed}:\n{result.stderr[-4000:]}"


def test_markers_are_used_sparingly():
    skipped = [(p.name, a) for p in PAGES for _, m, a in page_blocks(p) if m == "skip"]
    assert all(reason for _, reason in skipped), skipped  # each skip says why
    assert len(skipped) <= 6, skipped
