"""What a plugin's ``register`` function receives, and the registry's error types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kextras._discovery import PluginInfo

if TYPE_CHECKING:
    from kextras.registry import Registry


class PluginError(RuntimeError):
    """A plugin is missing, disabled, broken, or conflicts with another one."""


class PluginWarning(UserWarning):
    """Emitted once when a plugin fails to load."""


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


# shown (in tracebacks and recorded errors) under their public home
for _cls in (PluginError, PluginWarning, PluginContext):
    _cls.__module__ = "kextras.registry"
