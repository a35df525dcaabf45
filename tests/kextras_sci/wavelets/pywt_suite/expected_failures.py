"""Every pywt-suite test that fails against kextras, with the exception it raises and why.

Keys are test names as collected (``test_<pywt module>__<pywt test>``, with the parameter
id in brackets where only some parametrizations fail; a key without brackets covers every
parametrization). Values: ``(exception type the test must fail with, reason)``.
``docs/wavelets/pywt-suite.md`` shows the same list (``test_pywt_suite_list.py`` checks it).
"""

import tensorflow as tf
from pytest import fail

from pywt_suite.adapter import Missing

Failed = fail.Exception


EXPECTED_FAILURES = {
    "test_perfect_reconstruction__test_perfect_reconstruction": (AssertionError, "float32 smooth mode, db21 length 2: round trip rms 7.0e-7 above pywt's bound 6e-7"),
}


def markdown_table():
    """The list as the Markdown table shown in ``docs/wavelets/pywt-suite.md``."""
    rows = ["| test | fails with | reason |", "|---|---|---|"]
    for name in sorted(EXPECTED_FAILURES):
        raises, reason = EXPECTED_FAILURES[name]
        rows.append(f"| `{name}` | `{raises.__name__}` | {reason} |")
    return "\n".join(rows)
