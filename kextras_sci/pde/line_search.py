"""Strong-Wolfe line search in TensorFlow ops (Nocedal & Wright, algorithms 3.5 and 3.6).

Along ``x(a) = x + a p`` with ``phi(a) = f(x(a))`` and ``phi'(a) = g(x(a)) . p``
(``phi'(0) < 0``) it looks for a step ``a`` that satisfies the strong Wolfe conditions

    phi(a) <= phi(0) + c1 a phi'(0)        (sufficient decrease, Armijo)
    |phi'(a)| <= c2 |phi'(0)|               (curvature)

Bracketing (alg. 3.5) extrapolates by cubic interpolation of the last two trial
points (the new step lies in ``[a + 0.01 (a - a_prev), 10 a]``, capped at ``a_max``)
until a trial violates sufficient decrease, stops decreasing, or has ``phi' >= 0``;
zoom (alg. 3.6) then shrinks the bracket ``[lo, hi]`` by safeguarded cubic
interpolation (the new trial lies in the middle 80 % of the bracket). Both phases
are one ``tf.while_loop`` with one rule set: ``lo`` is always the best trial that
satisfies sufficient decrease (initially ``a = 0``) and ``hi`` the other end of the
bracket (``+inf`` while bracketing). The zoom ends when the bracket is so narrow
that its trial points differ from ``x`` by less than rounding
(``|hi - lo| max|p| <= eps max(max|x|, 1)``).

A step ``a = a_max`` (a bound of the box reached) is accepted on sufficient
decrease alone. When ``maxls`` evaluations pass without a Wolfe point, or the
bracket shrinks to rounding level, the search returns ``lo`` if ``lo > 0``
(sufficient decrease holds there) and fails otherwise.
"""

from __future__ import annotations

import tensorflow as tf

__all__ = ["strong_wolfe", "cubic_minimizer"]


def cubic_minimizer(a1, f1, d1, a2, f2, d2, low, high):
    """Minimizer of the cubic through ``(a1, f1, f'=d1)``, ``(a2, f2, f'=d2)``, clipped to ``[low, high]``.

    N&W eq. (3.59); the midpoint of ``[low, high]`` when the cubic has no minimizer.
    """
    e1 = d1 + d2 - 3.0 * (f1 - f2) / (a1 - a2)
    rad = e1 * e1 - d1 * d2
    e2 = tf.sqrt(tf.maximum(rad, 0.0))
    a = tf.where(
        a1 <= a2,
        a2 - (a2 - a1) * (d2 + e2 - e1) / (d2 - d1 + 2.0 * e2),
        a1 - (a1 - a2) * (d1 + e2 - e1) / (d1 - d2 + 2.0 * e2),
    )
    ok = (rad >= 0.0) & tf.math.is_finite(a)
    return tf.where(ok, tf.clip_by_value(a, low, high), 0.5 * (low + high))


def strong_wolfe(evaluate, x, f0, g0, terms0, p, a1, a_max, maxls, lower, upper, c1=1e-4, c2=0.9):
    """Finds a step along ``p`` from ``x`` satisfying the strong Wolfe conditions.

    Args:
        evaluate: traceable ``theta -> (f, g, terms)`` (scalar, ``[n]``, ``[k]``).
        x: ``[n]`` start point.
        f0: scalar loss at ``x``.
        g0: ``[n]`` gradient at ``x``.
        terms0: ``[k]`` loss terms at ``x``.
        p: ``[n]`` descent direction (``g0 . p < 0``).
        a1: first trial step (capped at ``a_max``).
        a_max: largest step (``x + a_max p`` on the box; ``inf`` when unbounded).
        maxls: maximum number of evaluations (int32 tensor or int).
        lower: ``[n]`` lower bounds of the box (``-inf`` where unbounded); trial
            points are clipped into the box.
        upper: ``[n]`` upper bounds of the box (``inf`` where unbounded).
        c1: sufficient-decrease (Armijo) constant (default 1e-4).
        c2: curvature constant (default 0.9), ``0 < c1 < c2 < 1``.

    Returns:
        dict: ``ok`` (a step with sufficient decrease was found), ``wolfe`` (it also
        satisfies the curvature condition), ``finite`` (every trial loss was finite),
        ``step``, ``x``, ``f``, ``g``, ``terms`` at the returned point (the start point
        when ``ok`` is false), ``nfev`` (evaluations made), ``trial_terms`` (the terms
        at the last trial, e.g. the non-finite ones).
    """
    dtype = x.dtype
    d0 = tf.tensordot(g0, p, 1)
    zero = tf.zeros([], dtype)
    inf = tf.constant(float("inf"), dtype)
    eps = tf.constant(tf.experimental.numpy.finfo(dtype.as_numpy_dtype).eps, dtype)
    a_max = tf.cast(a_max, dtype)
    a1 = tf.minimum(tf.cast(a1, dtype), a_max)
    p_max = tf.reduce_max(tf.abs(p))
    x_max = tf.maximum(tf.reduce_max(tf.abs(x)), 1.0)

    def point(a):
        return tf.clip_by_value(x + a * p, lower, upper)

    def cond(n, a, lo, hi, done, wolfe, finite, t_last):
        return (n < maxls) & ~done & finite

    def body(n, a, lo, hi, done, wolfe, finite, t_last):
        a_l, f_l, d_l, x_l, g_l, t_l = lo
        a_h, f_h, d_h = hi
        x_c = point(a)
        f_c, g_c, t_c = evaluate(x_c)
        f_c = tf.cast(f_c, dtype)
        d_c = tf.tensordot(g_c, p, 1)
        finite = tf.math.is_finite(f_c) & tf.reduce_all(tf.math.is_finite(g_c))
        armijo = (f_c <= f0 + c1 * a * d0) & (f_c < f_l)
        curvature = tf.abs(d_c) <= -c2 * d0
        zooming = tf.math.is_finite(a_h)
        # rule 1: no sufficient decrease -> the trial closes the bracket from above
        to_hi = ~armijo
        # rule 2: Wolfe point found
        accept = armijo & curvature
        # rule 3: phi' has the wrong sign w.r.t. the bracket -> the old lo becomes hi
        flip = armijo & ~curvature & (d_c * (a_h - a_l) >= 0.0)
        # otherwise (armijo & ~curvature & ~flip) the trial becomes the new lo
        new_lo = armijo
        hit_bound = armijo & ~curvature & ~flip & ~zooming & (a >= a_max)
        sel = lambda c, u, v: tf.where(c, u, v)  # noqa: E731
        a_h2 = sel(to_hi, a, sel(flip, a_l, a_h))
        f_h2 = sel(to_hi, f_c, sel(flip, f_l, f_h))
        d_h2 = sel(to_hi, d_c, sel(flip, d_l, d_h))
        lo2 = (
            sel(new_lo, a, a_l),
            sel(new_lo, f_c, f_l),
            sel(new_lo, d_c, d_l),
            sel(new_lo, x_c, x_l),
            sel(new_lo, g_c, g_l),
            sel(new_lo, t_c, t_l),
        )
        done = accept | hit_bound
        zoom2 = tf.math.is_finite(a_h2)
        # next trial: zoom -> safeguarded cubic in the bracket; bracketing -> extrapolation
        left, right = tf.minimum(lo2[0], a_h2), tf.maximum(lo2[0], a_h2)
        width = right - left
        a_zoom = cubic_minimizer(lo2[0], lo2[1], lo2[2], a_h2, f_h2, d_h2, left + 0.1 * width, right - 0.1 * width)
        a_ext = cubic_minimizer(a_l, f_l, d_l, a, f_c, d_c, a + 0.01 * (a - a_l), 10.0 * a)
        a_next = sel(zoom2, a_zoom, tf.minimum(a_ext, a_max))
        # the bracket has shrunk to rounding level: no new trial point can be told apart
        done = done | (zoom2 & (width * p_max <= eps * x_max))
        return n + 1, a_next, lo2, (a_h2, f_h2, d_h2), done, wolfe | accept, finite, t_c

    lo0 = (zero, tf.cast(f0, dtype), d0, x, g0, terms0)
    state = (tf.constant(0, tf.int32), a1, lo0, (inf, zero, zero), tf.constant(False), tf.constant(False), tf.constant(True),
             terms0)
    n, _, lo, _, _, wolfe, finite, t_last = tf.while_loop(cond, body, state)
    a_l, f_l, _, x_l, g_l, t_l = lo
    return {"ok": finite & (a_l > 0.0), "wolfe": wolfe & finite, "finite": finite, "step": a_l,
            "x": x_l, "f": f_l, "g": g_l, "terms": t_l, "nfev": n, "trial_terms": t_last}
