"""`WTConv2D`: wavelet convolution for large receptive fields (Finder et al., ECCV 2024)."""

from __future__ import annotations

import keras
import tensorflow as tf

from kextras import validation
from kextras_sci.wavelets.layers import _base


class WTConv2D(_base.FilterMixin, keras.layers.Layer):
    """Wavelet convolution (Finder, Amoyal, Treister, Freifeld, "Wavelet Convolutions for
    Large Receptive Fields", ECCV 2024).

    A depthwise convolution whose receptive field grows with the number of wavelet levels
    at a cost logarithmic in its size. With ``a_0 = x`` and, for ``i = 1 .. levels``,
    ``(a_i, h_i) = DWT(a_{i-1})`` (``h_i`` the three detail bands)::

        z_i = s_i * DWConv_i([a_i, h_i])                       (depthwise k x k on 4C channels)
        r_levels = IDWT(z_levels),   r_i = IDWT([z_i^a + r_{i+1}, z_i^h])   (i < levels)
        y = s_0 * (DWConv_0(x) + b) + r_1

    where ``s_0`` (per channel, initialised to 1) and ``s_i`` (per band and channel,
    initialised to ``wavelet_scale_init`` = 0.1) are learnable scales, as in the authors'
    reference implementation (``WTConv2d``; the next level decomposes the *unconvolved*
    approximation ``a_i``). Each reconstruction is cropped to the size of the level's
    input, so any spatial size works (odd sizes use the periodization extension of the
    DWT instead of the reference's zero padding). ``strides > 1`` subsamples the output,
    as the reference does.

    Args:
        kernel_size: odd or even positive int, the depthwise kernel size at every level
            (and of the base convolution). Default 5.
        levels: number of wavelet levels, a positive integer. Default 1.
        wavelet: wavelet name or four filters. Default ``"db1"`` (Haar, the paper's choice).
        mode: signal extension mode of the DWT. Default ``"periodization"``.
        strides: output subsampling factor, a positive integer. Default 1.
        use_bias: add a bias to the base convolution. Default True.
        kernel_initializer: initializer of the depthwise kernels. Default ``"glorot_uniform"``.
        wavelet_scale_init: initial value of the wavelet-branch scales. Default 0.1.
        learnable: trainable orthogonal wavelet filters (lattice angles; analysis and
            synthesis share them, so the transform stays perfectly reconstructing).
            Default False.
        **kwargs: base layer arguments.

    Input shape:
        ``(batch, height, width, channels)``.

    Output shape:
        ``(batch, ceil(height / strides), ceil(width / strides), channels)``.
    """

    def __init__(
        self,
        kernel_size=5,
        levels=1,
        wavelet="db1",
        mode="periodization",
        strides=1,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        wavelet_scale_init=0.1,
        learnable=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kernel_size = validation.positive_int("kernel_size", kernel_size)
        self.levels = validation.positive_int("levels", levels)
        self.strides = validation.positive_int("strides", strides)
        self.use_bias = validation.boolean("use_bias", use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.wavelet_scale_init = validation.real("wavelet_scale_init", wavelet_scale_init)
        self._setup_filters(wavelet, mode, learnable)

    def build(self, input_shape):
        _base.check_rank(input_shape, 2, "WTConv2D")
        channels = input_shape[-1]
        if channels is None:
            raise ValueError("WTConv2D needs a statically known number of channels.")
        k = self.kernel_size
        self.base_kernel = self.add_weight(
            name="base_kernel", shape=(k, k, channels, 1), initializer=self.kernel_initializer
        )
        self.bias = (
            self.add_weight(name="bias", shape=(channels,), initializer="zeros") if self.use_bias else None
        )
        self.base_scale = self.add_weight(name="base_scale", shape=(channels,), initializer="ones")
        self.wavelet_kernels = [
            self.add_weight(name=f"wavelet_kernel_{i}", shape=(k, k, 4 * channels, 1), initializer=self.kernel_initializer)
            for i in range(self.levels)
        ]
        self.wavelet_scales = [
            self.add_weight(
                name=f"wavelet_scale_{i}",
                shape=(4 * channels,),
                initializer=keras.initializers.Constant(self.wavelet_scale_init),
            )
            for i in range(self.levels)
        ]
        self._build_filters()
        self.built = True

    def compute_output_shape(self, input_shape):
        _base.check_rank(input_shape, 2, "WTConv2D")
        spatial = [None if n is None else -(-n // self.strides) for n in input_shape[1:3]]
        return (input_shape[0], *spatial, input_shape[-1])

    def _dwconv(self, x, kernel):
        return tf.nn.depthwise_conv2d(x, tf.cast(kernel, x.dtype), strides=[1, 1, 1, 1], padding="SAME")

    def call(self, inputs):
        _base.check_rank(inputs.shape, 2, "WTConv2D")
        x = inputs
        channels = x.shape[-1]
        dtype = x.dtype
        filters = self.current_filters(_base.filter_dtype(dtype))
        approx = x
        stash = []
        for i in range(self.levels):
            size = _base.spatial_sizes(approx, 2)
            y = _base.analysis(approx, filters, self._bank, self.mode, 2)
            approx = y[..., :channels]
            z = self._dwconv(y, self.wavelet_kernels[i]) * tf.cast(self.wavelet_scales[i], dtype)
            stash.append((z, size))
        carry = None
        for z, size in reversed(stash):
            low = z[..., :channels] if carry is None else z[..., :channels] + carry
            carry = _base.synthesis(tf.concat([low, z[..., channels:]], axis=-1), filters, self._bank, self.mode, 2, size)
        base = self._dwconv(x, self.base_kernel)
        if self.bias is not None:
            base = base + tf.cast(self.bias, dtype)
        out = base * tf.cast(self.base_scale, dtype) + carry
        if self.strides > 1:
            out = out[:, :: self.strides, :: self.strides]
        return _base.set_static_shape(out, self.compute_output_shape(inputs.shape))

    def get_config(self):
        config = super().get_config()
        config.update(
            kernel_size=self.kernel_size,
            levels=self.levels,
            wavelet=self.wavelet,
            mode=self.mode,
            strides=self.strides,
            use_bias=self.use_bias,
            kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
            wavelet_scale_init=self.wavelet_scale_init,
            learnable=self.learnable,
        )
        return config
