"""Export the HNN column as a NetPyNE JSON model (for the NetPyNE GUI).

The export folder holds NetPyNE's own files:

* ``netParams.json``: ``{"net": {"params": ...}}``, the layout written by
  ``NetParams.save`` and read by ``sim.loadNetParams``;
* ``simConfig.json``: ``{"simConfig": ...}``, the layout written by
  ``SimConfig.save`` and read by ``sim.loadSimCfg``;
* ``model.json``: both in one file, as ``sim.saveData`` writes them, for
  the NetPyNE GUI's *Load* dialog, which reads one file;
* ``index.npjson``: NetPyNE's model index, so ``sim.loadModel(folder)``
  finds both files and the mod folder;
* ``mod/``: the model's NMODL files, to compile where the model is opened;
* ``manifest.json``: the files above (the folder is written as a run
  folder is: staged beside it, moved into place when complete).

Distance-dependent weights and delays stay NetPyNE string expressions and
drive spike times stay in the drive populations' ``cellsList``, so the
files are plain JSON without any Python code.
"""

import json
from pathlib import Path

from hnn_netpyne.analysis.io import (
    MANIFEST,
    atomic_write,
    copy_file,
    finish_run_folder,
    staged_output,
)
from hnn_netpyne.errors import ExportError
from hnn_netpyne.model.spec_safety import check_specs
from hnn_netpyne.model.specs import build_net_params
from hnn_netpyne.model.solver import for_netpyne_runner
from hnn_netpyne.runtime.mechanisms import MOD_DIR

NET_PARAMS_FILE = "netParams.json"
SIM_CONFIG_FILE = "simConfig.json"
MODEL_FILE = "model.json"
INDEX_FILE = "index.npjson"
MOD_FOLDER = "mod"


def netpyne_json_documents(cfg):
    """The netParams and simConfig documents of a configured run.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary (see
        :func:`hnn_netpyne.model.specs.build_sim_config`).

    Returns
    -------
    net_doc, cfg_doc : dict
        ``{"net": {"params": netParams}}`` and ``{"simConfig": simConfig}``,
        each completed with NetPyNE's defaults (``NetParams(...).todict()``
        and ``SimConfig(...).todict()``).
    """
    import netpyne
    from netpyne import specs

    net_params = specs.NetParams(build_net_params(cfg)).todict()
    # The GUI simulates with NetPyNE's own runner.
    sim_config = specs.SimConfig(for_netpyne_runner(cfg)).todict()
    # NetPyNE runs what the export says when it loads it: nothing unsafe goes out.
    check_specs(sim_config, net_params, "export-json")
    version = str(netpyne.__version__)
    return ({"netpyne_version": version, "net": {"params": net_params}},
            {"netpyne_version": version, "simConfig": sim_config})


def _strict_json(document, name):
    """``document`` as JSON text; NaN, infinity or non-JSON values are errors."""
    try:
        # Keys keep their order: NetPyNE numbers cells in popParams order.
        return json.dumps(document, indent=1, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ExportError(f"{name}: the model is not plain JSON ({err})") from err


def export_netpyne_json(cfg, outdir, overwrite=False):
    """Write the model of ``cfg`` as NetPyNE JSON files into ``outdir``.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary (see
        :func:`hnn_netpyne.model.specs.build_sim_config`); its HNN fields
        choose the network, as for a run.
    outdir : str | pathlib.Path
        Folder to write; created if missing.
    overwrite : bool
        Replace an earlier export (or run) in ``outdir``; a folder holding
        files that hnn-netpyne did not write is refused (see
        :func:`hnn_netpyne.analysis.io.prepare_run_folder`).

    Returns
    -------
    paths : list of str
        The files written: one ``mod/*.mod`` per mechanism, then
        ``netParams.json``, ``simConfig.json``, ``model.json``,
        ``index.npjson`` and ``manifest.json``.

    Raises
    ------
    ExportError
        ``outdir`` is a file, is not empty (unless ``overwrite``), holds
        files of its own, or the model does not serialise as strict JSON.

    Notes
    -----
    Load the export with ``sim.loadNetParams(outdir/'netParams.json')`` and
    ``sim.loadSimCfg(outdir/'simConfig.json')``, with
    ``sim.loadModel(outdir)``, or in the NetPyNE GUI (*Load* ``model.json``
    with netParams and simConfig ticked, mod folder ``outdir/mod``, compile
    ticked the first time).
    """
    outdir = Path(outdir)
    mods = sorted(MOD_DIR.glob("*.mod"))
    if not mods:
        raise ExportError(f"no .mod files found in {MOD_DIR}")

    # Serialise everything before touching the folder, so a bad model writes nothing.
    return _write_export(outdir, mods, _json_texts(cfg), overwrite)


def _json_texts(cfg):
    """File name -> strict JSON text of each document of the export."""
    net_doc, cfg_doc = netpyne_json_documents(cfg)
    return {
        NET_PARAMS_FILE: _strict_json(net_doc, NET_PARAMS_FILE),
        SIM_CONFIG_FILE: _strict_json(cfg_doc, SIM_CONFIG_FILE),
        MODEL_FILE: _strict_json(dict(net_doc, simConfig=cfg_doc["simConfig"]), MODEL_FILE),
        INDEX_FILE: _strict_json({"netParams": NET_PARAMS_FILE, "simConfig": SIM_CONFIG_FILE,
                                  "mod_folder": MOD_FOLDER}, INDEX_FILE),
    }


def _write_export(outdir, mods, texts, overwrite):
    """Stage the mod files and the JSON documents, then move them into ``outdir``."""
    names = [f"{MOD_FOLDER}/{mod.name}" for mod in mods] + list(texts)
    with staged_output(outdir, overwrite) as staging:
        (staging / MOD_FOLDER).mkdir()
        for mod in mods:
            copy_file(mod, staging / MOD_FOLDER / mod.name)
        for name, text in texts.items():
            atomic_write(staging / name, lambda fid, text=text: fid.write(text + "\n"))
        finish_run_folder(outdir, names, staging)
    return [str(outdir / name) for name in names + [MANIFEST]]
