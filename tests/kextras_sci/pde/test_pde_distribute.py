"""MirroredStrategy over two logical CPU devices gives the single-device training.

Runs in a subprocess so the logical-device configuration does not leak into the
other tests.
"""

import json
import os
import subprocess
import sys

import numpy as np

SCRIPT = r'''
import sys, json
import numpy as np, tensorflow as tf
cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
from kextras_sci import pde

geom = pde.SpaceTime(pde.Interval(-1, 1), pde.TimeInterval(0, 1))
def burgers(u, u_t, u_x, u_xx):
    return u_t + u * u_x - 0.01 / np.pi * u_xx

def build():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((2,), dtype="float64"), keras.layers.Dense(8, "tanh", dtype="float64"), keras.layers.Dense(1, dtype="float64")])
    pinn = pde.PINN(net, [
        pde.PDEResidual(burgers, geom, num_points=101),   # odd: uneven shards
        pde.DirichletBC(geom, 0.0, num_points=7),
        pde.InitialCondition(geom, lambda x: -np.sin(np.pi * x[:, :1]), num_points=9),
    ], domain=geom)
    pinn.compile(keras.optimizers.SGD(0.05))
    return pinn

out = {}
single = build()
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    multi = build()
out["replicas"] = multi.distribute_strategy.num_replicas_in_sync
hs = single.fit(epochs=1, steps_per_epoch=3, verbose=0).history
hm = multi.fit(epochs=1, steps_per_epoch=3, verbose=0).history
out["hist_single"] = hs; out["hist_multi"] = hm
out["max_weight_diff"] = max(float(np.max(np.abs(a.numpy() - b.numpy()))) for a, b in zip(single.weights, multi.weights))
out["weights_moved"] = float(np.max(np.abs(build().weights[0].numpy() - multi.weights[0].numpy())))
rs = pde.minimize_lbfgs(single, maxiter=5, verbose=0)
rm = pde.minimize_lbfgs(multi, maxiter=5, verbose=0)
out["lbfgs_single"] = rs.history["loss"]; out["lbfgs_multi"] = rm.history["loss"]
print("RESULT " + json.dumps(out))
'''


def test_mirrored_strategy_splits_points_and_matches_single_device(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(l for l in proc.stdout.splitlines() if l.startswith("RESULT "))
    out = json.loads(line[len("RESULT "):])
    assert out["replicas"] == 2
    # 3 SGD steps on 101 + 7 + 9 points split over two replicas (uneven shards)
    assert out["weights_moved"] > 1e-3
    assert out["max_weight_diff"] < 1e-12
    for name in ("loss", "pde", "dirichlet", "initial"):
        np.testing.assert_allclose(out["hist_multi"][name], out["hist_single"][name], rtol=1e-6)
    np.testing.assert_allclose(out["lbfgs_multi"], out["lbfgs_single"], rtol=1e-12)
