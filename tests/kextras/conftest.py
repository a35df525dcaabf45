"""Fixtures for the core tests: real third-party plugin distributions, pip-installed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory):
    """A site directory holding kx-demo-plugin and kx-broken-plugin, installed by pip."""
    site = tmp_path_factory.mktemp("plugin_site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(site),
         str(PLUGINS / "kx_demo_plugin"), str(PLUGINS / "kx_broken_plugin")],
        check=True,
        cwd=site,
    )
    return site


@pytest.fixture
def with_plugins(plugin_site, monkeypatch):
    """The test plugins importable in this process (and discoverable by a new Registry)."""
    monkeypatch.syspath_prepend(str(plugin_site))
    for variable in ("KEXTRAS_NO_AUTOLOAD", "KEXTRAS_DISABLE_PLUGINS", "KEXTRAS_REQUIRE_PLUGINS"):
        monkeypatch.delenv(variable, raising=False)
    yield plugin_site
    import keras

    objects = keras.saving.get_custom_objects()
    for key in [k for k in objects if k.startswith("kx_")]:
        del objects[key]
    for module in [m for m in sys.modules if m.startswith(("kx_demo", "kx_broken"))]:
        del sys.modules[module]


@pytest.fixture
def run_python(plugin_site):
    """Run Python code in a fresh process that sees the test plugins; returns CompletedProcess."""

    def run(code, *args, env=None, check=True):
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugin_site), os.environ.get("PYTHONPATH", "")]))
        environment.update(env or {})
        result = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                                env=environment, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"subprocess failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-4000:]}")
        return result

    return run
