import keras


class Half(keras.layers.Layer):
    def call(self, x):
        return x / 2


def register(registry):
    registry.add(Half)  # registered, then rolled back when register() fails
    raise RuntimeError("register() exploded on purpose")
