"""Marks the pywt-suite tests listed in ``expected_failures.py`` as strict xfail."""

import pytest

from pywt_suite.expected_failures import EXPECTED_FAILURES


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "pywt_suite" not in item.nodeid:
            continue
        entry = EXPECTED_FAILURES.get(item.name) or EXPECTED_FAILURES.get(item.originalname)
        if entry is not None:
            raises, reason = entry
            item.add_marker(pytest.mark.xfail(strict=True, raises=raises, reason=reason))
