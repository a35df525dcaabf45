"""The harness-coverage mechanism (tests/harness_coverage.py) itself."""

import numpy as np
from harness_coverage import exported_layers, missing

from kextras.activations import HyperSinh, MArcsinh
from kextras.testing import check_layer


def test_exported_layers_of_every_package():
    layers = exported_layers()
    assert {"kextras.activations.HyperSinh", "kextras.activations.MArcsinh"} <= layers
    assert {"kextras_graph.layers.gcn_conv.GCNConv", "kextras_sci.wavelets.layers.dwt.DWT2D"} & layers
    assert not [name for name in layers if name.endswith(".PINN")]  # models are not layers


def test_check_layer_records_what_it_passed(tmp_path, monkeypatch):
    log = tmp_path / "log.txt"
    monkeypatch.setenv("KEXTRAS_HARNESS_LOG", str(log))
    check_layer(HyperSinh(), np.linspace(-2, 2, 8, dtype="float32").reshape(2, 4), fresh_process=False,
                wrong_rank_inputs=False)
    assert log.read_text().split() == ["kextras.activations.HyperSinh"]
    absent = missing(log)
    assert "kextras.activations.MArcsinh" in absent and "kextras.activations.HyperSinh" not in absent
    assert MArcsinh.__qualname__ == "MArcsinh"
