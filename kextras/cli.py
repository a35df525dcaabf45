"""The ``kextras`` command.

``kextras plugins list [--json]``: installed plugins, from metadata only (imports nothing);
``kextras plugins check [--json] [--traceback]``: loads every plugin and reports; exit 1 if
one fails; ``kextras plugins new NAME [--directory DIR]``: scaffolds a plugin distribution;
``kextras --version``.
"""

from __future__ import annotations

import argparse
import json
import sys

from kextras._discovery import FAILED, INSTALL_HINTS, LOADED, missing_requirements
from kextras.registry import Registry, registry as default_registry


def _hint(name: str, missing: list[str]) -> str:
    if name in INSTALL_HINTS:
        return INSTALL_HINTS[name]
    return "pip install " + " ".join(f'"{m}"' for m in missing) if missing else ""


def _table(rows: list[dict], traceback: bool) -> str:
    columns = ("name", "distribution", "version", "status", "provides")
    cells = [[c.upper() for c in columns]] + [
        [str(len(r[c])) + " objects" if c == "provides" and r["status"] == LOADED else
         (r["target"] if c == "provides" else str(r[c])) for c in columns]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in cells]
    for r in rows:
        missing, hint = r.get("missing_requirements", []), _hint(r["name"], r.get("missing_requirements", []))
        if r["error"]:
            reason = r["error"].rstrip() if traceback else r["error"].strip().splitlines()[-1]
            lines.append(f"\n{r['name']} failed: {reason}")
            if hint and ("ModuleNotFoundError" in r["error"] or missing):
                lines.append(f"  install what it needs: {hint}")
            if not traceback and "Traceback" in r["error"]:
                lines.append("  (kextras plugins check --traceback shows the traceback)")
        elif missing:
            lines.append(f"\nwarning: {r['name']} is loaded, but needs {', '.join(missing)}, which is not installed; "
                         f"some of its features will fail: {hint}")
    return "\n".join(lines)


def _rows(registry: Registry, check: bool) -> list[dict]:
    rows = []
    for _, info in sorted(registry.plugins().items()):
        row = info.as_dict()
        if check:
            row["missing_requirements"] = missing_requirements(info)
        rows.append(row)
    return rows


def _parser() -> argparse.ArgumentParser:
    from kextras import __version__

    parser = argparse.ArgumentParser(prog="kextras", description="kextras plugin ecosystem for Keras 3.")
    parser.add_argument("--version", action="version", version=f"kextras {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    plugins = commands.add_parser("plugins", help="inspect installed plugins, or scaffold a new one")
    actions = plugins.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list plugins from metadata only (imports nothing)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    check = actions.add_parser("check", help="load every plugin and report; exit 1 if one fails")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument("--traceback", action="store_true", help="print the full traceback of a failed plugin")
    new = actions.add_parser("new", help="write a new plugin distribution (pyproject, package with a layer, test)")
    new.add_argument("name", help="the plugin's package name = its Keras package prefix, e.g. kx_demo")
    new.add_argument("--directory", default=".", help="where to create it (default: the current directory)")
    return parser


def main(argv: list[str] | None = None, registry: Registry = default_registry) -> int:
    args = _parser().parse_args(argv)
    if args.action == "new":
        from kextras import _scaffold

        try:
            root = _scaffold.write(args.name, args.directory)
        except (ValueError, FileExistsError) as error:
            print(f"kextras plugins new: {error}", file=sys.stderr)
            return 2
        print(f"created {root}\nnext: pip install -e {root} && pytest {root / 'tests'}")
        return 0
    if args.action == "check":
        import warnings

        import kextras.activations  # noqa: F401  (the core objects)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the report below says it all
            registry.load_all()
    rows = _rows(registry, args.action == "check")
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_table(rows, getattr(args, "traceback", False)) if rows else "no kextras plugins installed")
    return 1 if args.action == "check" and any(r["status"] == FAILED for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
