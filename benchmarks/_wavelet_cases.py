"""The cases of ``bench_wavelets_pywt.py``: the issue's (tuned) ones and the untuned ones,
their labels, selection, new shapes and inputs."""

import numpy as np

# name -> (function, shape, wavelet, level, mode, axes)
CASES = {
    "wavedec2 symmetric": ("wavedec2", (32, 3, 256, 256), "db4", 4, "symmetric", (-2, -1)),
    "waverec2 symmetric": ("waverec2", (32, 3, 256, 256), "db4", 4, "symmetric", (-2, -1)),
    "wavedec2 periodization": ("wavedec2", (32, 3, 256, 256), "db4", 4, "periodization", (-2, -1)),
    "waverec2 periodization": ("waverec2", (32, 3, 256, 256), "db4", 4, "periodization", (-2, -1)),
    "wavedec symmetric": ("wavedec", (64, 65536), "db4", 6, "symmetric", (-1,)),
    "waverec symmetric": ("waverec", (64, 65536), "db4", 6, "symmetric", (-1,)),
    "wavedec periodization": ("wavedec", (64, 65536), "db4", 6, "periodization", (-1,)),
    "waverec periodization": ("waverec", (64, 65536), "db4", 6, "periodization", (-1,)),
    "dwt2 symmetric": ("dwt2", (32, 256, 256, 3), "haar", 1, "symmetric", (1, 2)),
}
# shapes and wavelets no kernel threshold was tuned on (odd and short lengths, longer
# filters, 3D): kextras should not lose to pywt anywhere; selected only by a ``--cases``
# substring containing "untuned" (``--cases untuned``: all of them)
UNTUNED = {
    **{f"untuned {fn} {w}": (fn, (8, 2, 500, 376), w, 3, "symmetric", (-2, -1))
       for fn in ("wavedec2", "waverec2") for w in ("sym5", "bior3.5", "coif2")},
    **{f"untuned {fn} odd {m}": (fn, (16, 10007), "db6", 5, m, (-1,))
       for fn in ("wavedec", "waverec") for m in ("symmetric", "periodization", "reflect")},
    **{f"untuned {fn} short": (fn, (512, 256), "db2", 3, "symmetric", (-1,)) for fn in ("wavedec", "waverec")},
    **{f"untuned {fn} 3d": (fn, (4, 64, 64, 64), "db2", 2, "symmetric", (-3, -2, -1))
       for fn in ("wavedecn", "waverecn")},
    **{f"untuned {fn} channels-last": (fn, (8, 500, 376, 3), "sym5", 3, "symmetric", (1, 2))
       for fn in ("wavedec2", "waverec2")},
    **{f"untuned {fn} long odd": (fn, (12, 100003), "db4", 5, "symmetric", (-1,)) for fn in ("wavedec", "waverec")},
}
CASES.update(UNTUNED)
PTWT_MODES = ("constant", "zero", "reflect", "periodic", "symmetric")


def case_label(name):
    fn, shape, wavelet, level, mode, axes = CASES[name]
    tag = " (untuned)" if name in UNTUNED else ""
    return f"{fn} {'x'.join(map(str, shape))} {wavelet} L{level} {mode} axes={list(axes)}{tag}"


def select_cases(filters):
    """Case names matching any of the comma-separated substrings (all tuned cases when
    ``None``); the untuned ones only for a substring containing "untuned"."""
    subs = filters.split(",") if filters else None
    return [n for n in CASES if (subs is None and n not in UNTUNED)
            or (subs and any(f in n and (n not in UNTUNED or "untuned" in f) for f in subs))]


def new_shape(name):
    """Half the batch, 7/8 of every transformed size (divisible by 2**level where the case's
    sizes are)."""
    fn, shape, _, _, _, axes = CASES[name]
    out = list(shape)
    out[0] //= 2
    for a in axes:
        out[a] = out[a] * 7 // 8
    return tuple(out)


def aligned(a):
    """A copy of ``a`` whose data starts on a 64-byte boundary."""
    buf = np.empty(a.nbytes + 64, np.uint8)
    start = -buf.ctypes.data % 64
    out = buf[start:start + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


def make_input(name, shape, seed, align=False):
    """NumPy input of the case: the signal (forward) or pywt's coefficients of it (inverse);
    ``align``: every array in a 64-byte aligned buffer (the bench's ``--aligned``)."""
    import pywt

    fn, _, wavelet, level, mode, axes = CASES[name]
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    own = aligned if align else (lambda a: a)
    if fn == "waverec2":
        c = pywt.wavedec2(x, wavelet, mode, level=level, axes=axes)
        return [own(c[0])] + [tuple(own(d) for d in t) for t in c[1:]]
    if fn == "waverec":
        return [own(d) for d in pywt.wavedec(x, wavelet, mode, level=level, axis=axes[0])]
    if fn == "waverecn":
        c = pywt.wavedecn(x, wavelet, mode, level=level, axes=axes)
        return [own(c[0])] + [{k: own(v) for k, v in t.items()} for t in c[1:]]
    return own(x)
