"""kextras: an extension ecosystem for Keras 3 on TensorFlow.

``import kextras`` is cheap: no plugin is discovered or imported until one is needed.
"""

from kextras import activations
from kextras.registry import PluginError, PluginWarning, custom_objects, registry
from kextras.saving import load_model

__version__ = "0.1.0"
__all__ = ["activations", "registry", "load_model", "custom_objects", "PluginError", "PluginWarning"]
