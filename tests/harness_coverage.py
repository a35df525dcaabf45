"""Every layer a package exports goes through ``kextras.testing.check_layer``: one mechanism.

``check_layer`` appends the class of each layer it passes to the file named by
``KEXTRAS_HARNESS_LOG``; tests/conftest.py points it at one file for the whole session (xdist
workers included) and, at the end of a full default run (``pytest`` or ``make test``, no
selection), fails the run naming every exported layer that never went through the harness.
"""

import importlib
import inspect
import pkgutil

PACKAGES = ("kextras", "kextras_graph", "kextras_sci")


def public_modules():
    """Every public (no ``_`` in its dotted name) module and package of the three packages."""
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                yield importlib.import_module(info.name)


def exported_layers():
    """``{"module.Class"}`` of every ``keras.layers.Layer`` subclass (not a Model) in a public ``__all__``."""
    import keras

    names = set()
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, keras.layers.Layer) and not issubclass(obj, keras.Model):
                names.add(f"{obj.__module__}.{obj.__qualname__}")
    return names


def missing(log_path):
    """Exported layers absent from the harness log."""
    try:
        seen = set(open(log_path, encoding="utf-8").read().split())
    except FileNotFoundError:
        seen = set()
    return sorted(exported_layers() - seen)
