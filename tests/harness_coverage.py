"""Every layer a package exports goes through ``kextras.testing.check_layer``: one mechanism.

``check_layer`` appends the class of each layer it passes to the file named by
``KEXTRAS_HARNESS_LOG``; tests/conftest.py points it at one file for the whole session (xdist
workers included) and, at the end of a full default run (``pytest`` or ``make test``, no
selection), fails the run naming every exported layer that never went through the harness.
"""

import importlib
import inspect

# the modules whose __all__ lists public layers
LAYER_MODULES = ("kextras.activations", "kextras_graph.layers", "kextras_sci.wavelets.layers", "kextras_sci.pde.layers",
                 "kextras_sci.pde.nn")


def exported_layers():
    """``{"module.Class"}`` of every ``keras.layers.Layer`` subclass (not a Model) in those ``__all__``."""
    import keras

    names = set()
    for module_name in LAYER_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
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
