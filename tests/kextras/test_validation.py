"""kextras.validation: the shared argument checks (values, messages, bad input)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from kextras import validation as V


@pytest.mark.parametrize("value", [1, 7, np.int64(3)])
def test_positive_int_accepts(value):
    assert V.positive_int("units", value) == int(value)
    assert type(V.positive_int("units", value)) is int


@pytest.mark.parametrize("value", [0, -1, 1.0, True, "3", None, [1]])
def test_positive_int_rejects_with_name_and_value(value):
    with pytest.raises(ValueError, match=r"`units` must be a positive integer\. Received: units="):
        V.positive_int("units", value)


def test_non_negative_and_bounded_integer():
    assert V.non_negative_int("level", 0) == 0
    with pytest.raises(ValueError, match="non-negative integer. Received: level=-1"):
        V.non_negative_int("level", -1)
    with pytest.raises(ValueError, match=r"an integer in \[2, 5\]. Received: k=6"):
        V.integer("k", 6, 2, 5)


def test_int_list():
    assert V.int_list("units", 4) == [4]
    assert V.int_list("units", (4, np.int32(2))) == [4, 2]
    assert V.int_list("fanouts", [], allow_empty=True) == []
    for bad in ([], [0], [2, True], "12", 2.0):
        with pytest.raises(ValueError, match="`units` must be"):
            V.int_list("units", bad)
    with pytest.raises(ValueError, match="non-empty list of positive integers"):
        V.int_list("units", 3, allow_scalar=False)


def test_real_rate_positive_float():
    assert V.rate("dropout", 0.0) == 0.0
    assert V.rate("p", 1, include_one=True) == 1.0
    for bad in (1.0, -0.1, float("nan"), True, "0.5"):
        with pytest.raises(ValueError, match=r"`dropout` must be a finite number in \[0, 1\)"):
            V.rate("dropout", bad)
    assert V.positive_float("lr", np.float32(0.5)) == 0.5
    for bad in (0, -1e-9, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="`lr` must be a positive finite number"):
            V.positive_float("lr", bad)


def test_boolean_and_choice():
    assert V.boolean("normalize", np.bool_(True)) is True
    for bad in (1, 0, "yes", None):
        with pytest.raises(ValueError, match="`normalize` must be True or False"):
            V.boolean("normalize", bad)
    assert V.choice("aggregate", "sum", ["sum", "mean"]) == "sum"
    with pytest.raises(ValueError, match=r"one of \['sum', 'mean'\]. Received: aggregate='avg'"):
        V.choice("aggregate", "avg", ["sum", "mean"])
    with pytest.raises(ValueError, match="aggregate"):
        V.choice("aggregate", ["sum"], {"sum", "mean"})


@given(st.one_of(st.integers(), st.floats(allow_nan=True), st.booleans(), st.text(), st.none()))
def test_positive_int_never_accepts_non_positive_ints(value):
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    if ok:
        assert V.positive_int("n", value) == value
    else:
        with pytest.raises(ValueError, match="Received: n="):
            V.positive_int("n", value)
