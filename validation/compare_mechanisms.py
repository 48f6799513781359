"""Check that our HNN mod files reproduce hnn-core's mechanisms.

The same small model is simulated with different builds of the mod files
(hnn-core's own files, ours) and with different NEURON versions (8.2.x
with legacy units, 9.x with modern units); the traces are written to
``.npz`` files and then compared.

Two models are available:

``soma``
    One compartment (L = diam = 20 um) with hh2, km, ca, cad, kca, cat
    and ar at HNN-like densities, driven by a somatic current step.
``cable``
    Two such cells (soma plus a 7-segment dendrite) with HNN's dipole
    mechanisms inserted the way hnn-core does it, each also receiving
    events from a ``VecStim`` through an ``ExpSyn``. The per-cell dipole is
    accumulated either in an element of a hoc Vector (``--dipole-target
    vector``, hnn-core's way) or in a ``DipoleTotal`` point process
    (``--dipole-target pp``, which also works with threads and
    CoreNEURON).

``--legacy-eca`` also inserts our optional ``ecalegacy`` mechanism, which
computes eca with NEURON 8's legacy constants (see ecalegacy.mod);
without it NEURON 9 computes eca with modern constants.

Examples
--------
Run with one mod build, then compare two result files::

    python compare_mechanisms.py run --mod-dir /tmp/build --out a.npz
    python compare_mechanisms.py compare a.npz b.npz

The mod directory is the folder in which ``nrnivmodl`` was run.
"""

import argparse
import glob
import os
import sys

import numpy as np

# HNN-like densities used for every section (units as in the mod files).
MECH_VALUES = {
    "hh2": {"gnabar": 0.13, "gkbar": 0.01, "gl": 4.26e-5, "el": -65.0},
    "km": {"gbar": 200.0},
    "ca": {"gbar": 60.0},
    "cad": {"taur": 20.0},
    "kca": {"gbar": 5e-4},
    "cat": {"gbar": 2e-4},
    "ar": {"gbar": 1e-6},
}

CELSIUS = 37.0
DT = 0.025
V_INIT = -65.0
TSTOP = 100.0


def load_mechanisms(h, mod_dir):
    """Load the compiled mechanism library found under ``mod_dir``.

    Parameters
    ----------
    h : hoc.HocObject
        NEURON's ``h``.
    mod_dir : str
        Folder in which ``nrnivmodl`` was run.

    Returns
    -------
    lib : str
        Path of the library that was loaded.
    """
    patterns = [
        os.path.join(mod_dir, "*", "libnrnmech.so"),  # NEURON 9
        os.path.join(mod_dir, "*", ".libs", "libnrnmech.so"),  # NEURON 8
    ]
    for pattern in patterns:
        found = sorted(glob.glob(pattern))
        if found:
            if not h.nrn_load_dll(found[0]):
                raise RuntimeError(f"could not load {found[0]}")
            return found[0]
    raise FileNotFoundError(f"no libnrnmech.so under {mod_dir}")


def use_legacy_units(h, neuron_version):
    """Switch NEURON 8 (``neuron_version``) to legacy units, as hnn-core does.

    Returns True if legacy units are now on; False on NEURON 9 and later,
    which have modern units only.
    """
    major = int(neuron_version.split(".")[0])
    if major == 8:
        h.nrnunit_use_legacy(1)
        return True
    return False


def insert_mechanisms(sec, legacy_eca=False):
    """Insert the HNN mechanism set into ``sec`` with ``MECH_VALUES``.

    Parameters
    ----------
    sec : nrn.Section
        Section to fill.
    legacy_eca : bool
        Also insert ``ecalegacy`` (our optional helper), which computes
        eca with NEURON 8's legacy constants.
    """
    if legacy_eca:
        sec.insert("ecalegacy")
    for mech, values in MECH_VALUES.items():
        sec.insert(mech)
        for name, value in values.items():
            for seg in sec:
                setattr(seg, f"{name}_{mech}", value)


def build_soma(h, legacy_eca=False):
    """Build the one-compartment model.

    Parameters
    ----------
    h : hoc.HocObject
        NEURON's ``h``.
    legacy_eca : bool
        See :func:`insert_mechanisms`.

    Returns
    -------
    model : dict
        NEURON objects to keep alive and the references to record,
        under ``"keep"`` and ``"record"``.
    """
    soma = h.Section(name="soma")
    soma.L = 20.0
    soma.diam = 20.0
    soma.Ra = 200.0
    soma.cm = 1.0
    soma.nseg = 1
    insert_mechanisms(soma, legacy_eca)

    stim = h.IClamp(soma(0.5))
    stim.delay = 10.0
    stim.dur = 50.0
    stim.amp = 0.3

    record = {
        "v": soma(0.5)._ref_v,
        "cai": soma(0.5)._ref_cai,
        "eca": soma(0.5)._ref_eca,
        "ica": soma(0.5)._ref_ica,
    }
    return {"keep": [soma, stim], "record": record}


def insert_dipole(h, secs, target):
    """Add HNN's dipole mechanisms to one cell, as hnn-core does.

    Every section gets the ``dipole`` density mechanism and a ``Dipole``
    point process at its 1-end; all sections are taken to lie along the
    apical axis (cos(theta) = 1).

    Parameters
    ----------
    h : hoc.HocObject
        NEURON's ``h``.
    secs : list of nrn.Section
        The cell's sections.
    target : {"vector", "pp"}
        Where the per-cell sum goes: an element of a hoc Vector
        (hnn-core) or the ``Qtotal`` of a ``DipoleTotal`` at soma(0.5).

    Returns
    -------
    keep : list
        Objects to keep alive.
    qtotal_record : tuple
        Arguments for ``Vector.record`` of the per-cell sum.
    dpps : list
        The ``Dipole`` point processes (one per section).
    """
    keep = []
    if target == "vector":
        holder = h.Vector(1)
        qtotal_ref = holder._ref_x[0]
        qtotal_record = (qtotal_ref,)
    else:
        holder = h.DipoleTotal(secs[0](0.5))
        qtotal_ref = holder._ref_Qtotal
        qtotal_record = (holder, qtotal_ref)
    keep.append(holder)

    dpps = []
    for sec in secs:
        sec.insert("dipole")
        dpp = h.Dipole(1, sec=sec)
        dpp.ri = h.ri(1, sec=sec)
        h.setpointer(sec(0.99)._ref_v, "pv", dpp)
        h.setpointer(qtotal_ref, "Qtotal", dpp)
        pos = np.array([seg.x for seg in sec.allseg()])
        seg_lens_z = np.diff(pos) * sec.L  # cos(theta) = 1
        for idx, x in enumerate(pos[1:-1]):
            seg = sec(x)
            seg.dipole.ri = h.ri(x, sec=sec)
            h.setpointer(sec(pos[idx])._ref_v, "pv", seg.dipole)
            h.setpointer(dpp._ref_Qsum, "Qsum", seg.dipole)
            h.setpointer(qtotal_ref, "Qtotal", seg.dipole)
            seg.dipole.ztan = seg_lens_z[idx]
        dpp.ztan = seg_lens_z[-1]
        dpps.append(dpp)
    keep.extend(dpps)
    return keep, qtotal_record, dpps


def build_cable(h, target, legacy_eca=False):
    """Build two soma + dendrite cells with dipole mechanisms.

    Parameters
    ----------
    h : hoc.HocObject
        NEURON's ``h``.
    target : {"vector", "pp"}
        See :func:`insert_dipole`.
    legacy_eca : bool
        See :func:`insert_mechanisms`.

    Returns
    -------
    model : dict
        As in :func:`build_soma`, with ``Q`` (per-cell dipole) and
        ``Qsum`` (per-section sums) traces added.
    """
    keep = []
    record = {}
    for cell, amp in enumerate([0.3, 0.45]):
        soma = h.Section(name=f"soma{cell}")
        soma.L = soma.diam = 20.0
        dend = h.Section(name=f"dend{cell}")
        dend.L = 300.0
        dend.diam = 2.0
        dend.nseg = 7
        for sec in (soma, dend):
            sec.Ra = 200.0
            sec.cm = 1.0
            insert_mechanisms(sec, legacy_eca)
        dend.connect(soma(1), 0)

        stim = h.IClamp(soma(0.5))
        stim.delay = 10.0
        stim.dur = 50.0
        stim.amp = amp

        # A VecStim drives an ExpSyn on the dendrite, which checks the
        # event source too (including CoreNEURON's copy of the Vector).
        tvec = h.Vector([15.0, 25.5, 40.0, 70.25, 80.0 + cell])
        vstim = h.VecStim()
        vstim.play(tvec)
        syn = h.ExpSyn(dend(0.5))
        syn.tau = 2.0
        syn.e = 0.0
        netcon = h.NetCon(vstim, syn)
        netcon.weight[0] = 0.002
        netcon.delay = 1.0

        dkeep, qtotal_record, dpps = insert_dipole(h, [soma, dend], target)
        keep.extend([soma, dend, stim, tvec, vstim, syn, netcon] + dkeep)
        record[f"isyn{cell}"] = (syn, syn._ref_i)
        record[f"v_soma{cell}"] = soma(0.5)._ref_v
        record[f"v_dend{cell}"] = dend(0.9)._ref_v
        record[f"cai_soma{cell}"] = soma(0.5)._ref_cai
        record[f"Q{cell}"] = qtotal_record
        for name, dpp in zip(("soma", "dend"), dpps):
            record[f"Qsum_{name}{cell}"] = (dpp, dpp._ref_Qsum)
    return {"keep": keep, "record": record}


def simulate(h, model, nthread=1, coreneuron=False):
    """Initialize and run ``model`` the way hnn-core runs a trial.

    Parameters
    ----------
    h : hoc.HocObject
        NEURON's ``h``.
    model : dict
        Output of :func:`build_soma` or :func:`build_cable`.
    nthread : int
        Number of NEURON threads.
    coreneuron : bool
        Run the simulation with CoreNEURON (NEURON 9, in memory).

    Returns
    -------
    traces : dict of ndarray
        Recorded traces, plus ``"t"``.
    """
    h.load_file("stdrun.hoc")
    pc = h.ParallelContext()
    pc.nthread(nthread)
    h.celsius = CELSIUS
    h.dt = DT
    h.tstop = TSTOP
    h.steps_per_ms = 1.0 / DT

    vecs = {"t": h.Vector().record(h._ref_t)}
    for name, ref in model["record"].items():
        args = ref if isinstance(ref, tuple) else (ref,)
        vecs[name] = h.Vector().record(*args)

    if coreneuron:
        from neuron import coreneuron as cnrn

        h.CVode().cache_efficient(1)
        cnrn.enable = True
        cnrn.verbose = 0

    pc.set_maxstep(10)
    h.finitialize(V_INIT)
    h.fcurrent()
    pc.psolve(TSTOP)
    return {name: np.array(vec.to_python()) for name, vec in vecs.items()}


def cmd_run(args):
    """Build, simulate and save one configuration (``run`` command).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed command line.
    """
    import neuron
    from neuron import h

    legacy = use_legacy_units(h, neuron.__version__)
    lib = load_mechanisms(h, args.mod_dir)
    if args.model == "soma":
        model = build_soma(h, args.legacy_eca)
    else:
        model = build_cable(h, args.dipole_target, args.legacy_eca)
    traces = simulate(h, model, args.nthread, args.coreneuron)
    meta = {
        "neuron_version": neuron.__version__,
        "legacy_units": legacy,
        "library": lib,
        "model": args.model,
        "dipole_target": args.dipole_target,
        "nthread": args.nthread,
        "coreneuron": args.coreneuron,
        "legacy_eca": args.legacy_eca,
        "FARADAY": h.FARADAY,
        "R": h.R,
    }
    np.savez(args.out, **traces, meta=np.array(repr(meta)))
    nspk = int(np.sum(np.diff((traces[_first_v(traces)] > 0).astype(int)) == 1))
    print(f"saved {args.out}: {len(traces['t'])} samples, {nspk} spikes; {meta}")


def _first_v(traces):
    """Name of the first voltage trace in ``traces``."""
    return sorted(k for k in traces if k.startswith("v"))[0]


def cmd_compare(args):
    """Print max |difference| per trace between two result files.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed command line (``a`` and ``b`` file names).
    """
    a = np.load(args.a)
    b = np.load(args.b)
    print(f"{args.a} vs {args.b}")
    for name in sorted(set(a.files) & set(b.files)):
        if name == "meta":
            continue
        x, y = a[name], b[name]
        if x.shape != y.shape:
            print(f"  {name:14s} shape {x.shape} vs {y.shape}")
            continue
        diff = np.max(np.abs(x - y))
        scale = np.max(np.abs(x))
        line = f"  {name:14s} max|diff| = {diff:.3e}   (max|a| = {scale:.3e})"
        if name == "eca" and diff > 0:
            # ecalegacy updates eca at the end of a step, NEURON's own
            # Nernst update at the start of the next: compare with a lag.
            lag = min(
                np.max(np.abs(x[1:] - y[:-1])), np.max(np.abs(x[:-1] - y[1:]))
            )
            if lag < diff:
                line += f"   with a one-step lag: {lag:.3e}"
        print(line)


def main(argv=None):
    """Command-line entry point.

    Parameters
    ----------
    argv : list of str | None
        Arguments; ``sys.argv[1:]`` if None.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="simulate one configuration")
    run.add_argument("--mod-dir", required=True)
    run.add_argument("--out", required=True)
    run.add_argument("--model", choices=("soma", "cable"), default="soma")
    run.add_argument(
        "--dipole-target", choices=("vector", "pp"), default="vector"
    )
    run.add_argument("--nthread", type=int, default=1)
    run.add_argument("--coreneuron", action="store_true")
    run.add_argument(
        "--legacy-eca",
        action="store_true",
        help="insert ecalegacy (eca with NEURON 8 legacy constants)",
    )
    run.set_defaults(func=cmd_run)

    cmp_ = sub.add_parser("compare", help="compare two result files")
    cmp_.add_argument("a")
    cmp_.add_argument("b")
    cmp_.set_defaults(func=cmd_compare)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
