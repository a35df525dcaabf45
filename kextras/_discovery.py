"""Plugin discovery from installed metadata: never imports, never raises.

A plugin name (the entry-point name, which is also the Keras package prefix) is one or
more dot-separated parts, each an ASCII letter or ``_`` followed by ASCII letters, digits
or ``_`` (``kx_demo``, ``acme.graph``). Other names (``kxr-dash``, ``kxr_é``), the
reserved names ``kextras``, ``keras`` and ``Custom`` (Keras' default package), and a name
declared by two distributions become ``failed`` entries that say why. A distribution
shadowed by an earlier one of the same name on ``sys.path`` is skipped, as
``importlib.metadata.entry_points()`` does.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import re
import threading
from typing import Any

GROUP = "kextras.plugins"
CORE = "kextras"  # package prefix of kextras itself (activations)
RESERVED = (CORE, "keras", "Custom")
PROTECTED = (CORE, "keras")  # no plugin may register any name under these prefixes

FOUND, LOADING, LOADED, FAILED, DISABLED = "found", "loading", "loaded", "failed", "disabled"

_PART = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME = re.compile(rf"{_PART}(?:\.{_PART})*")
_OBJECT = re.compile(_PART)

# Plugins shipped inside an extra of kextras: the hint printed when one is missing.
EXTRAS = {"kextras_graph": "graph", "kextras_sci": "sci"}
INSTALL_HINTS = {name: f'pip install "kextras[{extra}]"' for name, extra in EXTRAS.items()}


def valid_name(name: Any, dots: bool = True) -> bool:
    """Whether `name` is a valid plugin name (``dots``) or object name (no dots)."""
    return isinstance(name, str) and bool((_NAME if dots else _OBJECT).fullmatch(name))


@dataclasses.dataclass
class PluginInfo:
    """What the registry knows about one plugin.

    Attributes:
        name: entry-point name = Keras package prefix.
        distribution: the distribution that declares it.
        version: that distribution's version.
        target: the entry point value, ``"module:function"``.
        status: ``found``, ``loading``, ``loaded``, ``failed`` or ``disabled``.
        provides: registered names (``"prefix>Name"``), known once loaded.
        error: why it failed (a traceback or a discovery problem), else ``None``.
    """

    name: str
    distribution: str
    version: str
    target: str
    status: str = FOUND
    provides: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    _entry_point: Any = dataclasses.field(default=None, repr=False, compare=False)
    _dist: Any = dataclasses.field(default=None, repr=False, compare=False)
    _loader: int | None = dataclasses.field(default=None, repr=False, compare=False)
    _done: threading.Event = dataclasses.field(default_factory=threading.Event, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "target": self.target,
            "status": self.status,
            "provides": list(self.provides),
            "error": self.error,
        }


def env_list(variable: str) -> set[str]:
    return {item.strip() for item in os.environ.get(variable, "").split(",") if item.strip()}


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _entries(group: str):
    """``(distribution, entry point)`` pairs of `group`, first copy of each distribution only."""
    seen: set[str] = set()
    for dist in importlib.metadata.distributions():
        try:
            dist_name = dist.metadata["Name"] or ""
            if dist_name:
                if _normalize(dist_name) in seen:  # shadowed by an earlier copy on sys.path
                    continue
                seen.add(_normalize(dist_name))
            entry_points = [ep for ep in dist.entry_points if ep.group == group]
        except Exception:  # noqa: BLE001 - unreadable metadata of an unrelated distribution
            continue
        for ep in entry_points:
            yield dist, ep


def _problem(name: str) -> str | None:
    if name in RESERVED:
        return f"the plugin name {name!r} is reserved (kextras, keras, Custom)"
    if not valid_name(name):
        return (f"the plugin name {name!r} is not a valid package prefix: dot-separated parts of ASCII "
                "letters, digits and underscores, not starting with a digit")
    return None


def discover(group: str, disabled: set[str]) -> dict[str, PluginInfo]:
    """Every plugin of `group` by name; problems become ``failed`` entries."""
    found: dict[str, PluginInfo] = {}
    for dist, ep in _entries(group):
        info = PluginInfo(
            name=ep.name,
            distribution=dist.metadata["Name"] or "?",
            version=dist.version or "?",
            target=ep.value,
            status=DISABLED if ep.name in disabled else FOUND,
            _entry_point=ep,
            _dist=dist,
        )
        problem = _problem(ep.name)
        other = found.get(ep.name)
        if other is not None:
            info.distribution = f"{other.distribution}, {info.distribution}"
            info.version = f"{other.version}, {info.version}"
            problem = (f"two distributions declare the kextras plugin {ep.name!r}: {other.distribution} "
                       f"{other.version} ({other.target}) and {dist.metadata['Name']} {dist.version} "
                       f"({ep.value}); uninstall one of them")
        if problem:
            info.status, info.error = FAILED, f"Discovery: {problem}."
        found[ep.name] = info
    return found


def missing_requirements(info: PluginInfo) -> list[str]:
    """Requirements of `info`'s distribution that are not installed.

    Its unconditional requirements and, for the plugins kextras ships, those of their extra
    (``kextras_sci`` needs ``kextras[sci]``: PyWavelets, SciPy).
    """
    extra = EXTRAS.get(info.name)
    # A requirement named like a module is met by any distribution providing that module:
    # keras-nightly and tf-nightly provide `keras` and `tensorflow`.
    providers = importlib.metadata.packages_distributions()
    missing = []
    for requirement in (getattr(info._dist, "requires", None) or []):
        spec, _, marker = requirement.partition(";")
        marker = marker.replace("'", '"').replace(" ", "")
        if marker and (extra is None or marker != f'extra=="{extra}"'):
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
        if not match:
            continue
        try:
            importlib.metadata.distribution(match.group(1))
        except importlib.metadata.PackageNotFoundError:
            if not providers.get(match.group(1).lower().replace("-", "_")):
                missing.append(spec.strip())
    return missing
