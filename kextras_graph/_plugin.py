"""Entry point of the ``kextras_graph`` plugin (group ``kextras.plugins``)."""


def register(registry):
    """Register every object exported by :mod:`kextras_graph.layers`."""
    from kextras_graph import layers

    registry.add(*(getattr(layers, name) for name in layers.__all__))
