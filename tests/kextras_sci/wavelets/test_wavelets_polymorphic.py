"""Shape-polymorphic programs: one trace with unknown sizes serves every input shape
(no per-shape compile), results equal to PyWavelets."""

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from wavelets_oracle import assert_same_structure_close

RNG = np.random.default_rng(21)
SPEC2 = tf.TensorSpec([None, None], tf.float64)
SPEC3 = tf.TensorSpec([None, None, None], tf.float64)


@pytest.mark.parametrize("mode", ["symmetric", "periodization", "smooth"])
def test_wavedec_waverec_one_trace_for_every_shape(mode):
    fwd = tf.function(lambda x: kw.wavedec(x, "db3", mode, level=2), input_signature=[SPEC2])
    inv = tf.function(lambda c: kw.waverec(c, "db3", mode), input_signature=[[SPEC2] * 3])
    for shape in ((3, 40), (5, 57), (1, 26)):
        x = RNG.standard_normal(shape)
        ref = pywt.wavedec(x, "db3", mode, level=2)
        assert_same_structure_close(fwd(x), ref, 1e-12, f"wavedec {shape}")
        assert_same_structure_close(inv(ref), pywt.waverec(ref, "db3", mode), 1e-12, f"waverec {shape}")
    assert fwd.experimental_get_tracing_count() == 1
    assert inv.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("mode", ["symmetric", "periodization"])
def test_wavedec2_waverec2_one_trace_for_every_shape(mode):
    fwd = tf.function(lambda x: kw.wavedec2(x, "db2", mode, level=2), input_signature=[SPEC3])
    inv = tf.function(lambda a, d2, d1: kw.waverec2([a, d2, d1], "db2", mode),
                      input_signature=[SPEC3, [SPEC3] * 3, [SPEC3] * 3])
    for shape in ((2, 20, 24), (3, 17, 31)):
        x = RNG.standard_normal(shape)
        ref = pywt.wavedec2(x, "db2", mode, level=2)
        assert_same_structure_close(fwd(x), ref, 1e-12, f"wavedec2 {shape}")
        got = inv(ref[0], list(ref[1]), list(ref[2]))
        assert_same_structure_close(got, pywt.waverec2(ref, "db2", mode), 1e-12, f"waverec2 {shape}")
    assert fwd.experimental_get_tracing_count() == 1
    assert inv.experimental_get_tracing_count() == 1


def test_reduce_retracing_relaxes_to_one_program():
    """``reduce_retracing=True``: after the second shape, new shapes reuse the relaxed trace."""
    f = tf.function(lambda x: kw.dwt2(x, "haar", axes=(1, 2)), reduce_retracing=True)
    for shape in ((2, 8, 10, 3), (3, 12, 6, 3), (1, 9, 7, 3), (4, 16, 16, 3)):
        x = RNG.standard_normal(shape)
        assert_same_structure_close(f(x), pywt.dwt2(x, "haar", axes=(1, 2)), 1e-12, f"dwt2 {shape}")
    assert f.experimental_get_tracing_count() <= 2
