"""Tensors handed over to a callee, so that an eager call frees them early (internal).

A Python frame keeps its arguments alive until it returns: a pass that gets its input as
an argument holds it (often the largest buffer alive) while it allocates its extension and
outputs, and so does every caller up the stack. Instead the caller passes a *box*, a
one-element list holding the only reference (``box, x = [x], None``); frames in between
pass the box on untouched, and the frame that consumes the tensor ``take``s it out and
drops its own name for it once read. Wherever a box is accepted a plain tensor is too
(then nothing is freed early); in a traced program the handover changes nothing.
"""

from __future__ import annotations


def take(box):
    """The tensor in ``box``, removed from it (``box`` itself when it is not a list)."""
    return box.pop() if isinstance(box, list) else box


def peek(box):
    """The tensor in ``box``, left in it."""
    return box[0] if isinstance(box, list) else box


def boxed(x):
    """``x`` as a box: itself when it is one, else a new box holding it."""
    return x if isinstance(x, list) else [x]
