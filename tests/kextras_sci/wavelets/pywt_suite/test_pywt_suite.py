"""PyWavelets' own test suite (from the installed wheel) run against kextras.

Each pywt test module below is imported with ``pywt`` resolved to :mod:`.adapter` (kextras
for every transform, NumPy in and out) and its tests are re-exported here as
``test_<module>__<test>``. Only tests that touch a transform are taken: a test whose code
(or the module-level helpers it calls, or its parameters) uses no transform name checks
pywt's own objects and says nothing about kextras. Expected failures are listed, with
their reasons, in ``expected_failures.py`` (``conftest.py`` marks them strict xfail).
"""

import types

from pywt_suite import adapter

MODULES = (
    "test__pywt", "test_concurrent", "test_cwt_wavelets", "test_dwt_idwt",
    "test_matlab_compatibility", "test_matlab_compatibility_cwt", "test_modes", "test_mra",
    "test_multidim", "test_multilevel", "test_perfect_reconstruction", "test_swt",
)

PYWT = adapter.build()
_TRANSFORM_OBJECTS = {id(getattr(PYWT, n)) for n in adapter.TRANSFORMS}


def _uses_transform(fn, module_globals, seen=None):
    """Whether ``fn``'s code, its parameters or the module helpers it calls name a transform."""
    seen = set() if seen is None else seen
    if id(fn) in seen:
        return False
    seen.add(id(fn))
    for mark in getattr(fn, "pytestmark", []):
        values = [v for arg in mark.args for v in (arg if isinstance(arg, (list, tuple)) else [arg])]
        flat = [w for v in values for w in (v if isinstance(v, (list, tuple)) else [v])]
        if any(id(v) in _TRANSFORM_OBJECTS for v in flat):
            return True
    stack = [fn.__code__]
    while stack:
        code = stack.pop()
        for name in code.co_names:
            if name in adapter.TRANSFORMS:
                return True
            helper = module_globals.get(name)
            if isinstance(helper, types.FunctionType) and _uses_transform(helper, module_globals, seen):
                return True
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return False


def _export():
    for modname in MODULES:
        module = adapter.load_test_module(modname, PYWT)
        ns = vars(module)
        for name, obj in list(ns.items()):
            if name.startswith("test") and isinstance(obj, types.FunctionType) and _uses_transform(obj, ns):
                globals()[f"test_{modname[5:]}__{name}"] = obj


_export()
