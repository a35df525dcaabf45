"""Suite-wide settings: quiet TensorFlow, hypothesis profile, harness coverage (harness_coverage)."""

import os
import tempfile
from pathlib import Path

import pytest

from kextras._quiet import quiet_tensorflow

quiet_tensorflow()

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "kextras", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("kextras")


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller: xdist workers inherit the variable
        config.harness_log = Path(tempfile.mkdtemp(prefix="kextras-harness-")) / "layers.txt"
        os.environ["KEXTRAS_HARNESS_LOG"] = str(config.harness_log)


def pytest_collection_modifyitems(session, config, items):
    """Test ids must not hold object addresses (``<function f at 0x...>``): they differ between
    xdist workers, which then refuse the run ("Different tests were collected")."""
    unstable = [item.nodeid for item in items if " at 0x" in item.nodeid]
    if unstable:
        raise pytest.UsageError("test ids with object addresses (give the parametrize `ids=`): " + ", ".join(unstable))


def _full_default_run(config):
    return (not config.args or [Path(a).resolve() for a in config.args] == [config.rootpath / "tests"]) and \
        not config.getoption("keyword") and config.getoption("markexpr") in ("", "not slow")


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput") or not hasattr(config, "harness_log") or not _full_default_run(config):
        return
    from harness_coverage import missing

    absent = missing(config.harness_log)
    if absent and session.testsfailed == 0:
        print("\nharness coverage: these exported layers never went through kextras.testing.check_layer:\n  "
              + "\n  ".join(absent))
        session.exitstatus = 1
