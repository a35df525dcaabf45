"""Entry point of the ``kextras_graph`` plugin (group ``kextras.plugins``)."""


def register(registry):
    """Register every object exported by :mod:`kextras_graph.layers`, and ``data.TrimToLayer``."""
    from kextras_graph import data, layers

    registry.add(*(getattr(layers, name) for name in layers.__all__), data.TrimToLayer)
