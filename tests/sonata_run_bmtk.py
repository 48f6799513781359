"""Run an hnn-netpyne SONATA export in bmtk BioNet and save the cell spikes.

Usage: ``python sonata_run_bmtk.py EXPORT_DIR OUT.npz``

Compiles the export's ``components/mechanisms`` with this environment's
nrnivmodl (through hnn-netpyne's content-hashed build cache, so identical
mod files are compiled once), then runs ``simulation_config_bmtk.json`` the
way bmtk's examples do: from the export folder, with bmtk's own cell, synapse
and spike-input loaders and nothing of hnn-netpyne loaded into NEURON.
Writes ``OUT.npz`` with, per biophysical population, ``<pop>_node_ids`` and
``<pop>_times``, plus ``build_s`` and ``run_s`` (wall-clock seconds).
"""

import json
import os
import sys
import time
from pathlib import Path


def link_compiled_mechanisms(mech_dir):
    """Give ``mech_dir`` the ``x86_64`` build of its own mod files."""
    from hnn_netpyne.runtime.mechanisms import compile_mechanisms

    build = compile_mechanisms(mod_dir=mech_dir)
    for arch in build.iterdir():
        target = mech_dir / arch.name
        if arch.is_dir() and not target.exists():
            target.symlink_to(arch, target_is_directory=True)


def main(export_dir, out_file):
    export_dir = Path(export_dir).resolve()
    out_file = Path(out_file).resolve()
    circuit = json.loads((export_dir / "circuit_config.json").read_text())
    mech_dir = export_dir / circuit["components"]["mechanisms_dir"].replace(
        "$COMPONENTS_DIR", "components")
    link_compiled_mechanisms(mech_dir)

    import h5py
    import numpy as np
    from bmtk.simulator import bionet

    os.chdir(export_dir)  # bmtk resolves the circuit's relative paths from the working directory
    started = time.time()
    conf = bionet.Config.from_json("simulation_config_bmtk.json")
    conf.build_env()
    net = bionet.BioNetwork.from_config(conf)
    sim = bionet.BioSimulator.from_config(conf, network=net)
    built = time.time()
    sim.run()
    finished = time.time()

    # bmtk gzip-compresses its spikes file, which libsonata cannot read: h5py.
    arrays = {"build_s": built - started, "run_s": finished - built}
    with h5py.File(Path(conf.output_dir) / "spikes.h5", "r") as h5:
        for pop, grp in h5.get("spikes", {}).items():
            arrays[f"{pop}_node_ids"] = np.asarray(grp["node_ids"], dtype=np.int64)
            arrays[f"{pop}_times"] = np.asarray(grp["timestamps"], dtype=float)
    np.savez(out_file, **arrays)


if __name__ == "__main__":
    main(sys.argv[-2], sys.argv[-1])
