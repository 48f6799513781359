"""The built NetPyNE network equals hnn-core's, NetCon for NetCon."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reference_data import DATA
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.runtime.connect import count_netcons
from hnn_netpyne.runtime.mpienv import mpi_environment

FACTS = json.loads((DATA / "erp_network_facts.json").read_text())


@pytest.fixture(scope="module", params=["fast", "fast_2ranks", "netpyne"])
def erp_netcons(request, tmp_path_factory):
    """NetCons of the ERP network built by our connector (on 1 and 2 ranks) and by NetPyNE's."""
    folder = tmp_path_factory.mktemp("netcons")
    config = folder / "cfg.json"
    config.write_text(json.dumps(build_sim_config("erp")))
    out = folder / "netcons.npz"
    script = Path(__file__).parent / "network_dump.py"
    mode = request.param.split("_")[0]
    cmd = [sys.executable, str(script), mode, str(config), str(out)]
    if request.param == "fast_2ranks":
        bin_dir = Path(sys.executable).parent
        cmd = [str(bin_dir / "mpiexec"), "-n", "2", str(bin_dir / "nrniv"), "-python", "-mpi"] + cmd[1:]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                          env=mpi_environment(), stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    parts = sorted(folder.glob("netcons_rank*.npz")) or [out]
    loaded = [dict(np.load(part)) for part in parts]
    netcons = {k: np.concatenate([p[k] for p in loaded]) for k in loaded[0] if k != "n_exp2syn"}
    netcons["n_exp2syn"] = sum(int(p["n_exp2syn"]) for p in loaded)
    return netcons


def _keyed(src, tgt, sec_receptor, weight, delay):
    order = np.lexsort((sec_receptor, tgt, src))
    keys = list(zip(src[order].tolist(), tgt[order].tolist(), sec_receptor[order].tolist()))
    return keys, weight[order], delay[order]


def test_netcons_equal_hnn_core(erp_netcons):
    ref = np.load(DATA / "erp_netcons.npz")
    ours = erp_netcons
    ref_keys, ref_w, ref_d = _keyed(ref["src_gid"], ref["tgt_gid"],
                                    ref["syn_keys"][ref["syn_key_index"]].astype(str),
                                    ref["weight"], ref["delay"])
    our_sec_rec = np.char.add(np.char.add(ours["sec"].astype(str), "_"),
                              ours["receptor"].astype(str))
    our_keys, our_w, our_d = _keyed(ours["src"], ours["tgt"], our_sec_rec, ours["weight"],
                                    ours["delay"])
    assert len(our_keys) == FACTS["synaptic_netcons_total"] == len(ref_keys)
    assert our_keys == ref_keys
    np.testing.assert_allclose(our_w, ref_w, rtol=1e-9, atol=0)
    np.testing.assert_allclose(our_d, ref_d, rtol=1e-9, atol=0)


def test_autapses_as_in_hnn_core(erp_netcons):
    same = erp_netcons["src"] == erp_netcons["tgt"]
    # Only L2 basket cells (gids 0-34) connect to themselves (GABAA at the soma).
    assert same.sum() == 35
    assert set(erp_netcons["tgt"][same]) == set(range(35))


def test_one_synapse_per_section_and_receptor(erp_netcons):
    # Exp2Syn objects: one per (cell, section, receptor) that receives a connection.
    sec_rec = np.char.add(np.char.add(erp_netcons["sec"].astype(str), "_"),
                          erp_netcons["receptor"].astype(str))
    targets = set(zip(erp_netcons["tgt"].tolist(), sec_rec.tolist()))
    assert int(erp_netcons["n_exp2syn"]) == len(targets)
    assert len(targets) < 7000


def test_netcon_count_without_building():
    net_params = build_net_params(build_sim_config("erp"))
    assert count_netcons(net_params) == FACTS["synaptic_netcons_total"]
    # Doubling the grid side multiplies the all-to-all pyramidal NetCons by 16.
    big = build_net_params(build_sim_config("erp", mesh_shape=(20, 20)))
    assert count_netcons(big) > 15 * FACTS["synaptic_netcons_total"]
