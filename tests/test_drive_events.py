"""Drive spike times and drive-cell numbering equal hnn-core's, seed for seed."""

import numpy as np
import pytest

from reference_data import load_reference, reference_drive_events
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.drives import bursty_drive, evoked_drive, poisson_drive
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.model.drives import drive_events
from hnn_netpyne.runtime.run import gid_ranges

SCENARIOS = [
    ("erp", "erp"),
    ("seed_bursty_1proc", "seed_bursty"),
    ("alpha_prox_only", None),
    ("alpha_prox_dist", "alpha"),
    ("legacy_param_default", "params"),
]


def scenario_config(reference, preset):
    if reference == "alpha_prox_only":
        cfg = build_sim_config("alpha")
        cfg["drives"] = cfg["drives"][:1]
        return cfg
    return build_sim_config(preset)


def our_drive_events(net_params):
    ranges = gid_ranges(net_params)
    events = {}
    for name, pop in net_params["popParams"].items():
        if "cellModel" not in pop:
            continue
        times = np.concatenate([c["spkTimes"] for c in pop["cellsList"]] + [[]])
        gids = np.concatenate([[ranges[name][0] + i] * len(c["spkTimes"])
                               for i, c in enumerate(pop["cellsList"])] + [[]])
        order = np.lexsort((times, gids))
        events[name] = (times[order], gids[order].astype(int))
    return events


@pytest.mark.parametrize("reference, preset", SCENARIOS)
def test_drive_events_identical(reference, preset):
    ref = load_reference(reference)
    cfg = scenario_config(reference, preset)
    assert cfg["duration"] == pytest.approx(float(ref["times"][-1]), abs=1e-9)
    ours = our_drive_events(build_net_params(cfg))
    theirs = reference_drive_events(ref)
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        np.testing.assert_array_equal(ours[name][1], theirs[name][1])
        np.testing.assert_array_equal(ours[name][0], theirs[name][0])


def test_gid_ranges_match_reference():
    ref = load_reference("erp")
    ranges = gid_ranges(build_net_params(build_sim_config("erp")))
    names = {"L2_basket": "L2Basket", "L2_pyramidal": "L2Pyr", "L5_basket": "L5Basket",
             "L5_pyramidal": "L5Pyr"}
    for name, start, stop in zip(ref["gid_range_names"], ref["gid_range_start"],
                                 ref["gid_range_stop"]):
        assert ranges[names.get(str(name), str(name))] == [int(start), int(stop)]


def test_later_trials_reseed_by_total_gids():
    net_params = build_net_params(build_sim_config("erp", n_trials=2))
    first = drive_events(net_params, 0)
    second = drive_events(net_params, 1)
    assert first["evprox1"][0] != second["evprox1"][0]
    # Trial 1 of evprox1 cell 0 uses seed 544 + 1 * 1045 (all gids) + 0.
    expected = np.random.RandomState(544 + 1045).normal(26.61, 2.47, 1)
    assert second["evprox1"][0] == pytest.approx(expected.tolist(), abs=0)


def test_poisson_and_probability_follow_hnn_core_algorithms():
    drive = poisson_drive("pois", rate_constant=20.0, location="proximal", tstart=10.0,
                          tstop=60.0, weights_ampa={"L2Pyr": 1e-3}, probability=0.5,
                          event_seed=7, conn_seed=11)
    cfg = build_sim_config("erp", drives=[drive])
    net = build_net_params(cfg)
    pairs = net["connParams"]["pois_L2Pyr_ampa"]["connList"]
    keep = sorted(np.random.default_rng(11).choice(range(100), 50, replace=False).tolist())
    assert [p[1] for p in pairs] == keep
    cells = net["popParams"]["pois"]["cellsList"]
    # The k-th drawn train goes to the k-th drive cell (hnn-core's numbering).
    rng = np.random.RandomState(7 + pairs[0][0])
    t, expected = 10.0, []
    while t < 60.0:
        t += rng.exponential(1.0 / 20.0) * 1000.0
        if t < 60.0:
            expected.append(t)
    assert cells[0]["spkTimes"] == expected


@pytest.mark.parametrize(
    "factory, kwargs, key",
    [
        (evoked_drive, dict(mu=10.0, sigma=-1.0, numspikes=1, location="distal",
                            weights_ampa={"L2Pyr": 1e-3}), "sigma"),
        (evoked_drive, dict(mu=10.0, sigma=1.0, numspikes=1, location="distal",
                            weights_ampa={"L5Basket": 1e-3}), "weights_ampa"),
        (bursty_drive, dict(burst_rate=50.0, numspikes=10, spike_isi=10.0,
                            location="distal", weights_ampa={"L2Pyr": 1e-3}), "spike_isi"),
        (poisson_drive, dict(rate_constant=-5.0, location="proximal",
                             weights_ampa={"L2Pyr": 1e-3}), "rate_constant"),
        (evoked_drive, dict(mu=10.0, sigma=1.0, numspikes=1, location="distal",
                            weights_ampa={"L2_pyramidal": float("inf")}), "weights_ampa"),
    ],
)
def test_bad_drive_definitions(factory, kwargs, key):
    with pytest.raises(ParameterError) as err:
        factory("drive", **kwargs)
    assert err.value.key == key


def test_drives_from_parameter_file_match_hnn_core_definitions():
    """Weights, delays, seeds and timing of default.json's drives, as hnn-core made them."""
    import json
    import warnings

    from reference_data import DATA
    from hnn_netpyne.cells import hnn_core_names
    from hnn_netpyne.model.legacy_drives import drives_from_params
    from hnn_netpyne.model.params import load_params

    reference = json.loads((DATA / "legacy_param_default.json").read_text())["drives"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = {d["name"]: d for d in drives_from_params(
            load_params(), {"L2Basket": 35, "L2Pyr": 100, "L5Basket": 35, "L5Pyr": 100})}
    assert sorted(ours) == sorted(reference)
    for name, theirs in reference.items():
        drive = ours[name]
        for key in ("type", "location", "event_seed", "conn_seed", "cell_specific", "dynamics"):
            assert drive[key] == theirs[key], (name, key)
        for key in ("weights_ampa", "weights_nmda", "synaptic_delays"):
            expected = {short: theirs[key][long] for short, long in hnn_core_names().items()
                        if long in (theirs[key] or {})}
            assert drive[key] == expected, (name, key)


def test_drive_events_come_from_the_specs_alone(monkeypatch):
    from hnn_netpyne.model import params, specs

    net_params = build_net_params(build_sim_config("erp", n_trials=3))
    cells = net_params["popParams"]["evprox1"]["cellsList"]
    assert drive_events(net_params, 0)["evprox1"] == [c["spkTimes"] for c in cells]

    def no_file(*args, **kwargs):
        raise AssertionError("a parameter file was read")

    monkeypatch.setattr(params, "load_params", no_file)
    monkeypatch.setattr(specs, "load_params", no_file)
    spec = net_params["popParams"]["evprox1"]["hnnEvents"]
    spec["dynamics"].update(mu=40.0, sigma=0.0)
    for trial in range(3):
        times = drive_events(net_params, trial)["evprox1"]
        assert len(times) == len(cells) and all(t == [40.0] for t in times)
