"""Export a graph model to a TensorFlow SavedModel with a ragged input signature."""

from __future__ import annotations

import keras
import tensorflow as tf


def _spec_of(x):
    shape = (None,) + tuple(x.shape[1:])
    dtype = tf.as_dtype(keras.backend.standardize_dtype(x.dtype))
    if getattr(x, "ragged", False):
        return tf.RaggedTensorSpec(shape, dtype, ragged_rank=1, row_splits_dtype=tf.int64)
    return tf.TensorSpec(shape, dtype)


def export_saved_model(model, filepath, input_signature=None):
    """Write ``model`` as a SavedModel whose ``serve`` endpoint takes ragged graph batches.

    Keras 3 ``model.export`` accepts only dense ``TensorSpec`` s, and its default save
    signature traces the model with dense inputs, which a graph model rejects. This
    exports only the model's variables and one ``tf.function`` traced with the ragged
    signature, available as ``loaded.serve(batch)`` and as the ``"serving_default"``
    signature. Loading needs TensorFlow only (``tf.saved_model.load(filepath)``).

    Args:
        model: a built Keras model taking a graph batch.
        filepath: output directory.
        input_signature: the model's input structure as ``tf.RaggedTensorSpec`` /
            ``tf.TensorSpec`` (e.g. ``graph_input_signature(F)``). ``None`` (default): taken
            from the inputs of a functional model (``keras.Input(..., ragged=True)``).

    Returns:
        The exported ``tf.function``.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"`model` must be a keras.Model. Received: model of type {type(model).__name__}")
    if input_signature is None:
        inputs = getattr(model, "_inputs_struct", None)
        if inputs is None:
            raise ValueError(
                "`input_signature` is needed for a model without keras.Input inputs (e.g. a Sequential "
                "built by calling it). Received: input_signature=None"
            )
        input_signature = tf.nest.map_structure(_spec_of, inputs)

    @tf.function(input_signature=[input_signature])
    def serve(inputs):
        return model(inputs, training=False)

    concrete = serve.get_concrete_function()
    module = tf.Module()
    # Track only the variables the traced function uses: tracking the Keras model itself
    # would trace its default (dense) save signature.
    module.captured_variables = list(concrete.variables)
    module.serve = serve
    tf.saved_model.save(module, str(filepath), signatures={"serving_default": concrete})
    return serve
