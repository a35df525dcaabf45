"""The Python blocks of README.md and docs/, with their markers.

A block is run unless the HTML comment line just above its fence says otherwise:

* ``<!-- docs-test: skip REASON -->``: an illustration (it needs a file or a service);
* ``<!-- docs-test: slow -->``: the page runs only with ``-m slow``;
* ``<!-- docs-test: quick "OLD" "NEW" ["OLD2" "NEW2" ...] -->``: the default run replaces
  each OLD by its NEW (a smaller setting, e.g. fewer epochs); ``-m slow`` runs the block as
  written.

The blocks of one page run in order in one fresh process, so that they build on each other.
"""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!--\s*docs-test:\s*(skip|slow|quick)\b(.*?)-->\s*$")


def page_blocks(path):
    """``[(code, marker, argument)]`` of the ``python`` blocks of a markdown page."""
    blocks, language, lines, marker, previous = [], None, [], (None, ""), ""
    for line in Path(path).read_text(encoding="utf-8").splitlines(keepends=True):
        stripped = line.strip()
        if language is None and stripped.startswith("```"):
            language, lines = stripped[3:].strip(), []
            match = MARKER.match(previous)
            marker = (match.group(1), match.group(2).strip()) if match else (None, "")
        elif language is not None and stripped == "```":
            if language == "python":
                blocks.append(("".join(lines), *marker))
            language = None
        elif language is not None:
            lines.append(line)
        if stripped:
            previous = stripped
    return blocks


def quick(path, code, argument):
    """``code`` with each ``OLD`` of a quick marker's ``"OLD" "NEW" ...`` replaced by its ``NEW``."""
    words = shlex.split(argument)
    if not words or len(words) % 2:
        raise AssertionError(f"{path}: a quick marker needs pairs \"OLD\" \"NEW\", got {argument!r}")
    for old, new in zip(words[::2], words[1::2]):
        if old not in code:
            raise AssertionError(f"{path}: the quick marker's {old!r} is not in its block")
        code = code.replace(old, new)
    return code


def page_program(path, slow):
    """The page's blocks as one program, and whether the page needs ``-m slow``."""
    parts, page_is_slow = [], False
    for code, marker, argument in page_blocks(path):
        if marker == "skip":
            continue
        if marker == "slow":
            page_is_slow = True
        if marker == "quick" and not slow:
            code = quick(path, code, argument)
        parts.append(code)
    return "\n".join(parts), page_is_slow


def pages():
    return [ROOT / "README.md"] + sorted(p for p in (ROOT / "docs").rglob("*.md") if "javascripts" not in p.parts)
