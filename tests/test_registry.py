"""The cell-type registry: a fifth cell type added through it alone runs and plots."""

import dataclasses
import json

import matplotlib.image
import numpy as np
import pytest

from hnn_netpyne.cells import registry
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.drives import evoked_drive
from hnn_netpyne.model.positions import LAYER_SEPARATION_UM
from hnn_netpyne.model.presets import erp_drives
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.runtime.run import network_netcons

NEW = "L5BasketCopy"
MAGENTA = "#ff00ff"  # used by no built-in type and no drive
MESH = [3, 3]
# HNN's basket layout on a 3 x 3 grid: (0, 0), (1, 1), (0, 2), sorted by y;
# the copy sits half-way between the layers.
NEW_XY = [(0.0, 0.0), (1.0, 1.0), (0.0, 2.0)]
NEW_Z_UM = 0.5 * LAYER_SEPARATION_UM
PATHWAY = {"source": NEW, "target": "L5Pyr", "loc": "soma", "receptor": "gabaa",
           "weight": 0.05, "lamtha": 70.0, "autapses": True}
BOOST_UM = 0.5  # µS: far above a basket cell's threshold


@pytest.fixture
def fifth_type():
    """A copy of the L5 basket cell under a new name, with one outgoing pathway."""
    record = dataclasses.replace(registry.cell_type("L5Basket"), name=NEW,
                                 hnn_core_name="L5_basket_copy", depth=0.5, color=MAGENTA,
                                 legacy_input_delays_ms=None, pathways=(PATHWAY,))
    registry.register(record)
    yield record
    registry.unregister(NEW)


def _boost():
    return evoked_drive("boost", mu=5.0, sigma=0.0, numspikes=1, location="proximal",
                        weights_ampa={NEW: BOOST_UM}, synaptic_delays=0.1, event_seed=7)


def test_registry_rejects_bad_or_duplicate_records():
    l5_basket = registry.cell_type("L5Basket")
    assert registry.cell_type("L5_basket") is l5_basket
    with pytest.raises(ParameterError, match="already registered"):
        registry.register(l5_basket)
    with pytest.raises(ParameterError, match="grid must be one of"):
        registry.register(dataclasses.replace(l5_basket, name="X", hnn_core_name="x",
                                              grid="hexagonal"))
    with pytest.raises(ParameterError, match="unknown cell type"):
        registry.cell_type("L6Pyr")
    assert registry.cell_type_names() == ("L2Basket", "L2Pyr", "L5Basket", "L5Pyr")


def test_a_population_of_an_unregistered_type_fails_when_specs_are_built():
    net_params = build_net_params(build_sim_config("erp", mesh_shape=MESH))
    net_params["popParams"]["L6Pyr"] = dict(net_params["popParams"]["L5Pyr"], cellType="L6Pyr")
    with pytest.raises(ParameterError, match="L6Pyr is neither a registered cell type"):
        registry.check_populations(net_params)


def test_fifth_cell_type_specs(fifth_type):
    cfg = build_sim_config("erp", mesh_shape=MESH, drives=erp_drives() + [_boost()])
    net_params = build_net_params(cfg)
    assert list(net_params["popParams"])[:5] == ["L2Basket", "L2Pyr", "L5Basket", "L5Pyr", NEW]
    cells = net_params["popParams"][NEW]["cellsList"]
    assert [(c["x"], c["y"], c["z"]) for c in cells] == [(x, y, NEW_Z_UM) for x, y in NEW_XY]
    assert net_params["cellParams"][NEW] == net_params["cellParams"]["L5Basket"]
    for receptor in ("ampa", "gabaa", "nmda"):
        assert (net_params["synMechParams"][f"{NEW}_{receptor}"]
                == net_params["synMechParams"][f"L5Basket_{receptor}"])
    assert net_params["connParams"][f"{NEW}_L5Pyr_soma_gabaa"]["synMech"] == "L5Pyr_gabaa"
    assert net_params["connParams"][f"boost_{NEW}_ampa"]["postConds"] == {"pop": NEW}
    # A distal drive cannot reach it: like the L5 basket cell it has no distal input.
    with pytest.raises(ParameterError, match=f"cannot target {NEW}"):
        evoked_drive("far", mu=5.0, sigma=0.0, numspikes=1, location="distal",
                     weights_ampa={NEW: 0.1})


def _weights_from(sim, gid_range):
    """Sorted weights (µS) of this process's NetCons whose source is in ``gid_range``."""
    start, stop = gid_range
    return np.sort([nc.weight[0] for nc in network_netcons(sim) if start <= nc.srcgid() < stop])


def _magenta_pixels(png):
    rgb = matplotlib.image.imread(png)[..., :3]
    return int(np.sum(np.all(np.abs(rgb - np.array([1.0, 0.0, 1.0])) < 0.2, axis=-1)))


def test_fifth_cell_type_runs_20_ms_with_a_figure(fifth_type, tmp_path):
    from netpyne import sim

    from hnn_netpyne.runtime.job import run_job

    # The dipole figure smooths over 30 ms by default: longer than this run.
    cfg = build_sim_config("erp", tstop=20.0, mesh_shape=MESH, drives=erp_drives() + [_boost()],
                           output_dir=str(tmp_path / "run"),
                           param_overrides={"dipole_smooth_win": 5.0})
    net_params = build_net_params(cfg)
    folder = run_job(cfg, net_params, plots=True, progress=False, netpyne_data=False)

    ranges = json.loads((folder / "config.json").read_text())["gid_ranges"]
    assert ranges[NEW] == [24, 27]  # after 3 + 9 + 3 + 9 cells of the four built-in types
    new_cells = sorted((c for c in sim.net.cells if c.tags["pop"] == NEW), key=lambda c: c.gid)
    assert [(c.tags["x"], c.tags["y"], c.tags["z"]) for c in new_cells] == [
        (x, y, NEW_Z_UM) for x, y in NEW_XY]
    # The declared pathway: every copy cell onto every L5 pyramidal soma, with
    # HNN's distance rule; the boost drive: one drive cell onto each copy cell.
    l5_xy = [(c["x"], c["y"]) for c in net_params["popParams"]["L5Pyr"]["cellsList"]]
    expected = [PATHWAY["weight"] * np.exp(-((x - u) ** 2 + (y - v) ** 2) / PATHWAY["lamtha"] ** 2)
                for x, y in NEW_XY for u, v in l5_xy]
    np.testing.assert_allclose(_weights_from(sim, ranges[NEW]), np.sort(expected), rtol=1e-12)
    origin = (1.0, 1.0)  # the grid centre
    expected = [BOOST_UM * np.exp(-((x - origin[0]) ** 2 + (y - origin[1]) ** 2) / 3.0 ** 2)
                for x, y in NEW_XY]
    np.testing.assert_allclose(_weights_from(sim, ranges["boost"]), np.sort(expected), rtol=1e-12)

    with np.load(folder / "results.npz") as results:
        times, gids = results["spike_times_1"], results["spike_gids_1"]
    fired = gids[(gids >= ranges[NEW][0]) & (gids < ranges[NEW][1])]
    assert sorted(set(fired.tolist())) == list(range(*ranges[NEW]))  # every copy cell fires
    assert np.all(times[np.isin(gids, fired)] > 5.0)  # after the boost at 5 ms

    raster = folder / "raster.png"
    assert _magenta_pixels(raster) > 20  # the new population's ticks and legend entry


def test_api_modules_read_the_registry_as_it_is_now(fifth_type):
    """Types registered after import reach the hnn-core API (no import-time snapshots)."""
    from hnn_netpyne.analysis.cell_response import CellResponse
    from hnn_netpyne.cells import hnn_core_name, label_of
    from hnn_netpyne.network_io import cell_types_dict

    assert hnn_core_name(NEW) == "L5_basket_copy" and label_of("L5_basket_copy") == NEW
    assert hnn_core_name("evprox1") == "evprox1" and label_of("evprox1") == "evprox1"
    assert CellResponse()._cell_type_names[-1] == "L5_basket_copy"
    net_params = build_net_params(build_sim_config("erp", mesh_shape=MESH))
    cells = cell_types_dict(net_params)
    assert list(cells)[-1] == "L5_basket_copy"
    # hnn-core names a basket cell's object by its type name.
    assert cells["L5_basket_copy"]["cell_object"]["name"] == "L5_basket_copy"
    assert cells["L5_pyramidal"]["cell_object"]["name"] == "L5Pyr"
