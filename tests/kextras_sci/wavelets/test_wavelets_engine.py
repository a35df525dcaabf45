"""The one DWT engine (``_passes``): every kernel choice, NumPy and tensor filters, the
layers' layout adapter, gradients with respect to the filters; PyWavelets is the reference."""

import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import pywt
import tensorflow as tf

import kextras_sci.wavelets as kw
from kextras_sci.wavelets import _blocked, _dwt, _kernels, _passes
from kextras_sci.wavelets._filters import get_wavelet
from kextras_sci.wavelets.layers import _base

RNG = np.random.default_rng(11)
MODES = pywt.Modes.modes


def _tensor_bank(name, dtype=tf.float64):
    b = get_wavelet(name)
    return _kernels.TensorBank(*(tf.constant(f, dtype) for f in (b.dec_lo, b.dec_hi, b.rec_lo, b.rec_hi)))


# (shape, axis) routing each pass to every kernel of ``_kernels.select`` (analysis / inverse):
# Q = 1 (conv1d or block / gemm, block), Q = 2 (conv1d / block), Q = 5 (conv1d / conv1d),
# Q = 20 (conv2d / matmul: long outer axes too, grouped; the inverse conv2d only serves
# dynamic sizes, see test_inverse_outer_axis_dynamic_length_conv2d)
CASES = [((3, 17), 1), ((2, 400), 1), ((2, 401), 1), ((11, 2), 0), ((9, 5), 0), ((500, 5), 0), ((13, 20), 0),
         ((400, 20), 0), ((40, 12), 0)]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tensor_filters", [False, True])
def test_passes_every_kernel_match_pywt(mode, tensor_filters):
    for (shape, axis), name in itertools.product(CASES, ("db2", "bior2.4")):
        x = RNG.standard_normal(shape)
        bank = _tensor_bank(name) if tensor_filters else get_wavelet(name)
        a, d = _passes.analysis_pair(tf.constant(x), axis, bank, mode)
        ra, rd = pywt.dwt(x, name, mode, axis=axis)
        np.testing.assert_allclose(a.numpy(), ra, atol=1e-12, err_msg=f"{shape} {name}")
        np.testing.assert_allclose(d.numpy(), rd, atol=1e-12)
        rec = _passes.synthesis_pair(tf.constant(ra), tf.constant(rd), axis, bank, mode)
        np.testing.assert_allclose(rec.numpy(), pywt.idwt(ra, rd, name, mode, axis=axis), atol=1e-12)
        y = _passes.analysis_axis(tf.constant(x)[..., None], axis, bank, mode)
        np.testing.assert_allclose(y.numpy()[..., 1], rd, atol=1e-12)
        # band axis right after the filtered axis (Q = 20: one depthwise convolution per band)
        yb = np.moveaxis(_passes.analysis_axis(tf.constant(x), axis, bank, mode, band_after=True).numpy(), axis + 1, 0)
        np.testing.assert_allclose(yb[0], ra, atol=1e-12)
        np.testing.assert_allclose(yb[1], rd, atol=1e-12)
        rec = _passes.synthesis_axis(y, axis, bank, mode)[..., 0]
        np.testing.assert_allclose(rec.numpy(), pywt.idwt(ra, rd, name, mode, axis=axis), atol=1e-12)


@pytest.mark.parametrize("mode", ["symmetric", "zero", "periodization"])
@pytest.mark.parametrize("n", [60, 301])
def test_inverse_pass_with_longer_approximation(mode, n):
    """waverec's rule: an approximation one sample longer than the detail is cropped."""
    ra, rd = pywt.dwt(RNG.standard_normal((3, n)), "db4", mode)
    a_long = np.concatenate([ra, RNG.standard_normal((3, 1))], axis=1)
    rec = _passes.synthesis_pair(tf.constant(a_long), tf.constant(rd), 1, get_wavelet("db4"), mode)
    np.testing.assert_allclose(rec.numpy(), pywt.idwt(ra, rd, "db4", mode), atol=1e-12)


def test_kernel_choice_table():
    sel = _kernels.select
    assert sel(4, 100, 1) == "conv1d" and sel(4, 100, 17) == "conv2d"
    assert sel(4, 40, 1, inverse=True) == "gemm" and sel(4, 100, 1, inverse=True) == "block"
    assert sel(4, 100, 2, inverse=True) == "block" and sel(4, 100, 5, inverse=True) == "conv1d"
    assert sel(4, 100, 9, inverse=True) == "matmul" and sel(4, 100, tf.constant(5), inverse=True) == "matmul"
    assert sel(4, 300, 5, inverse=True) == "conv1d" and sel(4, 300, 17, inverse=True) == "matmul"
    assert sel(4, tf.constant(300), 17, inverse=True) == "conv2d"
    assert sel(4, 100, 1, block=True) == "block" and sel(4, 20, 1, block=True) == "conv1d"
    assert sel(4, 100, 2, block=True) == "conv1d"
    assert sel(4, 100, 17, depthwise=True) == "depthwise" and sel(4, 100, 16, depthwise=True) == "conv1d"
    assert sel(4, 100, tf.constant(17), depthwise=True) == "conv2d"
    assert sel(4, tf.constant(3), tf.constant(2)) == "conv2d"  # dynamic sizes: the general kernel
    assert sel(4, 40, 1, inverse=True, flat=True) == "flat" and sel(4, 300, 1, inverse=True, flat=True) == "flat"
    assert sel(4, 5000, 1, inverse=True, flat=True) == "block"
    assert sel(4, 40, 2, inverse=True, flat=True) == "block" and sel(4, tf.constant(40), 1, inverse=True, flat=True) == "block"


@pytest.mark.parametrize("dilation", [1, 2])
def test_swt_passes_with_tensor_filters(dilation):
    """Level ``j`` of pywt.swt filters with taps ``2**(j - 1)`` apart (start_level = j - 1)."""
    x = RNG.standard_normal((3, 16))
    ((ra, rd),) = pywt.swt(x, "db2", level=1, start_level=dilation - 1)
    y = _passes.swt_axis(tf.constant(x)[..., None], 1, _tensor_bank("db2"), dilation)
    np.testing.assert_allclose(y.numpy()[..., 0], ra, atol=1e-12)
    np.testing.assert_allclose(y.numpy()[..., 1], rd, atol=1e-12)
    rec = _passes.iswt_axis(y, 1, _tensor_bank("db2"), dilation)[..., 0]
    np.testing.assert_allclose(rec.numpy(), x, atol=1e-12)  # one level inverts alone (pywt.iswt's average)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("mode", ["periodization", "symmetric", "zero"])
def test_layer_adapter_band_major_layout(ndim, mode):
    """``[B, *S, C]`` -> channels ``band * C + c`` in ``dwtn`` key order, and back."""
    C = 3
    x = RNG.standard_normal((2,) + (7, 6, 5)[:ndim] + (C,))
    axes = tuple(range(1, ndim + 1))
    bank = get_wavelet("db2")
    filters = (bank.dec_lo, bank.dec_hi, bank.rec_lo, bank.rec_hi)
    y = _base.analysis(tf.constant(x), filters, bank, mode, ndim).numpy()
    ref = pywt.dwtn(x, "db2", mode, axes=axes)
    keys = ["".join(k) for k in itertools.product("ad", repeat=ndim)]
    for i, k in enumerate(keys):
        np.testing.assert_allclose(y[..., i * C:(i + 1) * C], ref[k], atol=1e-12)
    rec = _base.synthesis(tf.constant(y), filters, bank, mode, ndim).numpy()
    np.testing.assert_allclose(rec, pywt.idwtn(ref, "db2", mode, axes=axes), atol=1e-12)
    low = _base.approximation(tf.constant(x), filters, bank, mode, ndim).numpy()
    np.testing.assert_allclose(low, ref["a" * ndim], atol=1e-12)


def test_gradient_with_respect_to_filters():
    """Tensor filters: d(loss)/d(filters) through analysis and synthesis equals finite differences."""
    x = tf.constant(RNG.standard_normal((2, 6, 5, 2)))
    b = get_wavelet("db2")
    f0 = [tf.constant(f) for f in (b.dec_lo, b.dec_hi, b.rec_lo, b.rec_hi)]

    def loss(dec_lo, dec_hi, rec_lo, rec_hi):
        filters = (dec_lo, dec_hi, rec_lo, rec_hi)
        y = _base.analysis(x, filters, b, "symmetric", 2)
        r = _base.synthesis(y ** 2, filters, b, "symmetric", 2)
        return tf.reduce_sum(r * r)

    theo, num = tf.test.compute_gradient(loss, f0, delta=1e-6)
    for t, n in zip(theo, num):
        np.testing.assert_allclose(t, n, rtol=1e-6, atol=1e-6)


def test_functions_are_thread_safe():
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((2, n)) for n in (33, 40, 57, 64)]

    def run(x):
        return kw.waverec(kw.wavedec(x, "db2", "symmetric", level=2), "db2", "symmetric")

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(run, xs))
    for x, out in zip(xs, outs):
        np.testing.assert_allclose(out.numpy()[:, : x.shape[1]], x, atol=1e-12)


def test_gradients_with_respect_to_data():
    x = tf.constant(np.random.default_rng(10).standard_normal((1, 12)))
    f = tf.function(lambda x: kw.waverec(kw.wavedec(x, "sym3", "periodization", level=1), "sym3",
                                         "periodization") ** 2)
    theo, num = tf.test.compute_gradient(f, [x])
    np.testing.assert_allclose(theo[0], num[0], atol=1e-6)


@pytest.mark.parametrize("mode", ["symmetric", "periodization", "zero"])
@pytest.mark.parametrize("name", ["db1", "db4", "bior2.4", "coif2"])
def test_grouped_synthesis_matrix_equals_the_dense_one(mode, name):
    """Each group of output rows sees exactly the (cyclic) window of coefficients it uses."""
    bank = get_wavelet(name)
    for L in (9, 40, 67):
        S = _kernels._synthesis_matrix(bank, L, mode)
        rows = S.shape[0] // 2 if S.shape[0] % 2 == 0 else S.shape[0]
        grouped = _kernels.grouped_synthesis(bank, L, mode, rows=rows)
        if grouped is None:  # a window would cover every coefficient: the dense matrix is used
            continue
        W, windows = grouped
        c = RNG.standard_normal((2 * L, 3))
        x = np.concatenate([np.concatenate([c[s * L + lo:s * L + hi] for lo, hi in win]) for win in windows
                            for s in range(2)]).reshape(W.shape[0], W.shape[2], 3)
        np.testing.assert_allclose((W @ x).reshape(-1, 3), S @ c, atol=1e-12)


@pytest.mark.parametrize("mode", ["symmetric", "periodization", "zero"])
@pytest.mark.parametrize("name", ["db4", "sym5"])
def test_grouped_synthesis_ragged_last_group(mode, name):
    """No divisor of out_len near group_rows (db4, L = 254: 502 = 2 x 251): a last group
    padded with zero rows, cropped by the caller."""
    bank = get_wavelet(name)
    for L in (254, 257, 331):
        S = _kernels._synthesis_matrix(bank, L, mode)
        W, windows = _kernels.grouped_synthesis(bank, L, mode)
        G, rows = W.shape[:2]
        assert G * rows >= S.shape[0] > (G - 1) * rows
        c = RNG.standard_normal((2 * L, 3))
        x = np.concatenate([np.concatenate([c[s * L + lo:s * L + hi] for lo, hi in win]) for win in windows
                            for s in range(2)]).reshape(G, W.shape[2], 3)
        np.testing.assert_allclose((W @ x).reshape(-1, 3)[:S.shape[0]], S @ c, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tensor_filters", [False, True])
def test_inverse_outer_axis_long_grouped_matmul(mode, tensor_filters):
    """Outer axes longer than matmul_max_len with more than small_inner columns: the grouped
    matmul (ragged and exact groups, odd lengths), against pywt in float64, gradients too."""
    for shape, name in (((509, 19), "db4"), ((500, 24), "sym5"), ((401, 33), "bior3.5")):
        x = RNG.standard_normal(shape)
        ra, rd = pywt.dwt(x, name, mode, axis=0)
        assert _kernels.select(1, ra.shape[0], shape[1], inverse=True) == "matmul"
        bank = _tensor_bank(name) if tensor_filters else get_wavelet(name)
        rec = _passes.synthesis_pair(tf.constant(ra), tf.constant(rd), 0, bank, mode)
        np.testing.assert_allclose(rec.numpy(), pywt.idwt(ra, rd, name, mode, axis=0), atol=1e-12,
                                   err_msg=f"{shape} {name}")
    # gradient: the pass is linear, so d sum(w * rec) / d a is rec's adjoint applied to w
    a, d = (tf.constant(RNG.standard_normal((255, 17))) for _ in range(2))
    w = tf.constant(RNG.standard_normal((504, 17)))
    assert _kernels.select(1, 255, 17, inverse=True) == "matmul"
    with tf.GradientTape() as tape:
        tape.watch(a)
        loss = tf.reduce_sum(w * _passes.synthesis_pair(a, d, 0, get_wavelet("db4"), "symmetric"))
    S = _kernels._synthesis_matrix(get_wavelet("db4"), 255, "symmetric")  # [504, 510]: a then d
    np.testing.assert_allclose(tape.gradient(loss, a).numpy(), S[:, :255].T @ w.numpy(), atol=1e-12)


def test_inverse_outer_axis_dynamic_length_conv2d():
    """A dynamic outer length keeps the general conv2d inverse (no grouping without a length)."""
    x = RNG.standard_normal((300, 20))
    for mode in ("symmetric", "periodization", "reflect"):
        ra, rd = pywt.dwt(x, "db3", mode, axis=0)
        f = tf.function(lambda a, d, mode=mode: _passes.synthesis_pair(a, d, 0, get_wavelet("db3"), mode),
                        input_signature=[tf.TensorSpec([None, 20], tf.float64)] * 2)
        np.testing.assert_allclose(f(tf.constant(ra), tf.constant(rd)).numpy(),
                                   pywt.idwt(ra, rd, "db3", mode, axis=0), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["sym5", "bior3.5", "coif2"])
def test_waverec2_untuned_shapes_match_pywt(mode, name):
    """Shapes past the old thresholds (flat rows of 193, outer axes of 255 with many
    columns; channels last: a 3-column inner axis, conv1d), odd sizes, float64."""
    x = RNG.standard_normal((2, 1, 251, 387))
    c = pywt.wavedec2(x, name, mode, level=2)
    np.testing.assert_allclose(kw.waverec2(c, name, mode).numpy(), pywt.waverec2(c, name, mode), atol=1e-12)
    x = RNG.standard_normal((2, 97, 61, 3))
    c = pywt.wavedec2(x, name, mode, level=2, axes=(1, 2))
    np.testing.assert_allclose(kw.waverec2(c, name, mode, axes=(1, 2)).numpy(),
                               pywt.waverec2(c, name, mode, axes=(1, 2)), atol=1e-12)


@pytest.mark.parametrize("axes", [(0, 1, 2), (2, 0), (1, 1), (2, 1, 2)])
@pytest.mark.parametrize("tensor_filters", [False, True])
def test_analysis_bands_any_axes_match_pywt_dwtn(axes, tensor_filters):
    """Separate sub-bands in key order for sorted, unsorted and repeated axes."""
    x = RNG.standard_normal((9, 24, 21))
    banks = [_tensor_bank(n) if tensor_filters else get_wavelet(n) for n in ("db2", "sym3", "haar")[:len(axes)]]
    modes = ["symmetric", "periodization", "reflect"][:len(axes)]
    ref = pywt.dwtn(x, [b.name if hasattr(b, "name") else n for b, n in zip(banks, ("db2", "sym3", "haar"))],
                    modes, axes=axes)
    got = _passes.analysis_bands(tf.constant(x), list(axes), banks, modes)
    assert len(got) == len(ref)
    for g, k in zip(got, ref):
        np.testing.assert_allclose(g.numpy(), ref[k], atol=1e-12, err_msg=k)


@pytest.mark.parametrize("mode", ["symmetric", "zero", "periodization", "reflect"])
@pytest.mark.parametrize("name", ["db4", "sym5", "bior3.5"])
def test_waverec_blocked_levels_match_pywt(mode, name):
    """Multilevel inverse through the blocked kernel: odd lengths, several level counts, a
    missing finest detail, float32 and complex."""
    for n, level in ((1000, 4), (777, 3), (4099, 5)):
        x = RNG.standard_normal((3, n))
        c = pywt.wavedec(x, name, mode, level=level)
        np.testing.assert_allclose(kw.waverec(c, name, mode).numpy(), pywt.waverec(c, name, mode), atol=1e-12)
        holed = list(c)
        holed[-1] = None
        np.testing.assert_allclose(kw.waverec(holed, name, mode).numpy(), pywt.waverec(holed, name, mode),
                                   atol=1e-12)
        c32 = [a.astype(np.float32) for a in c]
        np.testing.assert_allclose(kw.waverec(c32, name, mode).numpy(), pywt.waverec(c32, name, mode), atol=2e-5)
        cz = [a + 1j * a[::-1] for a in c]
        np.testing.assert_allclose(kw.waverec(cz, name, mode).numpy(), pywt.waverec(cz, name, mode), atol=1e-12)


@pytest.mark.parametrize("name", ["haar", "db4", "bior3.5"])
@pytest.mark.parametrize("tensor_filters", [False, True])
def test_flat_synthesis_rows_then_cropping_pass_match_pywt(name, tensor_filters):
    """All rows in one signal: per row the pass' samples, then F - 2 samples that mix two
    rows; the next pass crops them (grouped matmul: in its gathering concat, else first).
    Sizes whose product is not a multiple of the block (zeros appended)."""
    bank = _tensor_bank(name) if tensor_filters else get_wavelet(name)
    F = get_wavelet(name).rec_len
    for shape in ((3, 5, 13), (2, 7, 40), (2, 130, 9)):
        a, d = RNG.standard_normal(shape), RNG.standard_normal(shape)
        rec = _blocked.flat_synthesis(tf.constant(a), tf.constant(d), bank).numpy()
        assert rec.shape == shape[:-1] + (2 * shape[-1],)
        np.testing.assert_allclose(rec[..., :2 * shape[-1] - F + 2], pywt.idwt(a, d, name, "zero"), atol=1e-12)
        x = RNG.standard_normal((shape[0], 2 * shape[1], 2 * shape[2]))
        c = pywt.dwt2(x, name, "reflect", axes=(1, 2))
        parts = [tf.constant(p) for p in (c[0], c[1][1], c[1][0], c[1][2])]  # aa, ad, da, dd
        assert _dwt._flat_axis(parts, 1, [1, 2], ["reflect"] * 2) == 1
        got = _dwt._synthesis_list(list(parts), [bank] * 2, ["reflect"] * 2, [1, 2])
        np.testing.assert_allclose(got.numpy(), pywt.idwt2(c, name, "reflect", axes=(1, 2)), atol=1e-12)
    assert _dwt._flat_axis(parts, 1, [1, 2], ["reflect", "periodization"]) is None  # periodic rows wrap
    assert _dwt._flat_axis(parts, 1, [2, 2], ["reflect"] * 2) is None  # the next pass filters the rows
    c = pywt.dwtn(RNG.standard_normal((4, 30)), "db2", "symmetric", axes=(1, 1))
    np.testing.assert_allclose(kw.idwtn(c, "db2", "symmetric", axes=(1, 1)).numpy(),
                               pywt.idwtn(c, "db2", "symmetric", axes=(1, 1)), atol=1e-12)


def test_flat_synthesis_gradients_match_finite_differences():
    c = pywt.dwt2(RNG.standard_normal((2, 20, 22)), "db4", "symmetric")
    coeffs = [tf.Variable(c[0]), tuple(tf.Variable(v) for v in c[1])]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(kw.idwt2(coeffs, "db4", "symmetric") ** 2)
    grad = tape.gradient(loss, coeffs[0]).numpy()
    eps = 1e-6
    bumped = np.array(c[0])
    bumped[1, 3, 4] += eps
    fd = (np.sum(pywt.idwt2((bumped, c[1]), "db4", "symmetric") ** 2) - np.sum(pywt.idwt2(c, "db4", "symmetric") ** 2)) / eps
    np.testing.assert_allclose(grad[1, 3, 4], fd, rtol=1e-4)
