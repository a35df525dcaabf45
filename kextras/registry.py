"""The plugin registry: discovers, loads and records kextras add-ons.

An add-on is a distribution that declares an entry point in the group
``kextras.plugins``. The entry point's *name* is the Keras serialization package
prefix its objects are saved under (``kextras_graph>GCNConv`` belongs to the plugin
``kextras_graph``); its *value* names a ``register(registry)`` function that adds
objects with :meth:`PluginContext.add`. A plugin package ends its ``__init__.py`` with
``kextras.registry.load(__name__, register)`` so that importing it registers it too.

Discovery (:mod:`kextras._discovery`) reads metadata only, on first use, never raises,
and is cached until :meth:`Registry.refresh`. A plugin is imported when one of its names
is requested (:meth:`Registry.get`, :func:`kextras.load_model`), by :meth:`Registry.load`
or :meth:`Registry.load_all`, or when its package is imported. A broken plugin is recorded
with its traceback, warned about once, and raised only when it is requested; only its own
names are rolled back; the others are unaffected. No lock is held while a plugin's code
runs, so plugins may import each other from any thread.

Environment switches (read on every call):

* ``KEXTRAS_NO_AUTOLOAD=1``: nothing is imported implicitly; name lookups and
  :func:`kextras.load_model` only see plugins loaded explicitly.
* ``KEXTRAS_DISABLE_PLUGINS=a,b``: these plugins are listed as ``disabled`` and never loaded.
* ``KEXTRAS_REQUIRE_PLUGINS=a,b``: every registry call first loads these plugins; a missing
  or broken one raises :class:`PluginError` (fail fast).
"""

from __future__ import annotations

import os
import threading
import traceback
import warnings
from typing import Any, Callable, Iterable

from kextras._discovery import (
    CORE,
    DISABLED,
    FAILED,
    FOUND,
    GROUP,
    INSTALL_HINTS,
    LOADED,
    LOADING,
    PROTECTED,
    PluginInfo,
    discover,
    env_list,
    valid_name,
)
from kextras._context import PluginContext, PluginError, PluginWarning

__all__ = ["Registry", "PluginContext", "PluginInfo", "PluginError", "PluginWarning", "registry"]


# Every name any Registry registered (tests make private registries beside the default one).
_OWNED: dict[str, tuple[Any, PluginInfo]] = {}


def _keras_objects() -> dict:
    import keras

    return keras.saving.get_custom_objects()  # Keras' own global table (a live dict)


def _describe(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', type(obj).__name__)}"


class Registry:
    """Plugin discovery, loading and the table of registered names."""

    def __init__(self, group: str = GROUP):
        self.group = group
        self._lock = threading.RLock()  # guards the tables only; never held while plugin code runs
        self._plugins: dict[str, PluginInfo] | None = None
        self._objects: dict[str, tuple[Any, PluginInfo]] = {}  # "prefix>Name" -> (obj, owner)
        self._warned: set[str] = set()

    # ----------------------------------------------------------------- discovery
    def _table(self) -> dict[str, PluginInfo]:
        with self._lock:
            if self._plugins is None:
                self._plugins = discover(self.group, env_list("KEXTRAS_DISABLE_PLUGINS"))
            return self._plugins

    def _check_required(self) -> None:
        for name in sorted(env_list("KEXTRAS_REQUIRE_PLUGINS")):
            info = self._table().get(name)
            if info is None or info.status not in (LOADED, LOADING):
                self._load(name)

    def plugins(self) -> dict[str, PluginInfo]:
        """All discovered plugins by name (metadata only; nothing is imported)."""
        self._check_required()
        with self._lock:
            return dict(self._table())

    def refresh(self) -> dict[str, PluginInfo]:
        """Forget the discovery cache (loaded plugins stay loaded) and discover again."""
        with self._lock:
            previous = self._plugins or {}
            self._plugins = None
            plugins = self._table()
            for name, info in plugins.items():
                old = previous.get(name)
                if old is not None and old.status in (LOADED, LOADING, FAILED) and old.target == info.target:
                    plugins[name] = old
            for name, old in previous.items():  # registered from a source tree, without metadata
                if name not in plugins and old.distribution == "(not installed)":
                    plugins[name] = old
        return self.plugins()

    # ------------------------------------------------------------------- loading
    @property
    def autoload(self) -> bool:
        """False when ``KEXTRAS_NO_AUTOLOAD`` is set: no implicit imports."""
        return os.environ.get("KEXTRAS_NO_AUTOLOAD", "").strip().lower() in ("", "0", "false", "no")

    def load(self, name: str, register: Callable[[PluginContext], None] | None = None, *,
             _register: Callable[[PluginContext], None] | None = None) -> PluginInfo:
        """Import plugin `name` and run its ``register``; return its info.

        A plugin package calls ``kextras.registry.load(__name__, register)`` at the end of its
        ``__init__.py``: importing the package then registers it exactly as loading its entry
        point does. `register` must be the function the entry point names (checked).

        Raises:
            PluginError: the plugin is not installed, disabled, failed to load, or `register`
                is not the one its entry point names.
        """
        self._check_required()
        return self._load(name, register or _register)

    def _load(self, name: str, register: Callable | None = None) -> PluginInfo:
        me = threading.get_ident()
        while True:
            with self._lock:
                info = self._table().get(name)
                if info is None:
                    if register is None or not valid_name(name):
                        raise PluginError(self._missing_message(name))
                    # Imported from a source tree without installed metadata.
                    info = self._table()[name] = PluginInfo(name, "(not installed)", "?", _target(register))
                if register is not None and info.distribution != "(not installed)" and _target(register) != info.target:
                    raise PluginError(
                        f"{_target(register)} cannot register the kextras plugin {name!r}: its entry point "
                        f"({info.distribution} {info.version}) is {info.target}."
                    )
                if info.status == LOADED:
                    return info
                if info.status == DISABLED:
                    raise PluginError(
                        f"The kextras plugin {name!r} ({info.distribution}) is disabled by "
                        f"KEXTRAS_DISABLE_PLUGINS={os.environ.get('KEXTRAS_DISABLE_PLUGINS', '')!r}."
                    )
                if info.status == FAILED:
                    raise PluginError(self._failed_message(info))
                if info.status == LOADING:
                    # Re-entrant (the entry point imports the package, which calls load again), or
                    # an import-time call on another thread: that thread may wait for our import
                    # lock, so never wait for it here.
                    if info._loader == me or register is not None:
                        return info
                    done = info._done
                else:
                    info.status, info._loader, info._done = LOADING, me, threading.Event()
                    before = dict(_keras_objects())
                    break
            done.wait()  # another thread is loading it; then look again
        try:
            function = register or info._entry_point.load()  # imports the plugin: no lock held
            if not callable(function):
                raise TypeError(
                    f"The entry point {info.target!r} must name a callable register(registry); "
                    f"it names a {type(function).__name__}."
                )
            function(PluginContext(self, info))
            self._adopt_and_check(info, before)
        except BaseException as error:  # noqa: BLE001 - third-party code; Ctrl-C and sys.exit too
            self._fail(info, traceback.format_exc())
            if not isinstance(error, Exception):
                raise
            raise PluginError(self._failed_message(info)) from None
        with self._lock:
            info.status, info._loader = LOADED, None
            info._done.set()
        return info

    def _fail(self, info: PluginInfo, error: str) -> None:
        with self._lock:
            for key in list(info.provides):  # only this plugin's own names
                self._forget(key)
            info.status, info.error, info.provides, info._loader = FAILED, error, [], None
            info._done.set()
            warn = info.name not in self._warned
            self._warned.add(info.name)
        if warn:
            warnings.warn(
                f"kextras plugin {info.name!r} from {info.distribution} {info.version} failed to load; "
                f"the other plugins are unaffected. {_last_line(error)}",
                PluginWarning,
                stacklevel=4,
            )

    def load_all(self) -> dict[str, PluginInfo]:
        """Load every discovered, enabled plugin; failures are recorded, not raised."""
        for name, info in self.plugins().items():
            if info.status == FOUND:
                try:
                    self._load(name)
                except PluginError:
                    pass
        return self.plugins()

    def require(self, name: str) -> PluginInfo:
        """Load `name` now, raising :class:`PluginError` if it is missing, disabled or broken."""
        return self.load(name)

    def _missing_message(self, name: str) -> str:
        hint = INSTALL_HINTS.get(name, f"the distribution that provides the {name!r} kextras plugin")
        installed = ", ".join(sorted(self._plugins or {})) or "none"
        return f"No kextras plugin named {name!r} is installed (installed: {installed}). Install it: {hint}."

    @staticmethod
    def _failed_message(info: PluginInfo) -> str:
        hint = INSTALL_HINTS.get(info.name)
        extra = f" If a dependency is missing: {hint}." if hint and "ModuleNotFoundError" in (info.error or "") else ""
        return (
            f"The kextras plugin {info.name!r} from {info.distribution} {info.version} "
            f"({info.target}) failed to load: {_last_line(info.error)}{extra}\n{info.error}"
        )

    # -------------------------------------------------------- registered objects
    def _add(self, info: PluginInfo, obj: Any, name: str | None) -> None:
        import keras

        if not (isinstance(obj, type) or callable(obj)) or not name or not valid_name(name, dots=False):
            raise TypeError(
                f"Plugin {info.name!r} can register classes and functions with a valid name only. "
                f"Received: {obj!r} (name={name!r})"
            )
        key = f"{info.name}>{name}"
        with self._lock:
            owner = self._objects.get(key)
            if owner is not None and owner[0] is not obj:
                raise PluginError(f"{key!r} is registered twice: by {owner[1].distribution} and by {info.distribution}.")
            existing = _keras_objects().get(key)
            if owner is None and existing is not None and existing is not obj:
                raise PluginError(
                    f"{key!r} is already registered with Keras by {_describe(existing)} "
                    f"(outside kextras); {info.distribution} cannot register it again."
                )
            keras.saving.register_keras_serializable(package=info.name, name=name)(obj)
            self._objects[key] = _OWNED[key] = (obj, info)
            if key not in info.provides:
                info.provides.append(key)

    def _forget(self, key: str) -> None:
        obj, _ = self._objects.pop(key)
        if _OWNED.get(key, (None,))[0] is obj:
            _OWNED.pop(key)
        if _keras_objects().get(key) is obj:
            _keras_objects().pop(key)

    def _adopt_and_check(self, info: PluginInfo, before: dict) -> None:
        """After `info` ran: adopt what it registered with Keras under its own prefix, and
        refuse what it registered under another plugin's (or a reserved) prefix."""
        taken = []
        with self._lock:
            plugins = self._table()
            for key, obj in list(_keras_objects().items()):
                if before.get(key) is obj or _OWNED.get(key, (None,))[0] is obj:  # registered by kextras
                    continue
                prefix = key.partition(">")[0]
                if prefix == info.name:
                    self._objects[key] = _OWNED[key] = (obj, info)
                    info.provides.append(key)
                elif key in before or prefix in plugins or prefix in PROTECTED:
                    taken.append((key, obj, before.get(key)))
            for key, obj, previous in taken:
                if previous is None:
                    _keras_objects().pop(key)
                else:
                    _keras_objects()[key] = previous
        if taken:
            key, obj, previous = taken[0]
            owner = _OWNED.get(key)
            victim = (f"registered by {owner[1].distribution} (plugin {owner[1].name!r})" if owner else
                      f"owned by the plugin {key.partition('>')[0]!r}")
            raise PluginError(
                f"The kextras plugin {info.name!r} ({info.distribution}) took over {key!r}, {victim}: "
                f"it registered {_describe(obj)} with Keras under that name. A plugin may only register "
                f"names under its own prefix {info.name + '>'!r}. Taken: {', '.join(k for k, _, _ in taken)}."
            )

    def check_integrity(self) -> None:
        """Raise :class:`PluginError` if Keras now maps a registered name to another object."""
        with self._lock:
            changed = [(key, obj, owner) for key, (obj, owner) in self._objects.items()
                       if _keras_objects().get(key) is not obj]
        if changed:
            key, obj, owner = changed[0]
            now = _keras_objects().get(key)
            raise PluginError(
                f"{key!r} was registered by {owner.distribution} (plugin {owner.name!r}) as {_describe(obj)}, "
                f"but Keras now maps it to {_describe(now) if now is not None else 'nothing'}: something called "
                f"keras.saving.register_keras_serializable over it. Changed: {', '.join(k for k, _, _ in changed)}."
            )

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
        self._check_required()
        for prefix in prefixes:
            if prefix == CORE:
                import kextras.activations  # noqa: F401  (registers the core objects)

                continue
            info = self._table().get(prefix)
            if info is not None and info.status == LOADED:
                continue
            if not self.autoload:
                raise PluginError(
                    f"The kextras plugin {prefix!r} is needed but not loaded, and KEXTRAS_NO_AUTOLOAD is set: "
                    f"call kextras.registry.load({prefix!r}) first."
                )
            self._load(prefix)

    def custom_objects(self, prefixes: Iterable[str] | None = None) -> dict[str, Any]:
        """``{"prefix>Name": object}`` for Keras' ``custom_objects=``.

        Loads the plugins named by `prefixes` (all enabled plugins when ``None``).
        """
        if prefixes is None:
            loaded = self.load_all()
            selected = {CORE} | {name for name, info in loaded.items() if info.status == LOADED}
        else:
            selected = set(prefixes)
        self.ensure(selected)
        with self._lock:  # the core objects live in the default registry; Keras' table has them
            core = {k: v for k, v in _keras_objects().items() if k.startswith(CORE + ">")}
            objects = {**core, **{key: obj for key, (obj, _) in self._objects.items()}}
        return {key: obj for key, obj in objects.items() if key.partition(">")[0] in selected}

    def _add_core(self, obj: Any) -> None:
        """Register an object of kextras itself under the ``kextras`` prefix."""
        self._add(_CORE_INFO, obj, obj.__name__)


def _last_line(error: str | None) -> str:
    lines = (error or "").strip().splitlines()
    return lines[-1] if lines else "(no message)"


def _target(register: Callable) -> str:
    return f"{getattr(register, '__module__', '?')}:{getattr(register, '__qualname__', repr(register))}"


_CORE_INFO = PluginInfo(CORE, "kextras", "", "kextras", status=LOADED)


registry = Registry()

plugins = registry.plugins
refresh = registry.refresh
load = registry.load
load_all = registry.load_all
require = registry.require
custom_objects = registry.custom_objects
get = registry.get
