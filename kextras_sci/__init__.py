"""kextras_sci: discrete wavelet transforms and physics-informed PDE losses.

Importing it registers its layers with Keras through the kextras plugin registry,
exactly as loading the ``kextras_sci`` entry point does.
"""

from kextras._backend import require_tensorflow

require_tensorflow("kextras_sci")

from kextras_sci import _plugin  # noqa: E402

from kextras.registry import registry as _registry  # noqa: E402

_registry.load(__name__, _plugin.register)
