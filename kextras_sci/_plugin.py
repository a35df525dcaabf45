"""Entry point of the ``kextras_sci`` plugin (group ``kextras.plugins``)."""


def register(registry):
    """Register every object exported by the wavelet and PDE layer modules."""
    from kextras_sci.pde import layers as pde_layers
    from kextras_sci.wavelets import layers as wavelet_layers

    for module in (wavelet_layers, pde_layers):
        registry.add(*(getattr(module, name) for name in module.__all__))
