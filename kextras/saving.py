"""Model loading that brings in exactly the plugins a saved model needs."""

from __future__ import annotations

import json
import os
import re
import zipfile
from typing import Any

import keras

from kextras.registry import PluginError, registry

_REGISTERED = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)>([A-Za-z_][A-Za-z0-9_.]*)$")


def required_prefixes(config: Any) -> dict[str, set[str]]:
    """Package prefixes named in a Keras config, with the names under each.

    Every string of the form ``"prefix>Name"`` (``registered_name`` of a class, the
    config of a serialized function) counts.
    """
    found: dict[str, set[str]] = {}
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str):
            match = _REGISTERED.match(item)
            if match:
                found.setdefault(match.group(1), set()).add(item)
    return found


def read_config(path: str | os.PathLike) -> dict:
    """The model config stored in a ``.keras`` archive (no code is run)."""
    path = os.fspath(path)
    if not path.endswith(".keras") or not zipfile.is_zipfile(path):
        raise ValueError(f"`path` must be an existing `.keras` archive. Received: path={path!r}")
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def load_model(path: str | os.PathLike, **kwargs: Any) -> keras.Model:
    """Load a ``.keras`` model, importing only the kextras plugins its config names.

    Reads the archive's ``config.json``, loads the plugins whose prefixes appear in it
    (``kextras_graph>GCNConv`` needs the plugin ``kextras_graph``), then calls
    ``keras.saving.load_model(path, **kwargs)``; ``safe_mode`` and every other keyword
    are passed through untouched.

    Raises:
        PluginError: a needed plugin is not installed (the message names it), is
            disabled, or fails to load.
    """
    config = read_config(path)
    user_objects = kwargs.get("custom_objects") or {}
    known = set(keras.saving.get_custom_objects()) | set(user_objects)
    plugins = registry.plugins()
    for prefix, names in sorted(required_prefixes(config).items()):
        if prefix in plugins or prefix == "kextras":
            registry.ensure([prefix])
        elif not names <= known:
            missing = ", ".join(sorted(names - known))
            raise PluginError(
                f"The model at {os.fspath(path)!r} needs {missing}, which is not in custom_objects. "
                + registry._missing_message(prefix)
            )
    return keras.saving.load_model(path, **kwargs)
