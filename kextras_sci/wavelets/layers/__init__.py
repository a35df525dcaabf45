"""Keras layers on top of the wavelet transforms (written by the wavelet-layers helper)."""

__all__ = []
