"""The plugin registry: discovers, loads and records kextras add-ons.

An add-on is a distribution that declares an entry point in the group
``kextras.plugins``. The entry point's *name* is the Keras serialization package
prefix its objects are saved under (``kextras_graph>GCNConv`` belongs to the plugin
``kextras_graph``); its *value* names a ``register(registry)`` function that adds
objects with :meth:`PluginContext.add`.

Discovery reads entry-point metadata only, on first use, and is cached until
:meth:`Registry.refresh`. A plugin is imported when one of its names is requested
(:meth:`Registry.get`, :func:`kextras.load_model`), by :meth:`Registry.load`, or
by :meth:`Registry.load_all`. A broken plugin is recorded with its traceback, warned
about once, and raised only when it is requested; the others are unaffected.

Environment switches (read at discovery):

* ``KEXTRAS_NO_AUTOLOAD=1``: nothing is imported implicitly; name lookups and
  :func:`kextras.load_model` only see plugins loaded explicitly with :meth:`Registry.load`.
* ``KEXTRAS_DISABLE_PLUGINS=a,b``: these plugins are listed as ``disabled`` and never loaded.
* ``KEXTRAS_REQUIRE_PLUGINS=a,b``: these plugins are loaded at discovery; a missing or
  broken one raises :class:`PluginError` at once (fail fast).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import re
import threading
import traceback
import warnings
from typing import Any, Callable, Iterable

GROUP = "kextras.plugins"
CORE = "kextras"  # package prefix reserved for kextras itself (activations)

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
# Distributions whose plugins ship inside an extra: the hint printed when one is missing.
_INSTALL_HINTS = {
    "kextras_graph": 'pip install "kextras[graph]"',
    "kextras_sci": 'pip install "kextras[sci]"',
}

FOUND, LOADING, LOADED, FAILED, DISABLED = "found", "loading", "loaded", "failed", "disabled"


class PluginError(RuntimeError):
    """A plugin is missing, disabled, broken, or conflicts with another one."""


class PluginWarning(UserWarning):
    """Emitted once when a plugin fails to load."""


@dataclasses.dataclass
class PluginInfo:
    """What the registry knows about one plugin.

    Attributes:
        name: entry-point name = Keras package prefix.
        distribution: the distribution that declares it.
        version: that distribution's version.
        target: the entry point value, ``"module:function"``.
        status: ``found``, ``loaded``, ``failed`` or ``disabled``.
        provides: registered names (``"prefix>Name"``), known once loaded.
        error: the traceback of a failed load, else ``None``.
    """

    name: str
    distribution: str
    version: str
    target: str
    status: str = FOUND
    provides: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    _entry_point: Any = dataclasses.field(default=None, repr=False, compare=False)

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


def _env_list(variable: str) -> set[str]:
    return {item.strip() for item in os.environ.get(variable, "").split(",") if item.strip()}


def _env_flag(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() not in ("", "0", "false", "no")


class PluginContext:
    """The object a plugin's ``register(registry)`` receives.

    Every object is registered with Keras under the plugin's own package prefix.
    """

    def __init__(self, registry: "Registry", info: PluginInfo):
        self._registry = registry
        self.info = info

    @property
    def name(self) -> str:
        return self.info.name

    def add(self, *objects: Any, name: str | None = None) -> None:
        """Register classes or functions as ``"<plugin>>" + (name or obj.__name__)``.

        Raises:
            PluginError: when the name is already registered by anyone.
        """
        if name is not None and len(objects) != 1:
            raise ValueError(f"`name` can only be given with a single object. Received {len(objects)} objects.")
        for obj in objects:
            self._registry._add(self.info, obj, name or getattr(obj, "__name__", None))


class Registry:
    """Plugin discovery, loading and the table of registered names."""

    def __init__(self, group: str = GROUP):
        self.group = group
        self._lock = threading.RLock()
        self._plugins: dict[str, PluginInfo] | None = None
        self._objects: dict[str, tuple[Any, str]] = {}  # "prefix>Name" -> (obj, distribution)
        self._warned: set[str] = set()

    # ----------------------------------------------------------------- discovery
    def plugins(self) -> dict[str, PluginInfo]:
        """All discovered plugins by name (metadata only; nothing is imported)."""
        with self._lock:
            if self._plugins is None:
                self._plugins = self._discover()
                for name in sorted(_env_list("KEXTRAS_REQUIRE_PLUGINS")):
                    self.require(name)
            return dict(self._plugins)

    def refresh(self) -> dict[str, PluginInfo]:
        """Forget the discovery cache (loaded plugins stay loaded) and discover again."""
        with self._lock:
            previous = self._plugins or {}
            self._plugins = None
            plugins = self.plugins()
            for name, info in plugins.items():
                old = previous.get(name)
                if old is not None and old.status in (LOADED, FAILED) and old.target == info.target:
                    plugins[name] = self._plugins[name] = old
            return plugins

    def _discover(self) -> dict[str, PluginInfo]:
        disabled = _env_list("KEXTRAS_DISABLE_PLUGINS")
        found: dict[str, PluginInfo] = {}
        seen: set[tuple[str, str, str]] = set()
        for dist in importlib.metadata.distributions():
            dist_name = dist.metadata["Name"] or "?"
            for ep in dist.entry_points:
                if ep.group != self.group:
                    continue
                key = (dist_name.lower().replace("-", "_"), ep.name, ep.value)
                if key in seen:  # the same distribution seen twice on sys.path
                    continue
                seen.add(key)
                if ep.name == CORE or not _NAME_RE.match(ep.name):
                    raise PluginError(
                        f"Distribution {dist_name!r} declares a kextras plugin named {ep.name!r}, which is "
                        f"{'reserved for kextras itself' if ep.name == CORE else 'not a valid package prefix'}."
                    )
                if ep.name in found:
                    other = found[ep.name]
                    raise PluginError(
                        f"Two distributions declare the kextras plugin {ep.name!r}: "
                        f"{other.distribution} {other.version} ({other.target}) and "
                        f"{dist_name} {dist.version} ({ep.value}). Uninstall one of them."
                    )
                found[ep.name] = PluginInfo(
                    name=ep.name,
                    distribution=dist_name,
                    version=dist.version,
                    target=ep.value,
                    status=DISABLED if ep.name in disabled else FOUND,
                    _entry_point=ep,
                )
        return found

    # ------------------------------------------------------------------- loading
    @property
    def autoload(self) -> bool:
        """False when ``KEXTRAS_NO_AUTOLOAD`` is set: no implicit imports."""
        return not _env_flag("KEXTRAS_NO_AUTOLOAD")

    def load(self, name: str, _register: Callable[[PluginContext], None] | None = None) -> PluginInfo:
        """Import plugin `name` and run its ``register``; return its info.

        Raises:
            PluginError: the plugin is not installed, disabled, or failed to load.
        """
        with self._lock:
            info = self.plugins().get(name)
            if info is None:
                if _register is None:
                    raise PluginError(self._missing_message(name))
                # Imported from a source tree without installed metadata.
                info = PluginInfo(name, "(not installed)", "?", repr(_register))
                self._plugins[name] = info
            if info.status in (LOADED, LOADING):
                return info
            if info.status == DISABLED:
                raise PluginError(
                    f"The kextras plugin {name!r} ({info.distribution}) is disabled by "
                    f"KEXTRAS_DISABLE_PLUGINS={os.environ.get('KEXTRAS_DISABLE_PLUGINS', '')!r}."
                )
            if info.status == FAILED:
                raise PluginError(self._failed_message(info))
            info.status = LOADING
            added_before = set(self._objects)
            try:
                register = _register or info._entry_point.load()
                if not callable(register):
                    raise TypeError(
                        f"The entry point {info.target!r} must name a callable register(registry); "
                        f"it names a {type(register).__name__}."
                    )
                register(PluginContext(self, info))
            except Exception:  # noqa: BLE001 - any failure in third-party code is recorded
                for key in set(self._objects) - added_before:
                    self._forget(key)
                info.status, info.error, info.provides = FAILED, traceback.format_exc(), []
                if name not in self._warned:
                    self._warned.add(name)
                    warnings.warn(
                        f"kextras plugin {name!r} from {info.distribution} {info.version} failed to load; "
                        f"the other plugins are unaffected. {info.error.strip().splitlines()[-1]}",
                        PluginWarning,
                        stacklevel=2,
                    )
                raise PluginError(self._failed_message(info)) from None
            info.status = LOADED
            return info

    def load_all(self) -> dict[str, PluginInfo]:
        """Load every discovered, enabled plugin; failures are recorded, not raised."""
        plugins = self.plugins()
        for name, info in plugins.items():
            if info.status == FOUND:
                try:
                    self.load(name)
                except PluginError:
                    pass
        return self.plugins()

    def require(self, name: str) -> PluginInfo:
        """Load `name` now, raising :class:`PluginError` if it is missing, disabled or broken."""
        return self.load(name)

    def _missing_message(self, name: str) -> str:
        hint = _INSTALL_HINTS.get(name, f"the distribution that provides the {name!r} kextras plugin")
        installed = ", ".join(sorted(self._plugins or {})) or "none"
        return f"No kextras plugin named {name!r} is installed (installed: {installed}). Install it: {hint}."

    @staticmethod
    def _failed_message(info: PluginInfo) -> str:
        hint = _INSTALL_HINTS.get(info.name)
        extra = f" If a dependency is missing: {hint}." if hint and "ModuleNotFoundError" in (info.error or "") else ""
        return (
            f"The kextras plugin {info.name!r} from {info.distribution} {info.version} "
            f"({info.target}) failed to load.{extra}\n{info.error}"
        )

    # -------------------------------------------------------- registered objects
    def _add(self, info: PluginInfo, obj: Any, name: str | None) -> None:
        import keras

        if not (isinstance(obj, type) or callable(obj)) or not name or not _NAME_RE.match(name):
            raise TypeError(
                f"Plugin {info.name!r} can register classes and functions with a valid name only. "
                f"Received: {obj!r} (name={name!r})"
            )
        key = f"{info.name}>{name}"
        owner = self._objects.get(key)
        if owner is not None and owner[0] is not obj:
            raise PluginError(f"{key!r} is registered twice: by {owner[1]} and by {info.distribution}.")
        existing = keras.saving.get_custom_objects().get(key)
        if owner is None and existing is not None and existing is not obj:
            raise PluginError(
                f"{key!r} is already registered with Keras by {getattr(existing, '__module__', '?')} "
                f"(outside kextras); {info.distribution} cannot register it again."
            )
        keras.saving.register_keras_serializable(package=info.name, name=name)(obj)
        self._objects[key] = (obj, info.distribution)
        if key not in info.provides:
            info.provides.append(key)

    def _forget(self, key: str) -> None:
        import keras

        self._objects.pop(key)
        keras.saving.get_custom_objects().pop(key, None)

    def get(self, key: str) -> Any:
        """The object registered as ``"prefix>Name"``, loading its plugin if needed."""
        if key not in self._objects:
            prefix, sep, _ = key.partition(">")
            if not sep:
                raise ValueError(f'`key` must look like "prefix>Name". Received: key={key!r}')
            self.ensure([prefix])
        try:
            return self._objects[key][0]
        except KeyError:
            raise KeyError(f"{key!r} is not provided by the loaded plugin {key.partition('>')[0]!r}.") from None

    def ensure(self, prefixes: Iterable[str]) -> None:
        """Load the plugins named by `prefixes` (honours ``KEXTRAS_NO_AUTOLOAD``)."""
        for prefix in prefixes:
            if prefix == CORE:
                import kextras.activations  # noqa: F401  (registers the core objects)

                continue
            info = self.plugins().get(prefix)
            if info is not None and info.status in (LOADED, LOADING):
                continue
            if not self.autoload:
                raise PluginError(
                    f"The kextras plugin {prefix!r} is needed but not loaded, and KEXTRAS_NO_AUTOLOAD is set: "
                    f"call kextras.registry.load({prefix!r}) first."
                )
            self.load(prefix)

    def custom_objects(self, prefixes: Iterable[str] | None = None) -> dict[str, Any]:
        """``{"prefix>Name": object}`` for Keras' ``custom_objects=``.

        Loads the plugins named by `prefixes` (all enabled plugins when ``None``).
        """
        import keras

        if prefixes is None:
            loaded = self.load_all()
            selected = {CORE} | {name for name, info in loaded.items() if info.status == LOADED}
        else:
            selected = set(prefixes)
        self.ensure(selected)
        core = {k: v for k, v in keras.saving.get_custom_objects().items() if k.startswith(CORE + ">")}
        objects = {key: obj for key, (obj, _) in self._objects.items()}
        return {key: obj for key, obj in {**core, **objects}.items() if key.partition(">")[0] in selected}

    def _add_core(self, obj: Any) -> None:
        """Register an object of kextras itself under the ``kextras`` prefix."""
        self._add(_CORE_INFO, obj, obj.__name__)


_CORE_INFO = PluginInfo(CORE, "kextras", "", "kextras", status=LOADED)


registry = Registry()

plugins = registry.plugins
refresh = registry.refresh
load = registry.load
load_all = registry.load_all
require = registry.require
custom_objects = registry.custom_objects
get = registry.get
