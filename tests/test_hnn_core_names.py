"""hnn-core names added for its scripts: cells, parameter files, backends, network files.

Numbers marked "hnn-core" were printed by hnn-core 0.6.1 for the same calls.
"""

import json
import threading
import time

import numpy as np
import pytest

import hnn_netpyne
from hnn_netpyne import (
    Cell,
    JoblibBackend,
    MPIBackend,
    Params,
    basket,
    convert_to_json,
    dict_to_network,
    jones_2009_model,
    network_to_dict,
    pyramidal,
    read_params,
    write_network_configuration,
)
from hnn_netpyne.errors import ParameterError, SimulationError
from hnn_netpyne.params import PARAM_DIR


def test_default_cells_are_hnn_cores():
    cell = pyramidal("L5_pyramidal", pos=(1.0, 2.0, 3.0), gid=7)
    assert isinstance(cell, Cell) and cell.gid == 7 and cell.pos == (1.0, 2.0, 3.0)
    assert cell.distance_section("apical_2", ("soma", 0)) == 1161.0  # hnn-core
    assert cell.sections["apical_trunk"].end_pts == [[0.0, 0.0, 39.0], [0.0, 0.0, 141.0]]
    longer = cell.copy()
    longer.modify_section("apical_trunk", L=200.0)
    # hnn-core: the trunk and everything above it move with the new length
    assert longer.sections["apical_trunk"].end_pts == [[0.0, 0.0, 39.0], [0.0, 0.0, 239.0]]
    assert longer.sections["apical_1"].end_pts == [[0.0, 0.0, 239.0], [0.0, 0.0, 919.0]]
    assert cell.sections["apical_1"].end_pts[0] == [0.0, 0.0, 141.0]
    back = Cell.from_dict(json.loads(json.dumps(cell.to_dict())))
    assert back.to_dict() == cell.to_dict()
    with pytest.raises(ParameterError, match="gid"):
        cell.gid = 8
    assert basket("L2_basket").cell_tree is None
    with pytest.raises(ParameterError, match="cell_name"):
        basket("L2_pyramidal")


def test_network_takes_its_own_cells_and_positions_only():
    net = jones_2009_model(mesh_shape=(3, 3))
    same = hnn_netpyne.Network(mesh_shape=(3, 3), pos_dict=net.pos_dict,
                               cell_types={"L5_pyramidal": pyramidal("L5_pyramidal")})
    assert same.gid_ranges == net.gid_ranges
    other = pyramidal("L5_pyramidal")
    other.modify_section("soma", L=30.0)
    with pytest.raises(ParameterError, match="cell_types/L5_pyramidal"):
        hnn_netpyne.Network(mesh_shape=(3, 3), cell_types={"L5_pyramidal": other})
    moved = {name: np.asarray(pos) + 1.0 for name, pos in net.pos_dict.items()}
    with pytest.raises(ParameterError, match="pos_dict"):
        hnn_netpyne.Network(mesh_shape=(3, 3), pos_dict=moved)


def test_params_input_write_and_file_contents(tmp_path):
    params = read_params(PARAM_DIR / "default.json")
    params.write(tmp_path / "copy.json")
    assert read_params(tmp_path / "copy.json") == params
    text = (tmp_path / "copy.json").read_text()
    assert read_params("uploaded.json", file_contents=text) == params
    assert Params(params_input={"tstop": 100.0})["tstop"] == 100.0


def test_network_files_and_dicts(tmp_path):
    convert_to_json(PARAM_DIR / "default.json", tmp_path / "net")  # .json is added
    data = json.loads((tmp_path / "net.json").read_text())
    assert sorted(data["external_drives"]) == ["evdist1", "evprox1", "evprox2"]
    net = dict_to_network(data)
    assert network_to_dict(net)["connectivity"] == data["connectivity"]
    write_network_configuration(net, tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text())["gid_ranges"] == data["gid_ranges"]
    with pytest.raises(ParameterError, match="write_output"):
        network_to_dict(net, write_output=True)


def test_backend_options():
    assert JoblibBackend(n_jobs=1).n_procs is None and JoblibBackend(n_jobs=3).n_procs == 3
    backend = MPIBackend(n_procs=2, use_hwthreading_if_found=False, sensible_default_cores=True,
                         override_hwthreading_option=True, override_oversubscribe_option=None)
    assert backend.n_procs == 2 and backend.override_hwthreading_option is True
    with pytest.warns(UserWarning, match="no simulation is running"):
        backend.terminate()


@pytest.mark.slow
def test_terminate_ends_the_running_simulation():
    net = jones_2009_model(mesh_shape=(3, 3))
    backend = MPIBackend(n_procs=1)
    outcome = []

    def run():
        try:
            backend.simulate(net, tstop=100_000.0, dt=0.025, n_trials=1)
        except SimulationError as err:
            outcome.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    from hnn_netpyne.runtime import launcher

    deadline = time.monotonic() + 300
    while not launcher._RUNNING and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2.0)
    backend.terminate()
    thread.join(timeout=120)
    assert not thread.is_alive() and outcome, "the simulation was not ended"

