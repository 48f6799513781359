"""sim/cfg.py's fields, and init.py's run options over them (no simulation)."""

import pytest
from netpyne import specs

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.solver import for_netpyne_runner
from hnn_netpyne.runtime.entry_config import complete_sim_config, sim_config
from hnn_netpyne.runtime.options import SIM_DIR, run_parser

LAST_LINE = "cfg = complete_sim_config(cfg)"


def cfg_fields(**edits):
    """sim/cfg.py's SimConfig before its last line, with ``edits`` as a user's edits."""
    text = (SIM_DIR / "cfg.py").read_text()
    assert text.rstrip().endswith(LAST_LINE)
    namespace = {}
    exec(compile(text.rstrip()[: -len(LAST_LINE)], str(SIM_DIR / "cfg.py"), "exec"), namespace)
    cfg = namespace["cfg"]
    for field, value in edits.items():
        setattr(cfg, field, value)
    return cfg


def options(*argv):
    return run_parser().parse_args(list(argv))


def test_cfg_py_lists_the_default_run():
    # Untouched, cfg.py is the command line's default run (NetPyNE's runner: its solver).
    default = sim_config(options())
    assert complete_sim_config(cfg_fields()).todict() == specs.SimConfig(
        for_netpyne_runner(default)).todict()
    assert complete_sim_config(cfg_fields(), options()).todict() == specs.SimConfig(
        default).todict()


@pytest.mark.parametrize("argv", [("--preset", "erp"), ("--tstop", "100", "--dt", "0.05"),
                                  ("--params", "gamma_L5weak_L2weak.json", "--mesh", "3", "4"),
                                  ("--preset", "beta", "--tstop", "60", "--record-vsoma")])
def test_run_options_of_init_py_give_the_command_lines_run(argv):
    # With cfg.py untouched, init.py's options make hnn-netpyne run's simConfig.
    assert (complete_sim_config(cfg_fields(), options(*argv)).todict()
            == specs.SimConfig(sim_config(options(*argv))).todict())


def test_edited_fields_stay_unless_an_option_names_them():
    edited = cfg_fields(duration=120.0, meshShape=[4, 4], seeds={"conn": 7, "stim": 1,
                                                                  "loc": 1, "cell": 1})
    cfg = complete_sim_config(edited, options("--dt", "0.05"))
    assert (cfg.duration, cfg.meshShape, cfg.seeds["conn"]) == (120.0, [4, 4], 7)
    assert cfg.dt == cfg.recordStep == 0.05
    cfg = complete_sim_config(edited, options("--tstop", "80"))
    assert (cfg.duration, cfg.meshShape, cfg.dt) == (80.0, [4, 4], 0.025)
    # --preset brings the preset's length, folder and parameter file's grid; seeds stay.
    cfg = complete_sim_config(edited, options("--preset", "erp"))
    assert (cfg.duration, cfg.outputDir, cfg.meshShape) == (170.0, "output/erp", None)
    assert cfg.seeds["conn"] == 7
    assert [d["name"] for d in cfg.drives] == ["evdist1", "evprox1", "evprox2"]


@pytest.mark.parametrize("name", ["erp", "gamma", "beta"])
def test_a_preset_chosen_in_cfg_py_is_that_presets_run(name):
    # Editing cfg.preset alone in cfg.py gives what init.py --preset NAME gives.
    text = (SIM_DIR / "cfg.py").read_text().replace('cfg.preset = "seed_bursty"',
                                                     f'cfg.preset = "{name}"')
    namespace = {}
    exec(compile(text, str(SIM_DIR / "cfg.py"), "exec"), namespace)
    expected = for_netpyne_runner(sim_config(options("--preset", name)))
    assert namespace["cfg"].todict() == specs.SimConfig(expected).todict()


def test_record_step_must_be_the_time_step():
    with pytest.raises(ParameterError, match="recordStep must equal cfg.dt"):
        complete_sim_config(cfg_fields(recordStep=0.1))
