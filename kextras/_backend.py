"""Backend guard for the add-ons: RaggedTensor and tf.function need TensorFlow."""

import keras


def require_tensorflow(package: str) -> None:
    """Raise ImportError unless Keras runs on the TensorFlow backend."""
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ImportError(
            f"{package} needs the TensorFlow backend of Keras (it uses tf.RaggedTensor and tf.function). "
            f"Received: KERAS_BACKEND={backend!r}. Set KERAS_BACKEND=tensorflow before importing keras."
        )
