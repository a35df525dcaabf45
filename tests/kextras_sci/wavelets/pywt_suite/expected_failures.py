"""Every pywt-suite test that fails against kextras, with the exception it raises and why.

Keys are test names as collected (``test_<pywt module>__<pywt test>``, with the parameter
id in brackets where only some parametrizations fail; a key without brackets covers every
parametrization). Values: ``(exception type the test must fail with, reason)``.
``docs/wavelets/pywt-suite.md`` shows the same list (``test_pywt_suite_list.py`` checks it).
"""

import tensorflow as tf
from pytest import fail

from pywt_suite.adapter import Missing

Failed = fail.Exception


EXPECTED_FAILURES = {
    "test__pywt__test_compare_downcoef_coeffs": (Missing, "missing function: `downcoef`"),
    "test__pywt__test_downcoef_complex": (Missing, "missing function: `downcoef`"),
    "test__pywt__test_downcoef_errs": (Missing, "missing function: `downcoef`"),
    "test__pywt__test_downcoef_multilevel": (Missing, "missing function: `downcoef`"),
    "test__pywt__test_upcoef_and_downcoef_1d_only": (Missing, "missing function: `downcoef`"),
    "test__pywt__test_upcoef_complex": (Missing, "missing function: `upcoef`"),
    "test__pywt__test_upcoef_errs": (Missing, "missing function: `upcoef`"),
    "test__pywt__test_upcoef_multilevel": (Missing, "missing function: `upcoef`"),
    "test__pywt__test_upcoef_reconstruct": (Missing, "missing function: `downcoef`"),
    "test_concurrent__test_concurrent_cwt": (Missing, "cwt: branch i12b"),
    "test_concurrent__test_concurrent_swt": (Missing, "missing function: `swt2`"),
    "test_cwt_wavelets__test_cwt_batch": (Missing, "cwt: branch i12b"),
    "test_cwt_wavelets__test_cwt_complex": (Missing, "cwt: branch i12b"),
    "test_cwt_wavelets__test_cwt_method_fft": (Missing, "cwt: branch i12b"),
    "test_cwt_wavelets__test_cwt_negative_scale": (Missing, "cwt: branch i12b"),
    "test_cwt_wavelets__test_cwt_small_scales": (Missing, "cwt: branch i12b"),
    "test_cwt_wavelets__test_cwt_zero_scale": (Missing, "cwt: branch i12b"),
    "test_dwt_idwt__test_dwt_coeff_len": (Missing, "missing function: `dwt_coeff_len`"),
    "test_dwt_idwt__test_pad_1d": (Missing, "missing function: `pad`"),
    "test_dwt_idwt__test_pad_errors": (Missing, "missing function: `pad`"),
    "test_dwt_idwt__test_pad_nd": (Missing, "missing function: `pad`"),
    "test_matlab_compatibility_cwt__test_accuracy_precomputed_cwt": (Missing, "cwt: branch i12b"),
    "test_mra__test_mra2_axes": (Missing, "missing function: `mra2`"),
    "test_mra__test_mra2_roundtrip": (Missing, "missing function: `mra2`"),
    "test_mra__test_mra2_warns_on_non_orthogonal[dwt2-bior2.4]": (Missing, "missing function: `mra2`"),
    "test_mra__test_mra2_warns_on_non_orthogonal[dwt2-rbio1.3]": (Missing, "missing function: `mra2`"),
    "test_mra__test_mra2_warns_on_non_orthogonal[swt2-bior2.4]": (Failed, "missing function: `mra` (pytest.warns reports DID NOT WARN)"),
    "test_mra__test_mra2_warns_on_non_orthogonal[swt2-rbio1.3]": (Failed, "missing function: `mra` (pytest.warns reports DID NOT WARN)"),
    "test_mra__test_mra_axis": (Missing, "missing function: `mra`"),
    "test_mra__test_mra_roundtrip": (Missing, "missing function: `mra`"),
    "test_mra__test_mra_warns_on_non_orthogonal[dwt-bior2.4]": (Missing, "missing function: `mra`"),
    "test_mra__test_mra_warns_on_non_orthogonal[dwt-rbio1.3]": (Missing, "missing function: `mra`"),
    "test_mra__test_mra_warns_on_non_orthogonal[swt-bior2.4]": (Failed, "missing function: `mra` (pytest.warns reports DID NOT WARN)"),
    "test_mra__test_mra_warns_on_non_orthogonal[swt-rbio1.3]": (Failed, "missing function: `mra` (pytest.warns reports DID NOT WARN)"),
    "test_mra__test_mran_axes": (Missing, "missing function: `mran`"),
    "test_mra__test_mran_roundtrip": (Missing, "missing function: `mran`"),
    "test_mra__test_mran_warns_on_non_orthogonal[dwtn-bior2.4]": (Missing, "missing function: `mran`"),
    "test_mra__test_mran_warns_on_non_orthogonal[dwtn-rbio1.3]": (Missing, "missing function: `mran`"),
    "test_mra__test_mran_warns_on_non_orthogonal[swtn-bior2.4]": (Failed, "missing function: `mra` (pytest.warns reports DID NOT WARN)"),
    "test_mra__test_mran_warns_on_non_orthogonal[swtn-rbio1.3]": (Failed, "missing function: `mra` (pytest.warns reports DID NOT WARN)"),
    "test_multilevel__test_array_to_coeffs_invalid_inputs": (Missing, "missing function: `coeffs_to_array`"),
    "test_multilevel__test_coeffs_to_array": (Missing, "missing function: `coeffs_to_array`"),
    "test_multilevel__test_coeffs_to_array_padding": (Missing, "missing function: `coeffs_to_array`"),
    "test_multilevel__test_dwtn_max_level": (Missing, "missing function: `dwtn_max_level`"),
    "test_multilevel__test_fswavedecn_fswaverecn_axes_subsets": (Missing, "missing function: `fswavedecn`"),
    "test_multilevel__test_fswavedecn_fswaverecn_roundtrip": (Missing, "missing function: `fswavedecn`"),
    "test_multilevel__test_fswavedecn_fswaverecn_variable_levels": (Missing, "missing function: `fswavedecn`"),
    "test_multilevel__test_fswavedecn_fswaverecn_variable_wavelets_and_modes": (Missing, "missing function: `fswavedecn`"),
    "test_multilevel__test_fswavedecn_fswaverecn_zero_levels": (Missing, "missing function: `fswavedecn`"),
    "test_multilevel__test_fswavedecnresult": (Missing, "missing function: `fswavedecn`"),
    "test_multilevel__test_ravel_invalid_input": (Missing, "missing function: `ravel_coeffs`"),
    "test_multilevel__test_ravel_wavedec2_with_lists": (Missing, "missing function: `ravel_coeffs`"),
    "test_multilevel__test_unravel_invalid_inputs": (Missing, "missing function: `ravel_coeffs`"),
    "test_multilevel__test_wavedecn_coeff_ravel": (Missing, "missing function: `ravel_coeffs`"),
    "test_multilevel__test_wavedecn_coeff_ravel_zero_level": (Missing, "missing function: `ravel_coeffs`"),
    "test_multilevel__test_wavedecn_coeff_reshape_axes_subset": (Missing, "missing function: `coeffs_to_array`"),
    "test_multilevel__test_wavedecn_coeff_reshape_even": (Missing, "missing function: `coeffs_to_array`"),
    "test_multilevel__test_wavedecn_shapes_and_size": (Missing, "missing function: `wavedecn_shapes`"),
    "test_multilevel__test_waverec_invalid_inputs": (Missing, "missing function: `coeffs_to_array`"),
    "test_multilevel__test_waverecn_coeff_ravel_odd": (Missing, "missing function: `ravel_coeffs`"),
    "test_multilevel__test_waverecn_coeff_reshape_odd": (Missing, "missing function: `coeffs_to_array`"),
    "test_perfect_reconstruction__test_perfect_reconstruction": (AssertionError, "float32 smooth mode, db21 length 2: round trip rms 7.0e-7 above pywt's bound 6e-7"),
    "test_swt__test_error_on_continuous_wavelet": (Missing, "missing function: `swt2`"),
    "test_swt__test_iswt2_mixed_dtypes": (Missing, "missing function: `swt2`"),
    "test_swt__test_iswtn_errors": (Missing, "missing function: `swtn`"),
    "test_swt__test_iswtn_mixed_dtypes": (Missing, "missing function: `swtn`"),
    "test_swt__test_per_axis_wavelets": (Missing, "missing function: `swtn`"),
    "test_swt__test_swt2_axes": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt2_iswt2_integration": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt2_iswt2_non_square": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt2_iswt2_quick": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt2_ndim_error": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt2_variance_and_energy_preservation": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt_dtypes": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt_ravel_and_unravel": (Missing, "missing function: `ravel_coeffs`"),
    "test_swt__test_swt_roundtrip_dtypes": (Missing, "missing function: `swt2`"),
    "test_swt__test_swt_zero_size_axes": (Missing, "empty input: swt([]) must raise ValueError"),
    "test_swt__test_swtn_axes": (Missing, "missing function: `swtn`"),
    "test_swt__test_swtn_iswtn_integration": (Missing, "missing function: `swtn`"),
    "test_swt__test_swtn_iswtn_quick": (Missing, "missing function: `swtn`"),
    "test_swt__test_swtn_iswtn_unique_shape_per_axis": (Missing, "missing function: `swtn`"),
    "test_swt__test_swtn_variance_and_energy_preservation": (Missing, "missing function: `swtn`"),
}


def markdown_table():
    """The list as the Markdown table shown in ``docs/wavelets/pywt-suite.md``."""
    rows = ["| test | fails with | reason |", "|---|---|---|"]
    for name in sorted(EXPECTED_FAILURES):
        raises, reason = EXPECTED_FAILURES[name]
        rows.append(f"| `{name}` | `{raises.__name__}` | {reason} |")
    return "\n".join(rows)
