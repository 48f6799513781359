"""Make hnn-core's single-cell current-step references.

Each of HNN's four cell types is built alone with hnn-core 0.6.1's own
classes (``hnn_core.cells_default.basket`` / ``pyramidal`` and
``Cell.build``), given a somatic current step (``h.IClamp`` at soma(0.5)),
and simulated with hnn-core's mechanisms and hnn-core's way of running
NEURON. The somatic membrane potential is written to
``tests/data/single_cell_reference.npz``, against which
``tests/test_single_cells.py`` checks our NetPyNE cell rules.

How to run
----------
From the repository root, with the validation environment that holds
hnn-core 0.6.1 and NEURON 8.2.x (never with the project's own venv)::

    /work/hnnval/bin/python validation/make_single_cell_references.py

``--out PATH`` writes elsewhere. The run takes a few seconds.

What is simulated
-----------------
* Two step amplitudes per cell type (see :data:`STEPS`): one that leaves
  the cell below threshold and one that makes it fire a few spikes.
  Every step starts at :data:`DELAY_MS` and lasts :data:`DUR_MS`; the run
  lasts :data:`TSTOP_MS`.
* Each cell is built as hnn-core's ``NetworkBuilder`` builds it: pyramidal
  cells with ``build(sec_name_apical='apical_trunk')``, so that the dipole
  mechanisms are inserted exactly as in a network run; basket cells with
  ``build()``. The cell sits at the origin (pos = (0, 0, 0)) and gets the
  synapses hnn-core always creates (they receive no events).
* hnn-core's mechanisms are loaded with
  ``hnn_core.network_builder.load_custom_mechanisms``; importing that
  module sets ``h.nrnunit_use_legacy(1)``, as in every hnn-core run.
* The run follows ``hnn_core.network_builder._simulate_single_trial``:
  ``h.tstop``, ``h.dt = 0.025``, ``h.celsius = 37``, fixed step
  (``CVode.active(0)``), ``pc.set_maxstep(10)``, ``h.finitialize()``
  with no argument (each section starts at the ``v0`` hnn-core set on it
  when building), ``h.fcurrent()``, then ``pc.psolve(tstop)``.
* All eight cells are simulated in the same run. They are not connected,
  so each evolves exactly as it would alone.

Output
------
``single_cell_reference.npz`` (no pickles; load with ``np.load``):

``times`` (n,) float64
    NEURON's ``t`` recorded at every step, 0 ... tstop ms.
``labels`` (k,) str
    One label per case, ``<cell type>_<amp>nA`` (e.g. ``L5Pyr_1.0nA``).
``cell_types`` (k,) str
    Our cell-type name of each case (L2Basket, L2Pyr, L5Basket, L5Pyr).
``hnn_core_names`` (k,) str
    hnn-core's name of the same cell type (e.g. ``L5_pyramidal``).
``amp_nA``, ``delay_ms``, ``dur_ms`` (k,) float64
    The IClamp of each case, at soma(0.5).
``v_soma`` (k, n) float32
    soma(0.5).v in mV at every step (float32 keeps the file small; its
    rounding error is below 1e-5 mV).
``n_spikes`` (k,) int64
    Upward crossings of 0 mV of each trace.
``dt``, ``tstop``, ``celsius`` scalars
    Simulation settings.
``metadata`` str
    JSON: versions of hnn-core, NEURON, numpy and Python, the date, the
    command, and the notes above in short.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from provenance import provenance  # validation/provenance.py, beside this script

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "tests" / "data" / "single_cell_reference.npz"

DT_MS = 0.025
CELSIUS = 37.0
TSTOP_MS = 150.0
DELAY_MS = 20.0
DUR_MS = 100.0
SPIKE_THRESHOLD_MV = 0.0

STEPS = {
    "L2Basket": (0.05, 0.2),
    "L2Pyr": (0.05, 1.0),
    "L5Basket": (0.03, 0.3),
    "L5Pyr": (0.1, 1.0),
}
"""Step amplitudes (nA) per cell type: one subthreshold, one spiking."""

HNN_CORE_NAMES = {
    "L2Basket": "L2_basket",
    "L2Pyr": "L2_pyramidal",
    "L5Basket": "L5_basket",
    "L5Pyr": "L5_pyramidal",
}


def count_spikes(v, threshold=SPIKE_THRESHOLD_MV):
    """Number of upward crossings of ``threshold`` (mV) in ``v``."""
    v = np.asarray(v, dtype=float)
    return int(np.sum((v[1:] >= threshold) & (v[:-1] < threshold)))


def build_cell(cell_type):
    """One hnn-core cell of ``cell_type``, built as NetworkBuilder builds it."""
    from hnn_core.cells_default import basket, pyramidal

    name = HNN_CORE_NAMES[cell_type]
    if cell_type.endswith("Pyr"):
        cell = pyramidal(cell_name=name, pos=(0, 0, 0))
        cell.build(sec_name_apical="apical_trunk")
    else:
        cell = basket(cell_name=name, pos=(0, 0, 0))
        cell.build()
    return cell


def simulate():
    """Simulate every (cell type, amplitude) case; return the npz arrays."""
    # Importing network_builder sets h.nrnunit_use_legacy(1), as hnn-core does.
    from hnn_core.network_builder import load_custom_mechanisms
    from neuron import h

    load_custom_mechanisms(net_verbose=False)
    h.load_file("stdrun.hoc")
    pc = h.ParallelContext()
    cvode = h.CVode()
    cvode.active(0)

    cases = []
    for cell_type, amps in STEPS.items():
        for amp in amps:
            cell = build_cell(cell_type)
            soma = cell._nrn_sections["soma"]
            stim = h.IClamp(soma(0.5))
            stim.delay = DELAY_MS
            stim.dur = DUR_MS
            stim.amp = amp
            v_rec = h.Vector().record(soma(0.5)._ref_v)
            cases.append({"cell_type": cell_type, "amp": amp, "cell": cell,
                          "stim": stim, "v": v_rec})

    h.tstop = TSTOP_MS
    h.dt = DT_MS
    h.celsius = CELSIUS
    times = h.Vector().record(h._ref_t)
    pc.set_maxstep(10)
    h.finitialize()
    h.fcurrent()
    pc.psolve(h.tstop)

    t = np.array(times.to_python())
    n_expected = int(round(TSTOP_MS / DT_MS)) + 1
    if t.size != n_expected:
        raise RuntimeError(f"recorded {t.size} samples, expected {n_expected}")
    v = np.array([c["v"].to_python() for c in cases])
    return {
        "times": t,
        "labels": np.array([f"{c['cell_type']}_{c['amp']}nA" for c in cases]),
        "cell_types": np.array([c["cell_type"] for c in cases]),
        "hnn_core_names": np.array([HNN_CORE_NAMES[c["cell_type"]] for c in cases]),
        "amp_nA": np.array([c["amp"] for c in cases], dtype=float),
        "delay_ms": np.full(len(cases), DELAY_MS),
        "dur_ms": np.full(len(cases), DUR_MS),
        "v_soma": v.astype(np.float32),
        "n_spikes": np.array([count_spikes(row) for row in v], dtype=np.int64),
        "dt": np.float64(DT_MS),
        "tstop": np.float64(TSTOP_MS),
        "celsius": np.float64(CELSIUS),
    }


def metadata():
    """JSON-able description of how the reference was made."""
    return {
        "description": "hnn-core single-cell somatic current steps "
                       "(see validation/make_single_cell_references.py)",
        **provenance(),
        "units": "ms, mV, nA",
        "nrnunit_use_legacy": 1,
        "dt_ms": DT_MS,
        "celsius": CELSIUS,
        "tstop_ms": TSTOP_MS,
        "stim": {"type": "IClamp", "loc": "soma(0.5)", "delay_ms": DELAY_MS,
                 "dur_ms": DUR_MS, "amp_nA": STEPS},
        "cell_position_um": [0, 0, 0],
        "pyramidal_build": "cell.build(sec_name_apical='apical_trunk')",
        "basket_build": "cell.build()",
        "initialisation": "h.finitialize() without argument (per-section v0 set at "
                          "build), then h.fcurrent(); fixed step; pc.psolve(tstop)",
        "sampling": "soma(0.5).v at every time step, stored as float32",
        "spike_count": "upward crossings of 0 mV",
    }


def main(argv=None):
    """Run the simulations and write the reference file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output .npz (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)

    arrays = simulate()
    arrays["metadata"] = np.array(json.dumps(metadata(), sort_keys=True))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    for label, n, v in zip(arrays["labels"], arrays["n_spikes"], arrays["v_soma"]):
        print(f"{label:16s} spikes {n:2d}  v range [{v.min():8.3f}, {v.max():7.3f}] mV")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
