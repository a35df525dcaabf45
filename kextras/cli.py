"""The ``kextras`` command: ``kextras plugins list [--json]`` and ``kextras plugins check``."""

from __future__ import annotations

import argparse
import json
import sys

from kextras.registry import FAILED, Registry, registry as default_registry


def _table(rows: list[dict]) -> str:
    columns = ("name", "distribution", "version", "status", "provides")
    cells = [[c.upper() for c in columns]] + [
        [str(len(r[c])) + " objects" if c == "provides" and r["status"] == "loaded" else
         (r["target"] if c == "provides" else str(r[c])) for c in columns]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in cells]
    for r in rows:
        if r["error"]:
            lines.append(f"\n{r['name']} failed:\n{r['error'].rstrip()}")
    return "\n".join(lines)


def _rows(registry: Registry) -> list[dict]:
    return [info.as_dict() for _, info in sorted(registry.plugins().items())]


def main(argv: list[str] | None = None, registry: Registry = default_registry) -> int:
    parser = argparse.ArgumentParser(prog="kextras", description="kextras plugin ecosystem for Keras 3.")
    commands = parser.add_subparsers(dest="command", required=True)
    plugins = commands.add_parser("plugins", help="inspect installed plugins")
    actions = plugins.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list plugins from metadata only (imports nothing)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    check = actions.add_parser("check", help="load every plugin and report; exit 1 if one fails")
    check.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)

    if args.action == "check":
        import kextras.activations  # noqa: F401  (the core objects)

        registry.load_all()
    rows = _rows(registry)
    print(json.dumps(rows, indent=2) if args.json else (_table(rows) if rows else "no kextras plugins installed"))
    return 1 if args.action == "check" and any(r["status"] == FAILED for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
