"""Marks the pywt-suite tests listed in ``expected_failures.py`` as strict xfail, and the few
that take more than 20 s here (single core) as slow."""

import pytest

from pywt_suite.expected_failures import EXPECTED_FAILURES

# measured with --durations (one core): out of the default run, like pywt's own slow tests
SLOW = {
    "test_concurrent__test_concurrent_swt": "35 s",
    "test_multilevel__test_wavedecn_coeff_reshape_even": "27 s",
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "pywt_suite" not in item.nodeid:
            continue
        entry = EXPECTED_FAILURES.get(item.name) or EXPECTED_FAILURES.get(item.originalname)
        if entry is not None:
            raises, reason = entry
            item.add_marker(pytest.mark.xfail(strict=True, raises=raises, reason=reason))
        if item.originalname in SLOW:
            item.add_marker(pytest.mark.slow)
