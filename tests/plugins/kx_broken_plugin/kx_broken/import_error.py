import kx_this_module_does_not_exist  # noqa: F401


def register(registry):
    pass
