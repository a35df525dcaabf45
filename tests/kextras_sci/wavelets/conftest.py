"""Fixtures of the wavelet tests."""

import pytest

from kextras_sci.wavelets._programs import PROGRAMS


@pytest.fixture
def fresh_programs():
    """An empty program cache before and after the test: every call is the eager first call
    of its signature until the same signature is called again."""
    PROGRAMS.clear()
    yield PROGRAMS
    PROGRAMS.clear()
