"""Bad input gives clear errors (and the same warnings/errors as PyWavelets)."""

import numpy as np
import pytest
import tensorflow as tf

import kextras_sci.wavelets as kw


def test_unknown_wavelet_lists_close_names():
    with pytest.raises(ValueError, match=r"Unknown wavelet name.*wavelet='db44'.*'db4'"):
        kw.dwt(np.ones(8), "db44")
    with pytest.raises(ValueError, match=r"sym2"):
        kw.get_wavelet("symm2")


@pytest.mark.parametrize("name", ["morl", "mexh", "cmor1.5-1.0", "gaus3", "shan"])
def test_continuous_wavelet_rejected(name):
    with pytest.raises(ValueError, match="continuous wavelet"):
        kw.dwt(np.ones(8), name)


def test_bad_filter_banks():
    with pytest.raises(ValueError, match="same length"):
        kw.get_wavelet(([1, 1], [1, -1], [1, 1], [1, -1, 0, 0]))
    with pytest.raises(ValueError, match="at least 1 tap"):
        kw.get_wavelet(([[1, 1]],) * 4)
    with pytest.raises(ValueError, match="`wavelet` must be"):
        kw.get_wavelet(3.5)


def test_unknown_mode():
    with pytest.raises(ValueError, match=r"Unknown signal extension mode.*mode='symetric'.*symmetric"):
        kw.dwt(np.ones(8), "db2", "symetric")


def test_level_errors_and_warnings():
    with pytest.raises(ValueError, match=r"`level` must be a non-negative integer. Received: level=-1"):
        kw.wavedec(np.ones(16), "db1", level=-1)
    with pytest.raises(ValueError, match="level"):
        kw.wavedec2(np.ones((8, 8)), "db1", level=1.5)
    with pytest.warns(UserWarning, match="Level value of 5 is too high"):
        kw.wavedec(np.ones(16), "db2", level=5)
    with pytest.raises(ValueError, match="must be given"):
        tf.function(lambda x: kw.wavedec(x, "db1"), input_signature=[tf.TensorSpec([None])]).get_concrete_function()


def test_rank_too_low():
    with pytest.raises(ValueError, match=r"Input rank too low.*rank 1.*axes=\(-2, -1\)"):
        kw.dwt2(np.ones(8), "db1")
    with pytest.raises(ValueError, match="Input rank too low"):
        kw.dwt(np.float64(3.0), "db1")
    with pytest.raises(ValueError, match="Expected 2 axes"):
        kw.wavedec2(np.ones((4, 4)), "db1", axes=(0,))


def test_reflect_needs_two_samples():
    with pytest.raises(ValueError, match=r"greater than 1 for \[anti\]reflect"):
        kw.dwt(np.ones(1), "db1", "antireflect")


def test_swt_errors():
    with pytest.raises(ValueError, match="Length of data must be even"):
        kw.swt(np.ones(7), "db1", level=1)
    with pytest.raises(ValueError, match=r"Level value too high \(max level for current data size and start_level is 2\)"):
        kw.swt(np.ones(12), "db1", level=3)


def test_idwt_errors():
    with pytest.raises(ValueError, match="At least one coefficient"):
        kw.idwt(None, None, "db1")
    with pytest.raises(ValueError, match="Invalid coefficient arrays length"):
        kw.idwt(np.ones(2), np.ones(2), "db4")
    with pytest.raises(ValueError, match="invalid keys"):
        kw.idwtn({"ax": np.ones(3)}, "db1")
    with pytest.raises(ValueError, match="equal size"):
        kw.idwtn({"a": np.ones(3), "d": np.ones(4)}, "db1")
    with pytest.raises(ValueError, match="coefficient shape mismatch"):
        kw.waverec([np.ones(7), np.ones(4)], "db1")


def test_non_numeric_input():
    with pytest.raises(TypeError, match="numeric"):
        kw.dwt(np.array(["a", "b"], dtype=object), "db1")
    with pytest.raises(TypeError, match="numeric"):
        kw.dwt(tf.constant(["a", "b"]), "db1")
