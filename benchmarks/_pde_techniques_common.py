"""Shared helpers of the PINN technique benchmarks (bench_pde_techniques.py): time budget, summary, output."""

from __future__ import annotations

import json
import time

import keras
import numpy as np


class TimeBudget(keras.callbacks.Callback):
    """Stops training after ``seconds`` of wall time counted from the end of the
    first step (so tracing and compilation are not counted)."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.steps = 0
        self.t0 = None

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.t0 is None:
            self.t0 = time.perf_counter()
        elif time.perf_counter() - self.t0 > self.seconds:
            self.model.stop_training = True


def summary(case, rows, steps):
    """Mean, sample standard deviation, median, min and max of ``rel_l2`` over seeds."""
    errs = np.array([r["rel_l2"] for r in rows])
    return dict(case=case, seeds=len(rows), steps=steps, rel_l2_mean=float(errs.mean()),
                rel_l2_std=float(errs.std(ddof=1)) if len(errs) > 1 else 0.0,
                rel_l2_median=float(np.median(errs)), rel_l2_min=float(errs.min()), rel_l2_max=float(errs.max()),
                kextras_s=float(np.median([r["kextras_s"] for r in rows])))


def emit(**row):
    print(json.dumps({"bench": "pde_techniques", **row}), flush=True)
