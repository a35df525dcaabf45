"""The plugin registry against real installed distributions (tests/plugins)."""

import sys
import warnings

import keras
import numpy as np
import pytest

from kextras.registry import PluginError, PluginWarning, Registry

BROKEN = {"kx_import_error", "kx_register_error", "kx_not_callable", "kx_duplicate_name"}


def test_discovery_reads_metadata_only(with_plugins):
    plugins = Registry().plugins()
    assert {"kx_demo", "kextras_graph", "kextras_sci"} | BROKEN <= set(plugins)
    demo = plugins["kx_demo"]
    assert (demo.distribution, demo.version, demo.target, demo.status) == ("kx-demo-plugin", "1.2.3", "kx_demo:register", "found")
    assert plugins["kextras_graph"].distribution == "kextras"
    assert not any(m.startswith(("kx_demo", "kx_broken")) for m in sys.modules)


def test_lazy_load_on_first_name(with_plugins):
    registry = Registry()
    registry.plugins()
    assert "kx_demo" not in sys.modules
    scale = registry.get("kx_demo>Scale")
    assert "kx_demo" in sys.modules and scale.__name__ == "Scale"
    info = registry.plugins()["kx_demo"]
    assert info.status == "loaded" and info.provides == ["kx_demo>Scale", "kx_demo>softer"]
    assert keras.saving.get_registered_name(scale) == "kx_demo>Scale"
    assert registry.plugins()["kx_import_error"].status == "found"  # other plugins untouched


def test_discovery_is_cached_and_refreshable(with_plugins, tmp_path, monkeypatch):
    registry = Registry()
    before = registry.plugins()
    registry.load("kx_demo")
    dist = tmp_path / "kx_late-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kx-late\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[kextras.plugins]\nkx_late = kx_late:register\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "kx_late" not in registry.plugins()  # cached
    after = registry.refresh()
    assert "kx_late" in after and set(before) <= set(after)
    assert after["kx_demo"].status == "loaded"  # refresh keeps what is loaded


def test_broken_plugins_are_isolated_and_warned_once(with_plugins):
    registry = Registry()
    with pytest.warns(PluginWarning) as record:
        plugins = registry.load_all()
    warned = [str(w.message).split("'")[1] for w in record]
    assert {name for name in warned if name.startswith("kx_")} == BROKEN
    assert plugins["kx_demo"].status == "loaded"
    for name in BROKEN:
        assert plugins[name].status == "failed" and "Traceback" in plugins[name].error
    assert "kx_this_module_does_not_exist" in plugins["kx_import_error"].error
    assert "exploded on purpose" in plugins["kx_register_error"].error
    assert "must name a callable" in plugins["kx_not_callable"].error
    assert "registered twice" in plugins["kx_duplicate_name"].error
    # a failed register() leaves nothing behind
    assert "kx_register_error>Half" not in keras.saving.get_custom_objects()
    assert plugins["kx_register_error"].provides == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once: loading again does not warn
        registry.load_all()
        with pytest.raises(PluginError, match=r"kx_import_error.*kx-broken-plugin 0\.0\.1.*failed to load"):
            registry.load("kx_import_error")
        with pytest.raises(PluginError, match="exploded on purpose"):
            registry.get("kx_register_error>Half")


def test_unknown_plugin_and_name(with_plugins):
    registry = Registry()
    with pytest.raises(PluginError, match=r"No kextras plugin named 'kx_nowhere' is installed.*kx_demo"):
        registry.load("kx_nowhere")
    with pytest.raises(KeyError, match="kx_demo>Nothing"):
        registry.get("kx_demo>Nothing")
    with pytest.raises(ValueError, match=r"`key` must look like.*Received: key='Scale'"):
        registry.get("Scale")


def test_duplicate_plugin_names_name_both_distributions(with_plugins, tmp_path, monkeypatch):
    dist = tmp_path / "kx_impostor-9.9.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kx-impostor\nVersion: 9.9\n")
    (dist / "entry_points.txt").write_text("[kextras.plugins]\nkx_demo = kx_impostor:register\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry()
    info = registry.plugins()["kx_demo"]  # discovery does not raise
    assert info.status == "failed"
    assert "kx-demo-plugin 1.2.3" in info.error and "kx-impostor 9.9" in info.error
    with pytest.raises(PluginError, match=r"two distributions declare the kextras plugin 'kx_demo'"):
        registry.load("kx_demo")


def test_name_registered_outside_kextras_is_not_overwritten(with_plugins):
    def impostor(x):
        return x

    keras.saving.register_keras_serializable(package="kx_demo", name="softer")(impostor)
    with pytest.warns(PluginWarning):
        with pytest.raises(PluginError, match="kx_demo>softer.*already registered with Keras"):
            Registry().load("kx_demo")
    assert keras.saving.get_custom_objects()["kx_demo>softer"] is impostor


def test_disable_switch(with_plugins, monkeypatch):
    monkeypatch.setenv("KEXTRAS_DISABLE_PLUGINS", "kx_demo, kx_import_error")
    registry = Registry()
    plugins = registry.plugins()
    assert plugins["kx_demo"].status == plugins["kx_import_error"].status == "disabled"
    with pytest.raises(PluginError, match="disabled by KEXTRAS_DISABLE_PLUGINS"):
        registry.load("kx_demo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        assert registry.load_all()["kx_demo"].status == "disabled"


def test_no_autoload_switch(with_plugins, monkeypatch):
    monkeypatch.setenv("KEXTRAS_NO_AUTOLOAD", "1")
    registry = Registry()
    with pytest.raises(PluginError, match=r"KEXTRAS_NO_AUTOLOAD.*kextras.registry.load\('kx_demo'\)"):
        registry.get("kx_demo>Scale")
    assert "kx_demo" not in sys.modules
    registry.load("kx_demo")  # explicit loading still works
    assert registry.get("kx_demo>Scale").__name__ == "Scale"


def test_custom_objects_mapping(with_plugins):
    registry = Registry()
    mapping = registry.custom_objects(["kx_demo"])
    assert set(mapping) == {"kx_demo>Scale", "kx_demo>softer"}
    model = keras.Sequential([keras.Input((2,)), mapping["kx_demo>Scale"](3.0)])
    clone = keras.models.model_from_json(model.to_json(), custom_objects=mapping)
    np.testing.assert_allclose(clone(np.ones((1, 2))), [[3.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        everything = registry.custom_objects()
    assert {"kx_demo>Scale", "kextras>hyper_sinh", "kextras>MArcsinh"} <= set(everything)


def test_plugin_registers_only_classes_and_functions(with_plugins):
    registry = Registry()
    info = registry.load("kx_demo")
    from kextras.registry import PluginContext

    with pytest.raises(TypeError, match=r"classes and functions.*Received: 3"):
        PluginContext(registry, info).add(3)
    with pytest.raises(ValueError, match="`name` can only be given with a single object"):
        PluginContext(registry, info).add(len, abs, name="x")
