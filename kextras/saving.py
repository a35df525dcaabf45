"""Model loading that brings in exactly the plugins a saved model needs."""

from __future__ import annotations

import json
import os
import zipfile
from typing import Any

from kextras._discovery import RESERVED
from kextras.registry import PluginError, registry

__all__ = ["load_model", "read_config", "required_prefixes"]

_LEGACY = (".h5", ".hdf5")


def _references(item: dict) -> list[str]:
    """Registered names a serialized Keras object refers to: ``registered_name`` of a
    class (``class_name`` in legacy HDF5 configs), and the name of a serialized function
    (``class_name == "function"``)."""
    names = []
    for key in ("registered_name", "class_name"):
        value = item.get(key)
        if isinstance(value, str) and ">" in value:
            names.append(value)
    config = item.get("config")
    if item.get("class_name") == "function" and isinstance(config, str) and ">" in config:
        names.append(config)
    return names


def required_prefixes(config: Any) -> dict[str, set[str]]:
    """Package prefixes of the registered objects a Keras config refers to, with their names.

    Only registered class names and serialized function names count: a layer *named*
    ``"enc>dec"`` refers to nothing.
    """
    found: dict[str, set[str]] = {}
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for name in _references(item):
                found.setdefault(name.partition(">")[0], set()).add(name)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


def _bad(path: str, what: str) -> ValueError:
    return ValueError(f"Cannot load the model file {path!r}: {what}.")


def read_config(path: str | os.PathLike) -> dict:
    """The model config stored in a ``.keras`` archive (no code is run).

    Raises:
        ValueError: one message naming the file and what is wrong with it (missing, not a
            zip archive, no ``config.json``, invalid or too deeply nested JSON).
    """
    path = os.fspath(path)
    if not str(path).endswith(".keras"):
        raise _bad(path, "a Keras 3 model file ends in `.keras`")
    if not os.path.isfile(path):
        raise _bad(path, "no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.read("config.json")
    except zipfile.BadZipFile:
        raise _bad(path, "it is not a `.keras` archive (not a zip file)") from None
    except KeyError:
        raise _bad(path, "the archive has no config.json (not saved by Keras 3 `model.save`)") from None
    return _parse(path, text, "config.json")


def _parse(path: str, text: bytes | str, what: str) -> dict:
    try:
        config = json.loads(text)
    except RecursionError:
        raise _bad(path, f"its {what} is nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _bad(path, f"its {what} is not valid JSON ({error})") from None
    if not isinstance(config, dict):
        raise _bad(path, f"its {what} holds a {type(config).__name__}, not a model config")
    return config


def _legacy_config(path: str) -> dict | None:
    """The model config of a legacy HDF5 file, or ``None`` (Keras then reports the problem)."""
    try:
        import h5py

        with h5py.File(path, "r") as f:
            text = f.attrs.get("model_config")
    except Exception:  # noqa: BLE001 - Keras gives its own error for unreadable files
        return None
    return _parse(path, text, "model_config") if text is not None else None


def load_model(path: str | os.PathLike, **kwargs: Any):
    """Load a ``.keras`` model, importing only the kextras plugins its config names.

    Reads the archive's ``config.json``, loads the plugins whose prefixes appear in it
    (``kextras_graph>GCNConv`` needs the plugin ``kextras_graph``), then calls
    ``keras.saving.load_model(path, **kwargs)``; ``safe_mode`` and every other keyword
    are passed through untouched. Legacy ``.h5`` files, and anything that is not a
    ``.keras`` file, go to Keras as they are (for ``.h5`` the plugins named in its
    ``model_config`` are loaded first).

    Raises:
        PluginError: a needed plugin is not installed (the message names it), is
            disabled, fails to load, or one of its names was taken over.
        ValueError: a malformed ``.keras`` file (the message names the file).
    """
    import keras

    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if name is not None and str(name).endswith(".keras"):
        config = read_config(name)
    elif name is not None and str(name).endswith(_LEGACY) and os.path.isfile(name):
        config = _legacy_config(name)
    else:
        config = None
    if config is not None:
        user_objects = kwargs.get("custom_objects") or {}
        known = set(keras.saving.get_custom_objects()) | set(user_objects)
        plugins = registry.plugins()
        for prefix, names in sorted(required_prefixes(config).items()):
            if prefix in plugins or prefix == "kextras":
                registry.ensure([prefix])
            elif prefix not in RESERVED and not names <= known:
                missing = ", ".join(sorted(names - known))
                raise PluginError(
                    f"The model at {name!r} needs {missing}, which is not in custom_objects. "
                    + registry._missing_message(prefix)
                )
        registry.check_integrity()
    return keras.saving.load_model(path, **kwargs)
