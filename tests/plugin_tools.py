"""Build, pip-install and run real throwaway plugin distributions (shared by the core and docs tests)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGINS = Path(__file__).resolve().parent / "plugins"
ENV_SWITCHES = ("KEXTRAS_NO_AUTOLOAD", "KEXTRAS_DISABLE_PLUGINS", "KEXTRAS_REQUIRE_PLUGINS")


def pip_install(site, *sources):
    """``pip install --target site`` the given source trees (no dependencies, no isolation)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(site), *map(str, sources)],
        check=True, cwd=site, capture_output=True,
    )
    return site


def write_project(root, name, version="0.1", entry_points=None, modules=None, requires=()):
    """A throwaway plugin distribution: pyproject.toml + modules {"pkg/mod.py": source}."""
    root = Path(root) / name
    packages = sorted({path.split("/")[0] for path in modules or {}})
    eps = "\n".join(f'"{key}" = "{value}"' for key, value in (entry_points or {}).items())
    (root).mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{name}"\nversion = "{version}"\ndependencies = {list(requires)!r}\n\n'
        f'[project.entry-points."kextras.plugins"]\n{eps}\n\n'
        f"[tool.setuptools]\npackages = {packages!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    for path, source in (modules or {}).items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(textwrap.dedent(source), encoding="utf-8")
    for package in packages:
        (root / package / "__init__.py").touch()
    return root


def python(code, *args, path=(), env=None, check=True, timeout=300):
    """Run `code` in a fresh Python whose sys.path starts with `path`; returns CompletedProcess."""
    environment = {k: v for k, v in os.environ.items() if k not in ENV_SWITCHES}
    environment["PYTHONPATH"] = os.pathsep.join([*map(str, path), os.environ.get("PYTHONPATH", "")])
    environment.update(env or {})
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)], capture_output=True,
                            text=True, env=environment, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"subprocess failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-4000:]}")
    return result


def forget_test_plugins(prefixes=("kx",)):
    import keras

    objects = keras.saving.get_custom_objects()
    for key in [k for k in objects if k.startswith(prefixes)]:
        del objects[key]
    for module in [m for m in sys.modules if m.startswith(prefixes)]:
        del sys.modules[module]


def markdown_blocks(path):
    """``[(language, code)]`` of the fenced code blocks of a markdown file, in order."""
    blocks, language, lines = [], None, []
    for line in Path(path).read_text(encoding="utf-8").splitlines(keepends=True):
        stripped = line.strip()
        if language is None and stripped.startswith("```"):
            language, lines = stripped[3:].strip() or "text", []
        elif language is not None and stripped == "```":
            blocks.append((language, "".join(lines)))
            language = None
        elif language is not None:
            lines.append(line)
    return blocks


def check_plugin_distribution(project, package, workdir, use_blocks):
    """Install the plugin source tree `project` into a fresh site, run its tests there, then run
    `use_blocks` (Python sources) one per fresh process in `workdir`."""
    site = Path(workdir) / "site"
    site.mkdir()
    pip_install(site, project)
    assert (site / package / "__init__.py").exists()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(project),
         str(Path(project) / "tests")],
        cwd=workdir, capture_output=True, text=True, timeout=600,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])),
    )
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout + result.stderr[-3000:]
    for code in use_blocks:
        run = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=300,
                             env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])))
        assert run.returncode == 0, f"{code}\n{run.stderr[-3000:]}"
    return site
