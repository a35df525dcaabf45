def one(x):
    return x


def other(x):
    return -x


def register(registry):
    registry.add(one, name="same")
    registry.add(other, name="same")
