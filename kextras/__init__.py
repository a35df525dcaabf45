"""kextras: an extension ecosystem for Keras 3 on TensorFlow.

``import kextras`` is cheap: it imports neither Keras nor any add-on, and discovers
no plugin, until one of its names is used.
"""

from kextras.registry import PluginError, PluginWarning, custom_objects, registry

__version__ = "0.1.0"
__all__ = ["activations", "distribute", "registry", "load_model", "custom_objects", "PluginError", "PluginWarning"]


def __getattr__(name):
    if name == "activations":
        import kextras.activations

        return kextras.activations
    if name == "distribute":
        import kextras.distribute

        return kextras.distribute
    if name == "load_model":
        from kextras.saving import load_model

        return load_model
    raise AttributeError(f"module 'kextras' has no attribute {name!r}")
