"""Registry faults, each reproduced with a real throwaway distribution pip-installed into a
temporary site directory: one bad add-on never takes the others down."""

import importlib.metadata
import sys

import keras
import pytest

from kextras._discovery import GROUP
from kextras.registry import PluginError, PluginWarning, Registry

from plugin_tools import forget_test_plugins, pip_install, python, write_project

LAYER = """
import keras

class {name}(keras.layers.Layer):
    def call(self, x):
        return x
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """install(project, ...) pip-installs throwaway projects into a fresh site at the front of sys.path."""
    target = tmp_path / "site"
    target.mkdir()
    for variable in ("KEXTRAS_NO_AUTOLOAD", "KEXTRAS_DISABLE_PLUGINS", "KEXTRAS_REQUIRE_PLUGINS"):
        monkeypatch.delenv(variable, raising=False)

    def install(*projects):
        pip_install(target, *projects)
        monkeypatch.syspath_prepend(str(target))
        return target

    yield install
    forget_test_plugins()


# ------------------------------------------------------------ 1. discovery never raises
def test_bad_names_become_failed_and_the_rest_works(tmp_path, site):
    target = "kxr_names:register"
    project = write_project(tmp_path, "kxr-names", entry_points={
        "kxr-dash": target, "kxr_é": target, "keras": target, "Custom": target, "kextras": target,
        "1kxr": target, "kxr.": target, "kxr_ok.sub": target, "kxr_ok": target,
    }, modules={"kxr_names/__init__.py": LAYER.format(name="Ok") + "\ndef register(r):\n    r.add(Ok)\n"})
    path = site(project)
    plugins = Registry().plugins()  # does not raise
    for name in ("kxr-dash", "kxr_é", "1kxr", "kxr."):
        assert plugins[name].status == "failed" and "not a valid package prefix" in plugins[name].error
    for name in ("keras", "Custom", "kextras"):
        assert plugins[name].status == "failed" and "reserved" in plugins[name].error
    registry = Registry()
    assert registry.load("kxr_ok").provides == ["kxr_ok>Ok"]
    assert registry.load("kxr_ok.sub").status == "loaded"
    with pytest.raises(PluginError, match="kxr-dash.*not a valid package prefix"):
        registry.load("kxr-dash")
    # the global registry: the add-ons, a plain model and the command line all still work
    python("""
        import sys, keras, kextras, kextras.cli, kextras_graph, kextras_sci
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.save(sys.argv[1])
        kextras.load_model(sys.argv[1])
        assert kextras.cli.main(["plugins", "list"]) == 0
        assert kextras.registry.plugins()["kxr-dash"].status == "failed"
    """, tmp_path / "plain.keras", path=[path])


def test_two_distributions_declaring_one_name(tmp_path, site):
    one = write_project(tmp_path, "kx-dup-one", "1.0", {"kx_dup": "kx_dup_one:register", "kx_fine": "kx_dup_one:fine"},
                        {"kx_dup_one/__init__.py": "def register(r): pass\ndef fine(r): pass\n"})
    two = write_project(tmp_path, "kx-dup-two", "2.0", {"kx_dup": "kx_dup_two:register"},
                        {"kx_dup_two/__init__.py": "def register(r): pass\n"})
    site(one, two)
    registry = Registry()
    info = registry.plugins()["kx_dup"]
    assert info.status == "failed"
    assert "kx-dup-one 1.0" in info.error and "kx-dup-two 2.0" in info.error
    with pytest.raises(PluginError, match="two distributions declare"):
        registry.load("kx_dup")
    assert registry.load("kx_fine").status == "loaded"


def test_shadowed_dist_info_is_skipped_like_importlib_metadata(tmp_path, site, monkeypatch):
    new = write_project(tmp_path / "new", "kx-shadow", "2.0", {"kx_shadow": "kx_shadow_new:register"},
                        {"kx_shadow_new/__init__.py": "def register(r): pass\n"})
    old = write_project(tmp_path / "old", "kx-shadow", "1.0", {"kx_shadow": "kx_shadow_old:register"},
                        {"kx_shadow_old/__init__.py": "def register(r): pass\n"})
    # a stale kextras dist-info further down sys.path, claiming the first-party plugins
    stale = write_project(tmp_path / "stale", "kextras", "0.0.1", {"kextras_graph": "kextras_graph_old:register"},
                          {"kextras_graph_old/__init__.py": "def register(r): pass\n"})
    site(new)
    late = tmp_path / "late"
    late.mkdir()
    pip_install(late, old, stale)
    monkeypatch.setattr(sys, "path", [*sys.path, str(late)])
    plugins = Registry().plugins()
    reference = {ep.name: ep.value for ep in importlib.metadata.entry_points(group=GROUP)}
    assert {name: info.target for name, info in plugins.items()} == reference
    assert plugins["kx_shadow"].version == "2.0" and plugins["kx_shadow"].status == "found"
    assert plugins["kextras_graph"].target == "kextras_graph._plugin:register"
    assert plugins["kextras_graph"].status == "found"


# ------------------------------------------------ 2. rollback of the failing plugin only
ADDON_FAILS_AFTER_GRAPH = """
import keras
import kextras_graph  # registers all of kextras_graph first

class Mine(keras.layers.Layer):
    pass

def register(registry):
    registry.add(Mine)
    raise RuntimeError("the add-on failed after importing kextras_graph")
"""


def test_failed_addon_rolls_back_only_its_own_names(tmp_path, site):
    path = site(write_project(tmp_path, "kx-addon", entry_points={"kx_addon": "kx_addon:register"},
                              modules={"kx_addon/__init__.py": ADDON_FAILS_AFTER_GRAPH}))
    python("""
        import warnings, keras, kextras
        from kextras.registry import PluginError
        warnings.simplefilter("ignore")
        try:
            kextras.registry.load("kx_addon")
        except PluginError as error:
            assert "failed after importing kextras_graph" in str(error)
        else:
            raise SystemExit("kx_addon loaded")
        import kextras_graph
        graph = kextras.registry.plugins()["kextras_graph"]
        names = sorted(graph.provides)
        assert graph.status == "loaded" and {"kextras_graph>" + n for n in kextras_graph.layers.__all__} <= set(names)
        objects = keras.saving.get_custom_objects()
        assert [n for n in names if n not in objects] == [], "kextras_graph names removed from Keras"
        assert kextras.registry.get("kextras_graph>GCNConv") is kextras_graph.GCNConv
        assert "kx_addon>Mine" not in objects and kextras.registry.plugins()["kx_addon"].provides == []
    """, path=[path])


# --------------------------------------------------------------- 3. no lock while importing
def test_no_deadlock_between_load_and_import(tmp_path, site):
    path = site(write_project(tmp_path, "kx-graph-user", entry_points={"kx_graph_user": "kx_graph_user:register"},
                              modules={"kx_graph_user/__init__.py":
                                       "import time\ntime.sleep(0.2)\nimport kextras_graph\n\ndef register(r): pass\n"}))
    result = python("""
        import os, threading, tensorflow, keras, kextras
        done = []
        def a():
            kextras.registry.load("kx_graph_user"); done.append("a")
        def b():
            import kextras_graph; done.append("b")
        threads = [threading.Thread(target=b, daemon=True), threading.Thread(target=a, daemon=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        print(sorted(done), kextras.registry.plugins()["kextras_graph"].status, flush=True)
        os._exit(0)
    """, path=[path], timeout=240)
    assert result.stdout.split() == ["['a',", "'b']", "loaded"]


# ------------------------------------------------------------ 4. BaseException during load
INTERRUPTED = """
import keras

class Half(keras.layers.Layer):
    pass

def register(registry):
    registry.add(Half)
    raise {error}
"""


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit])
def test_base_exception_rolls_back_records_and_reraises(tmp_path, site, error):
    site(write_project(tmp_path, "kx-interrupted", entry_points={"kx_interrupted": "kx_interrupted:register"},
                       modules={"kx_interrupted/__init__.py": INTERRUPTED.format(error=error.__name__)}))
    registry = Registry()
    with pytest.warns(PluginWarning), pytest.raises(error):
        registry.load("kx_interrupted")
    info = registry.plugins()["kx_interrupted"]
    assert info.status == "failed" and error.__name__ in info.error and info.provides == []
    assert "kx_interrupted>Half" not in keras.saving.get_custom_objects()
    with pytest.raises(PluginError, match=f"kx_interrupted.*failed to load: {error.__name__}"):
        registry.load("kx_interrupted")  # not "loading" forever, not a silent success


# ------------------------------------------------- 6. silent takeover, reserved prefixes
TAKEOVER = """
import keras
import kextras_graph

class GCNConv(keras.layers.Layer):
    pass

def register(registry):
    keras.saving.register_keras_serializable(package="kextras_graph", name="GCNConv")(GCNConv)
"""


def test_takeover_by_another_plugin_is_refused(tmp_path, site):
    path = site(write_project(tmp_path, "kx-takeover", "6.6", {"kx_takeover": "kx_takeover:register",
                                                               "kx_core_grab": "kx_takeover:grab_core"},
                              {"kx_takeover/__init__.py": TAKEOVER + """
def grab_core(registry):
    keras.saving.register_keras_serializable(package="kextras", name="mine")(lambda x: x)
"""}))
    result = python("""
        import warnings, keras, kextras, kextras_graph
        from kextras.registry import PluginError
        warnings.simplefilter("ignore")
        for name in ("kx_takeover", "kx_core_grab"):
            try:
                kextras.registry.load(name)
            except PluginError as error:
                print(str(error).splitlines()[0].partition("failed to load: ")[2])
            else:
                raise SystemExit(name + " loaded")
        objects = keras.saving.get_custom_objects()
        assert objects["kextras_graph>GCNConv"] is kextras_graph.GCNConv
        assert "kextras>mine" not in objects
    """, path=[path])
    first, second = result.stdout.splitlines()
    assert first.startswith("kextras.registry.PluginError: The kextras plugin")
    assert "'kx_takeover' (kx-takeover) took over 'kextras_graph>GCNConv', registered by kextras" in first
    assert "kx_takeover.GCNConv" in first
    assert "'kx_core_grab' (kx-takeover) took over 'kextras>mine', owned by the plugin 'kextras'" in second


def test_takeover_after_loading_is_caught_by_load_model(tmp_path):
    result = python("""
        import sys, keras, kextras, kextras_graph
        inputs = [keras.Input((None, 3), ragged=True), keras.Input((None, 2), dtype="int64", ragged=True)]
        keras.Model(inputs, kextras_graph.GCNConv(2)(inputs)).save(sys.argv[1])

        @keras.saving.register_keras_serializable(package="kextras_graph", name="GCNConv")
        class Impostor(keras.layers.Layer):
            pass

        kextras.load_model(sys.argv[1])
    """, tmp_path / "gcn.keras", check=False)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "PluginError: 'kextras_graph>GCNConv' was registered by kextras (plugin 'kextras_graph')" in last
    assert "__main__.Impostor" in last


# ------------------------------------------------------ 7. KEXTRAS_REQUIRE_PLUGINS, always
def test_require_holds_on_every_call(with_plugins, monkeypatch):
    monkeypatch.setenv("KEXTRAS_REQUIRE_PLUGINS", "kx_absent")
    registry = Registry()
    for _ in range(2):
        with pytest.raises(PluginError, match="kx_absent"):
            registry.plugins()
    for call in (lambda: registry.load("kx_demo"), lambda: registry.get("kx_demo>Scale"),
                 lambda: registry.custom_objects(["kx_demo"]), registry.load_all):
        with pytest.raises(PluginError, match="kx_absent"):
            call()
    monkeypatch.setenv("KEXTRAS_REQUIRE_PLUGINS", "kx_import_error")
    with pytest.warns(PluginWarning), pytest.raises(PluginError, match="kx_this_module_does_not_exist"):
        registry.plugins()
    with pytest.raises(PluginError, match="kx_this_module_does_not_exist"):
        registry.plugins()
    monkeypatch.setenv("KEXTRAS_REQUIRE_PLUGINS", "kx_demo")
    assert registry.plugins()["kx_demo"].status == "loaded"


# ------------------------------------------------------- import-time registration
OWN_DECORATOR = """
import keras

def register(registry):
    @keras.saving.register_keras_serializable(package="kx_own", name="Decorated")
    class Decorated(keras.layers.Layer):
        pass
"""


def test_import_time_load_checks_the_register_function(tmp_path, site):
    site(write_project(tmp_path, "kx-own", entry_points={"kx_own": "kx_own:register"},
                       modules={"kx_own/__init__.py": OWN_DECORATOR}))
    registry = Registry()

    def impostor(registry):
        pass

    with pytest.raises(PluginError, match=r"impostor cannot register the kextras plugin 'kx_own'.*kx_own:register"):
        registry.load("kx_own", impostor)
    assert registry.plugins()["kx_own"].status == "found"
    import kx_own

    info = registry.load("kx_own", kx_own.register)  # the entry point's own function
    assert info.status == "loaded" and info.provides == ["kx_own>Decorated"]  # adopted: its own prefix
