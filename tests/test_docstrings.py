"""Docstrings render right in the API reference: an ``Args:`` section lists one parameter per
line (``name: description``), in every public module of the three packages."""

import importlib
import inspect
import pkgutil
import re

import pytest

PACKAGES = ("kextras", "kextras_graph", "kextras_sci")
SECTION = re.compile(r"^(\s*)(Args|Arguments|Parameters|Attributes):\s*$")


def public_objects(package):
    """(qualified name, object) of every public function, class and method defined in `package`."""
    root = importlib.import_module(package)
    modules = [root] + [importlib.import_module(info.name) for info in pkgutil.walk_packages(root.__path__, package + ".")
                        if not any(part.startswith("_") for part in info.name.split("."))]
    seen = set()
    for module in modules:
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith(package) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{obj.__module__}.{obj.__qualname__}", obj
            if inspect.isclass(obj):
                for member_name, member in vars(obj).items():
                    if inspect.isfunction(member) and (not member_name.startswith("_") or member_name == "__init__"):
                        yield f"{obj.__module__}.{obj.__qualname__}.{member_name}", member


def args_problems(obj):
    """Lines of `obj`'s Args sections that hold more than one parameter."""
    doc = inspect.getdoc(obj) or ""
    try:
        names = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    except (TypeError, ValueError):
        names = []
    problems, indent, entry = [], None, None
    for line in doc.splitlines():
        match = SECTION.match(line)
        if match:
            indent, entry = len(match.group(1)), None
            continue
        if indent is None or not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth <= indent:
            indent = None
            continue
        entry = depth if entry is None else entry
        if depth != entry:
            continue  # a continuation line
        head, sep, rest = line.strip().partition(":")
        if not sep or not re.fullmatch(r"\*{0,2}\w+(\s*\(.*\))?", head.strip()):
            problems.append(line.strip())
        elif any(re.search(rf"(^|[.;,]\s+|\s){re.escape(n)}:\s", rest) for n in names if n != head.strip()):
            problems.append(line.strip())
    return problems


@pytest.mark.parametrize("package", PACKAGES)
def test_args_sections_list_one_parameter_per_line(package):
    problems = {name: lines for name, obj in public_objects(package) if (lines := args_problems(obj))}
    assert not problems, "\n".join(f"{name}: {lines}" for name, lines in sorted(problems.items()))


def test_the_check_catches_grouped_parameters():
    def grouped(units, K, activation=None, use_bias=True):
        """Doc.

        Args:
            units: output size. K: filter size.
            activation, use_bias: as Dense.
        """

    def fine(units, K):
        """Doc.

        Args:
            units: output size; see ``K``.
            K: filter size,
                continued: here.
        """

    assert args_problems(grouped) == ["units: output size. K: filter size.", "activation, use_bias: as Dense."]
    assert args_problems(fine) == []
