"""kextras.load_model: loads exactly the plugins a saved model names, in a fresh process."""

import json
import zipfile

import pytest

from kextras.registry import PluginError
from kextras.saving import read_config, required_prefixes

SAVE = """
import sys, numpy as np, keras, kextras
from kextras.registry import registry
Scale = registry.get("kx_demo>Scale")
softer = registry.get("kx_demo>softer")
model = keras.Sequential([keras.Input((3,)), Scale(1.5), keras.layers.Dense(2, activation=softer),
                          keras.layers.Dense(2, activation=kextras.activations.hyper_sinh)])
model.save(sys.argv[1])
np.save(sys.argv[2], model(np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)).numpy())
"""

LOAD = """
import sys, numpy as np, kextras
model = kextras.load_model(sys.argv[1])
loaded = sorted(m for m in sys.modules if m.startswith(("kx_", "kextras_")))
np.testing.assert_allclose(model(np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)).numpy(), np.load(sys.argv[2]),
                           rtol=0, atol=0)
print(loaded)
"""


def rewrite_config(source_path, target_path, old: bytes, new: bytes):
    """Copy a .keras archive, replacing `old` by `new` in its config.json."""
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(target_path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data.replace(old, new) if item.filename == "config.json" else data)
    return target_path


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory, plugin_site):
    import os
    import subprocess
    import sys

    directory = tmp_path_factory.mktemp("saved")
    path, expected = directory / "demo.keras", directory / "expected.npy"
    env = dict(os.environ, PYTHONPATH=str(plugin_site))
    subprocess.run([sys.executable, "-c", SAVE, str(path), str(expected)], check=True, env=env)
    return path, expected


def test_reload_in_fresh_process_loads_only_needed_plugins(saved_model, run_python):
    path, expected = saved_model
    assert required_prefixes(read_config(path)) == {"kx_demo": {"kx_demo>Scale", "kx_demo>softer"},
                                                    "kextras": {"kextras>hyper_sinh"}}
    result = run_python(LOAD, path, expected)
    assert result.stdout.strip() == "['kx_demo']"  # neither the broken plugins nor kextras_graph/sci


def test_model_naming_uninstalled_plugin(saved_model, tmp_path, run_python):
    path, _ = saved_model
    renamed = rewrite_config(path, tmp_path / "renamed.keras", b"kx_demo>", b"kx_gone>")
    result = run_python("import sys, kextras; kextras.load_model(sys.argv[1])", renamed, check=False)
    assert result.returncode != 0
    assert "PluginError" in result.stderr and "No kextras plugin named 'kx_gone' is installed" in result.stderr
    assert "kx_gone>Scale" in result.stderr


def test_model_naming_broken_plugin(saved_model, tmp_path, run_python):
    path, _ = saved_model
    broken = rewrite_config(path, tmp_path / "broken.keras", b"kx_demo>Scale", b"kx_import_error>Scale")
    result = run_python("import sys, kextras; kextras.load_model(sys.argv[1])", broken, check=False)
    assert "kx_import_error" in result.stderr and "kx_this_module_does_not_exist" in result.stderr


def test_safe_mode_is_untouched(tmp_path, run_python):
    code = """
import sys, keras, kextras
model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2)])
model.save(sys.argv[1])
try:
    kextras.load_model(sys.argv[1])
except ValueError as error:
    assert "safe_mode" in str(error), error
else:
    raise SystemExit("a lambda loaded with safe_mode on")
kextras.load_model(sys.argv[1], safe_mode=False)
"""
    run_python(code, tmp_path / "lambda.keras")


def test_layer_names_are_not_plugin_references(tmp_path, run_python):
    run_python("""
import sys, numpy as np, keras, kextras
model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, name="enc>dec"),
                          keras.layers.Dense(1, name="kx_import_error>G")])
model.save(sys.argv[1])
loaded = kextras.load_model(sys.argv[1])
assert [layer.name for layer in loaded.layers] == ["enc>dec", "kx_import_error>G"]
assert not [m for m in sys.modules if m.startswith(("kx_", "kextras_"))], "a plugin was imported"
""", tmp_path / "names.keras")


def test_required_prefixes_reads_registered_and_function_names():
    function = {"module": "builtins", "class_name": "function", "config": "p2>f", "registered_name": "function"}
    config = {"a": [{"registered_name": "p1>X", "config": {"name": "p3>Y", "activation": function}}],
              "b": "not>a reference", "c": {"config": "p4>g", "class_name": "Dense"}, "e": {"class_name": "p5>Legacy"}, "d": [{"registered_name": None}]}
    assert required_prefixes(config) == {"p1": {"p1>X"}, "p2": {"p2>f"}, "p5": {"p5>Legacy"}}
    assert PluginError.__mro__[1] is RuntimeError


def _archive(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("make, reason", [
    (lambda p: _archive(p, {"config.json": "{not json"}), "its config.json is not valid JSON (Expecting property name enclosed in double quotes: "
                                                          "line 1 column 2 (char 1))"),
    (lambda p: _archive(p, {"metadata.json": "{}"}), "the archive has no config.json (not saved by Keras 3 `model.save`)"),
    (lambda p: _archive(p, {"config.json": "[" * 100000 + "]" * 100000}), "its config.json is nested too deeply"),
    (lambda p: _archive(p, {"config.json": "[1, 2]"}), "its config.json holds a list, not a model config"),
    (lambda p: p.write_bytes(b"HDF5? no, just bytes") and p, "it is not a `.keras` archive (not a zip file)"),
    (lambda p: p, "no such file"),
], ids=["bad-json", "no-config", "deep-nesting", "not-a-dict", "not-a-zip", "missing"])
def test_malformed_model_files_give_one_clear_error(tmp_path, make, reason):
    import kextras

    path = tmp_path / "model.keras"
    make(path)
    for call in (read_config, kextras.load_model):
        with pytest.raises(ValueError) as error:
            call(path)
        assert str(error.value) == f"Cannot load the model file {str(path)!r}: {reason}.", error.value
        assert not isinstance(error.value, (json.JSONDecodeError, RecursionError))


def test_legacy_h5_goes_through_to_keras(tmp_path, run_python):
    run_python("""
import sys, warnings, numpy as np, keras, kextras
warnings.simplefilter("ignore")
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation=kextras.activations.hyper_sinh),
                          kextras.registry.get("kx_demo>Scale")(1.5)])
model.save(sys.argv[1])
np.save(sys.argv[2], model(np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)).numpy())
""", tmp_path / "legacy.h5", tmp_path / "expected.npy")
    result = run_python("""
import sys, pathlib, warnings, numpy as np, kextras
warnings.simplefilter("ignore")
x = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
for path in (sys.argv[1], pathlib.Path(sys.argv[1])):
    np.testing.assert_array_equal(kextras.load_model(path)(x).numpy(), np.load(sys.argv[2]))
print(sorted(m for m in sys.modules if m.startswith(("kx_", "kextras_"))))
try:
    kextras.load_model(sys.argv[1] + ".txt")
except ValueError as error:
    assert "File format not supported" in str(error), error  # Keras' own message
""", tmp_path / "legacy.h5", tmp_path / "expected.npy")
    assert result.stdout.strip() == "['kx_demo']"  # the plugin named in the h5 model_config was loaded
