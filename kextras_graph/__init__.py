"""kextras_graph: graph convolution and pooling layers on ``tf.RaggedTensor`` batches.

Importing it registers its layers with Keras through the kextras plugin registry,
exactly as loading the ``kextras_graph`` entry point does.
"""

from kextras._backend import require_tensorflow

require_tensorflow("kextras_graph")

from kextras_graph import _plugin, data, layers, ops  # noqa: E402
from kextras_graph.layers import *  # noqa: E402,F401,F403

from kextras.registry import registry as _registry  # noqa: E402

_registry.load(__name__, _register=_plugin.register)
