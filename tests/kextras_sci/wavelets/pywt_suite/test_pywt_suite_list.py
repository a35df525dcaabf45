"""The expected-failure list of the pywt suite and its copy in the docs agree."""

import pathlib

from pywt_suite.expected_failures import EXPECTED_FAILURES, markdown_table

DOC = pathlib.Path(__file__).resolve().parents[4] / "docs" / "wavelets" / "pywt-suite.md"


def test_docs_list_the_expected_failures():
    text = DOC.read_text()
    assert markdown_table() in text, (
        "docs/wavelets/pywt-suite.md is out of date: paste the output of "
        "`python -c 'from pywt_suite.expected_failures import markdown_table; print(markdown_table())'` "
        "(run from tests/kextras_sci/wavelets)"
    )


def test_every_entry_has_a_type_and_a_reason():
    for name, (raises, reason) in EXPECTED_FAILURES.items():
        assert name.startswith("test_") and isinstance(raises, type) and issubclass(raises, BaseException)
        assert reason.strip(), name
