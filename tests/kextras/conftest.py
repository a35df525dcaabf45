"""Fixtures for the core tests: real third-party plugin distributions, pip-installed."""

import pytest
from plugin_tools import ENV_SWITCHES, PLUGINS, forget_test_plugins, pip_install, python


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory):
    """A site directory holding kx-demo-plugin and kx-broken-plugin, installed by pip."""
    site = tmp_path_factory.mktemp("plugin_site")
    return pip_install(site, PLUGINS / "kx_demo_plugin", PLUGINS / "kx_broken_plugin")


@pytest.fixture
def with_plugins(plugin_site, monkeypatch):
    """The test plugins importable in this process (and discoverable by a new Registry)."""
    monkeypatch.syspath_prepend(str(plugin_site))
    for variable in ENV_SWITCHES:
        monkeypatch.delenv(variable, raising=False)
    yield plugin_site
    forget_test_plugins()


@pytest.fixture
def run_python(plugin_site):
    """Run Python code in a fresh process that sees the test plugins; returns CompletedProcess."""

    def run(code, *args, env=None, check=True):
        return python(code, *args, path=[plugin_site], env=env, check=check)

    return run
