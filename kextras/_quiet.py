"""Quiet TensorFlow start-up for the demo, the docs and the tests (not part of the API).

TensorFlow 2.21 writes INFO lines (oneDNN, "Could not find cuda drivers", twice over) to the
stderr file descriptor before absl logging is initialised, so ``TF_CPP_MIN_LOG_LEVEL`` cannot
hide them, and the ``failed call to cuInit`` ERROR line of a machine without a GPU needs level 3.
Keras 3.15 warns on every ``fit`` of a ``tf.data.Dataset`` that ``shuffle=True`` (its own
default) is ignored.
"""

import os
import sys
import warnings


def quiet_tensorflow() -> None:
    """Import TensorFlow with its start-up lines muted; hide Keras' ``shuffle=True`` warning."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed", category=UserWarning)
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            try:
                import tensorflow  # noqa: F401
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
