"""``kextras plugins new NAME``: the files of a working plugin distribution.

The files are the ones docs/writing-a-plugin.md shows for ``kx_demo`` (a test checks
that they are identical).
"""

from __future__ import annotations

from pathlib import Path

from kextras._discovery import RESERVED, valid_name

PYPROJECT = '''\
# pyproject.toml
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "A kextras plugin"
dependencies = ["kextras"]

[project.entry-points."kextras.plugins"]
{package} = "{package}:register"   # name = the Keras package prefix of your objects

[tool.setuptools]
packages = ["{package}"]
'''

PACKAGE = '''\
# {package}/__init__.py
import keras
from keras import ops

import kextras
from kextras import validation


class Scale(keras.layers.Layer):
    """y = alpha * x with one trainable scalar alpha.

    Args:
        initial: the starting value of alpha (default 2.0).

    Input shape: any. Output shape: the input's.
    """

    def __init__(self, initial=2.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = validation.real("initial", initial)

    def build(self, input_shape):
        self.alpha = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.initial), name="alpha")

    def call(self, x):
        return ops.cast(self.alpha, x.dtype) * x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {{**super().get_config(), "initial": self.initial}}


def register(registry):
    registry.add(Scale)  # saved as "{package}>Scale"


kextras.registry.load(__name__, register)  # importing {package} registers it, as its entry point does
'''

TEST = '''\
# tests/test_{package}.py
import numpy as np
import pytest
from kextras.testing import check_layer

from {package} import Scale


def test_scale():
    y = check_layer(Scale(3.0), np.ones((2, 4), "float32"), wrong_rank_inputs=False)
    np.testing.assert_allclose(y, 3.0)


def test_bad_initial():
    with pytest.raises(ValueError, match="`initial` must be a finite number. Received: initial='x'"):
        Scale("x")
'''


def files(package: str) -> dict[str, str]:
    """``{relative path: text}`` of the plugin distribution for `package`."""
    if not valid_name(package, dots=False) or package in RESERVED or package.startswith("kextras"):
        raise ValueError(
            "`name` must be a Python package name of ASCII letters, digits and underscores, not starting "
            f"with a digit, and not kextras, keras or Custom. Received: name={package!r}"
        )
    values = {"package": package, "dist": package.replace("_", "-")}
    out = {}
    for template in (PYPROJECT, PACKAGE, TEST):
        text = template.format(**values)
        first, _, _ = text.partition("\n")
        out[first.removeprefix("# ")] = text
    return out


def write(package: str, parent: str | Path = ".") -> Path:
    """Write the distribution into ``parent/<dist name>`` and return that directory."""
    content = files(package)
    root = Path(parent) / package.replace("_", "-")
    if root.exists():
        raise FileExistsError(f"{root} already exists; choose another name or directory.")
    for path, text in content.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root
