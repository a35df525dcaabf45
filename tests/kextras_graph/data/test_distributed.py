"""The sampled dataset shards its seed nodes between MultiWorkerMirroredStrategy workers."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

WORKER = Path(__file__).with_name("_mwms_worker.py")
ROOT = Path(__file__).resolve().parents[3]


def free_ports(k):
    socks = [socket.socket() for _ in range(k)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.mark.slow
def test_two_workers_see_disjoint_seeds(tmp_path):
    hosts = [f"127.0.0.1:{p}" for p in free_ports(2)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2")
    procs, outs = [], []
    try:
        for i in range(2):
            config = json.dumps({"cluster": {"worker": hosts}, "task": {"type": "worker", "index": i}})
            outs.append(tmp_path / f"worker{i}.json")
            procs.append(subprocess.Popen([sys.executable, str(WORKER), config, str(outs[-1])], env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        logs = [p.communicate(timeout=240)[0].decode(errors="replace")[-3000:] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
    for p, log in zip(procs, logs):
        assert p.returncode == 0, log
    results = [json.loads(o.read_text()) for o in outs]
    a, b = (np.array(r["seeds"]) for r in results)
    train = np.arange(0, 400, 4)
    assert np.intersect1d(a, b).size == 0  # no seed on both workers
    np.testing.assert_array_equal(np.sort(np.concatenate([a, b])), train)  # together: every seed once
    np.testing.assert_array_equal(np.sort(a), train[0::2])  # worker i: seeds[i::2]
    assert all(r["total"] == train.size for r in results)  # all-reduce across both workers
