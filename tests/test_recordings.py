"""Section recordings and electrode arrays against hnn-core 0.6.1's own.

References (``validation/make_recording_references.py``, 80 ms):
``erp_extracellular.npz`` (ERP, a 17-contact laminar 'psa' array and three
'lsa' contacts) and ``calcium_sections.npz`` (calcium model, ERP drives,
``record_vsec='all', record_isec='soma', record_ca='soma'``).
"""

import numpy as np
import pytest

from reference_data import load_reference, run_scenario
from hnn_netpyne.analysis.extracellular import current_source_density, laminar_depths
from hnn_netpyne.analysis.recordings import extracellular_voltages, section_traces
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.specs import build_sim_config
from hnn_netpyne.runtime.extracellular import line_half_lengths

SHORT_MS = 40.0
FULL_MS = 80.0


def _arrays(ref):
    return [{"name": name, "positions": ref[f"{name}_positions"].tolist(), "conductivity": 0.3,
             "method": method, "minDistance": 0.5}
            for name, method in (("laminar", "psa"), ("lsa", "lsa"))]


def _assert_potentials(results, ref, n_samples):
    for name in ("laminar", "lsa"):
        ours = extracellular_voltages(results, name, 1)[0][:, :n_samples]
        theirs = ref[f"{name}_uV"][:, :n_samples]
        peaks = np.max(np.abs(ref[f"{name}_uV"]), axis=1)  # of the whole reference
        errors = np.max(np.abs(ours - theirs), axis=1) / peaks
        assert np.all(peaks > 1.0), peaks  # every contact sees µV-sized signals
        # Measured: 1.5e-12 (1 and 2 ranks), 2.0e-12 (CoreNEURON, also with
        # threads): the sections and their points are hnn-core's to the bit
        # (runtime/geometry.py, runtime/extracellular.py).
        assert np.all(errors < 1e-9), (name, errors)


def _run_erp(folder, tstop, n_procs=1, **options):
    ref = load_reference("erp_extracellular")
    cfg = build_sim_config("erp", tstop=tstop, electrode_arrays=_arrays(ref), **options)
    return run_scenario(cfg, folder, n_procs=n_procs), ref


def test_lfp_matches_hnn_core_short(tmp_path):
    results, ref = _run_erp(tmp_path / "run", SHORT_MS)
    _assert_potentials(results, ref, int(round(SHORT_MS / 0.025)) + 1)


@pytest.mark.slow
@pytest.mark.parametrize("n_procs, options", [(1, {}), (2, {}), (1, {"coreneuron": True}),
                                              (1, {"coreneuron": True, "n_threads": 2})],
                         ids=["1rank", "2ranks", "coreneuron", "coreneuron_threads"])
def test_lfp_matches_hnn_core(tmp_path, n_procs, options):
    results, ref = _run_erp(tmp_path / "run", FULL_MS, n_procs, **options)
    _assert_potentials(results, ref, len(ref["times"]))


def _reference_sections(ref):
    nested = {"vsec": {}, "isec": {}, "ca": {}}
    for key in ref:
        kind, *path = key.split(":")
        if kind in nested:
            node = nested[kind].setdefault(int(path[0]), {})
            for part in path[1:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = ref[key].astype(float)
    return nested


def _compare_traces(ours, theirs):
    """Every trace within one float32 step of the reference, which stores float32."""
    assert set(ours) == set(theirs)
    for key, value in theirs.items():
        if isinstance(value, dict):
            _compare_traces(ours[key], value)
            continue
        step = np.spacing(np.abs(value).astype(np.float32)).astype(float)
        assert np.all(np.abs(ours[key] - value) <= step), key


@pytest.mark.slow
@pytest.mark.parametrize("n_procs, options", [(1, {}), (2, {}), (1, {"coreneuron": True})],
                         ids=["1rank", "2ranks", "coreneuron"])
def test_sections_match_hnn_core(tmp_path, n_procs, options):
    ref = load_reference("calcium_sections")
    cfg = build_sim_config("calcium", tstop=FULL_MS, record_vsec="all", record_isec="soma",
                           record_ca="soma", **options)
    results = run_scenario(cfg, tmp_path / "run", n_procs=n_procs)
    expected = _reference_sections(ref)
    # Measured: rounded to float32, every value equals the reference's.
    for kind in ("vsec", "isec", "ca"):
        ours = section_traces(results, kind, 1)[0]
        assert len(ours) == 270
        _compare_traces({gid: ours[gid] for gid in expected[kind]}, expected[kind])
    assert ours[35] == {} and set(ours[170]) == {"soma"}  # calcium only where cad is


def test_soma_recordings_gather_only_what_was_asked(tmp_path):
    cfg = build_sim_config("erp", tstop=5.0, record_vsec="soma")
    results = run_scenario(cfg, tmp_path / "run")
    vsec = section_traces(results, "vsec", 1)[0]
    assert len(vsec) == 270 and all(set(v) == {"soma"} for v in vsec.values())
    start = load_reference("calcium_sections")["vsec:170:soma"][0]  # hnn-core's initial v
    assert vsec[170]["soma"][0] == pytest.approx(start, abs=1e-5)
    assert "isec_keys" not in results and "ca_keys" not in results
    assert section_traces(results, "isec", 1) == [{}]


def test_line_sources_follow_hnn_core():
    # first and last segments reach the section ends; inner ones span two halves
    np.testing.assert_allclose(line_half_lengths(100.0, 5), [10.0, 20.0, 20.0, 20.0, 10.0])


def test_csd_of_a_quadratic_profile():
    depths = np.arange(5) * 100.0
    lfp = np.tile((depths ** 2)[:, None], (1, 3))  # d2/dz2 = 2 everywhere
    np.testing.assert_allclose(current_source_density(lfp, 100.0), -2.0)
    assert laminar_depths([[0, 0, z] for z in depths])[1] == 100.0


@pytest.mark.parametrize("change, key", [({"method": "csd"}, "method"),
                                         ({"conductivity": 0}, "conductivity"),
                                         ({"positions": [[0, 0]]}, "electrode_pos")])
def test_bad_electrode_array_is_named(change, key):
    array = dict({"name": "a", "positions": [[0, 0, 0]], "conductivity": 0.3, "method": "psa",
                  "minDistance": 0.5}, **change)
    with pytest.raises(ParameterError, match=key):
        build_sim_config("erp", electrode_arrays=[array])


def test_bad_recording_choice_is_named():
    with pytest.raises(ParameterError, match="recordVsec"):
        build_sim_config("erp", record_vsec="dend")


def test_axial_sums_equal_membrane_current_sums(tmp_path):
    """The runner's potentials equal transfer resistances times NEURON's i_membrane_,
    also with tonic biases (electrode currents) on pyramidal and basket cells."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model

    net = jones_2009_model(mesh_shape=(3, 3))
    add_erp_drives_to_jones_model(net)
    net.add_tonic_bias(amplitude={"L5_pyramidal": 0.5, "L2_basket": 0.2}, t0=5.0, tstop=30.0)
    for spec in _arrays(load_reference("erp_extracellular")):
        net.add_electrode_array(spec["name"], spec["positions"], method=spec["method"])
    # The check records i_membrane_ itself, on NEURON's solver and one thread.
    cfg, _ = net.to_netpyne(tstop=SHORT_MS, solver="neuron", n_threads=1)
    (tmp_path / "cfg.json").write_text(json.dumps(cfg))
    script = Path(__file__).parent / "membrane_current_check.py"
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "cfg.json"),
                           str(tmp_path / "out.npz")], capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(tmp_path / "out.npz") as out:
        axial, imem = out["axial_uV"], out["imem_uV"]
    peaks = np.max(np.abs(imem), axis=1)
    assert np.all(peaks > 0.1)
    assert np.all(np.max(np.abs(axial - imem), axis=1) <= 1e-9 * peaks)


def test_simulate_dipole_fills_cell_response_and_rec_arrays():
    from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model, simulate_dipole

    net = jones_2009_model(mesh_shape=(3, 3))
    add_erp_drives_to_jones_model(net)
    net.add_electrode_array("shank", [(1.0, 1.0, z) for z in (0.0, 500.0, 1000.0)])
    with pytest.raises(ParameterError, match="exists already"):
        net.add_electrode_array("shank", [(0.0, 0.0, 0.0)])
    with pytest.raises(ParameterError, match="record_isec"):
        simulate_dipole(net, tstop=5.0, record_isec=True)
    simulate_dipole(net, tstop=5.0, record_vsec="all", record_isec="soma", n_procs=1,
                    verbose=False)
    response, shank = net.cell_response, net.rec_arrays["shank"]
    l5 = net.gid_ranges["L5_pyramidal"][0]
    assert len(response.vsec[0][l5]) == 9 and response.ca == [{}]
    assert set(response.isec[0][l5]["soma"]) == {"soma_gabaa", "soma_gabab"}
    assert shank.voltages.shape == (1, 3, 201) and shank.sfreq == pytest.approx(40000.0)
    assert np.all(shank.voltages[0, :, 0] == 0) and np.all(np.abs(shank.voltages[0]).max(1) > 0)
    cfg, _ = net.to_netpyne(tstop=5.0)
    assert cfg["extracellularArrays"][0]["positions"][1] == [1.0, 1.0, 500.0]


def test_netpyne_record_lfp_becomes_an_electrode_array(tmp_path):
    positions = [[4.5, 4.5, 100.0], [4.5, 4.5, 1300.0]]
    same = {"name": "same", "positions": positions, "conductivity": 0.3, "method": "lsa",
            "minDistance": 0.5}
    cfg = dict(build_sim_config("erp", tstop=5.0, mesh_shape=(3, 3), electrode_arrays=[same]),
               recordLFP=positions)  # what a NetPyNE user writes in cfg.py
    results = run_scenario(cfg, tmp_path / "run")
    netpyne_lfp = extracellular_voltages(results, "recordLFP", 1)
    assert netpyne_lfp.shape == (1, 2, 201) and np.max(np.abs(netpyne_lfp)) > 0.1
    np.testing.assert_array_equal(netpyne_lfp, extracellular_voltages(results, "same", 1))


def test_run_options_set_the_recording_fields():
    from hnn_netpyne.runtime.options import config_options, run_parser

    args = run_parser().parse_args(["--record-vsec", "all", "--record-ca", "soma"])
    cfg = build_sim_config(**config_options(args))
    assert (cfg["recordVsec"], cfg["recordIsec"], cfg["recordCa"]) == ("all", False, "soma")
    with pytest.raises(SystemExit):
        run_parser().parse_args(["--record-isec", "dend"])
