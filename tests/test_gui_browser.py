"""The GUI in a real browser (headless Chromium through Playwright), on a 3 x 3 grid."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from test_gui_logic import group_members

pytestmark = pytest.mark.gui
playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("panel")
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):  # scripts/test.sh installs it as root: CI must not skip
        raise RuntimeError("no /usr/bin/chromium: scripts/test.sh installs it as root")
    pytest.skip("no /usr/bin/chromium (scripts/test.sh installs it as root)",
                allow_module_level=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gui(tmp_path_factory):
    """A running ``hnn-netpyne gui``, a browser page on it, and the seconds to interactive."""
    workspace = tmp_path_factory.mktemp("workspace")
    port = free_port()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        started = time.monotonic()  # the browser is open, as a user's would be
        server = subprocess.Popen([sys.executable, "-m", "hnn_netpyne.cli", "gui",
                                   "--no-browser", "--port", str(port), "--workspace",
                                   str(workspace)], stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        url = f"http://127.0.0.1:{port}/"
        while True:
            try:
                page.goto(url)
                break
            except playwright_api.Error:
                assert server.poll() is None and time.monotonic() - started < 60
                time.sleep(0.1)
        page.wait_for_selector(".apply-model button")
        interactive_s = time.monotonic() - started
        yield {"page": page, "url": url, "workspace": workspace, "server": server,
               "interactive_s": interactive_s}
        browser.close()
    os.kill(server.pid, signal.SIGTERM)  # the server cancels its workers as it ends
    assert server.wait(30) == 0
    assert workers_in(workspace) == []


def workers_in(folder):
    """Live processes whose current folder is ``folder``."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{entry}/cwd") == str(folder):
                found.append(int(entry))
        except OSError:
            pass
    return found


def enter(page, selector, value):
    """Type ``value`` into the input of the widget of CSS class ``selector`` and commit it."""
    field = page.locator(f".{selector} input").first
    field.fill(str(value))
    field.press("Enter")


def click(page, selector):
    page.locator(f".{selector} button").first.click()


def wait_text(page, selector, text):
    page.locator(f".{selector}").filter(has_text=text).first.wait_for()


def text_of(page, selector):
    """The text shown by the widget or pane of CSS class ``selector`` (inside its shadow root)."""
    return page.locator(f".{selector}").first.evaluate(
        "e => Array.from((e.shadowRoot || e).children).filter(c => !['STYLE', 'LINK']"
        ".includes(c.tagName)).map(c => c.innerText).join('\\n')")


def tab(page, name):
    page.locator(".bk-tab").filter(has_text=re.compile(f"^{name}$")).first.click()


def test_page_loads_and_model_is_set(gui):
    page = gui["page"]
    print(f"hnn-netpyne gui to interactive page: {gui['interactive_s']:.2f} s (under load)")
    enter(page, "mesh-x", 3)
    enter(page, "mesh-y", 3)
    click(page, "apply-model")
    wait_text(page, "model-summary", "3 x 3 pyramidal grid, 24 cells")


def test_drive_is_added_and_edited(gui):
    page, workspace = gui["page"], gui["workspace"]
    tab(page, "Drives")
    click(page, "add-evoked")
    page.locator(".drive-card-0").wait_for()
    enter(page, "drive-0-mu", 12.5)
    click(page, "apply-drive-0")
    wait_text(page, "msg-drive-0", "drive evoked1 applied")
    enter(page, "drive-0-sigma", -3)
    click(page, "apply-drive-0")
    wait_text(page, "msg-drive-0", "sigma")
    enter(page, "drive-0-sigma", 2)
    click(page, "apply-drive-0")
    wait_text(page, "msg-drive-0", "applied")
    tab(page, "Model")
    enter(page, "save-name", "edited.json")
    click(page, "save-config")
    wait_text(page, "msg-model", "saved edited.json")
    drive = json.loads((workspace / "edited.json").read_text())["external_drives"]["evoked1"]
    assert drive["dynamics"] == {"mu": 12.5, "sigma": 2.0, "numspikes": 1}


def test_probability_is_edited_and_an_electrode_array_added(gui):
    page, workspace = gui["page"], gui["workspace"]
    tab(page, "Connectivity")
    cell = page.locator(".conn-table .tabulator-row").nth(3).locator(
        '[tabulator-field="probability"]')
    cell.dblclick()
    editor = cell.locator("input")
    editor.fill("0.5")
    editor.press("Enter")
    wait_text(page, "msg-connectivity", "connection 3: probability 0.5")
    tab(page, "Model")
    enter(page, "electrode-top", 1800)
    enter(page, "electrode-bottom", -200)
    enter(page, "electrode-n", 5)
    click(page, "add-electrodes")
    wait_text(page, "msg-electrodes", "added electrode array shank (5 contacts)")
    wait_text(page, "electrode-list", "z 1800 to -200 µm")
    enter(page, "save-name", "probed.json")
    click(page, "save-config")
    wait_text(page, "msg-model", "saved probed.json")
    saved = json.loads((workspace / "probed.json").read_text())
    assert saved["connectivity"][3]["probability"] == 0.5
    assert [p[2] for p in saved["rec_arrays"]["shank"]["positions"]] == [
        1800.0, 1300.0, 800.0, 300.0, -200.0]


def test_run_shows_progress_and_the_command_lines_dipole(gui):
    page, workspace = gui["page"], gui["workspace"]
    tab(page, "Run")
    enter(page, "run-tstop", 30)
    click(page, "start-run")
    wait_text(page, "run-command", "hnn-netpyne run --network-config gui_runs/run1.json")
    wait_text(page, "run-progress", "ms simulated")
    wait_text(page, "run-progress", "run1: done")
    wait_text(page, "run-progress", "30 of 30 ms simulated")
    wait_text(page, "figure-timing", "after the run ended")
    print(text_of(page, "figure-timing"), "(under load)")
    tab(page, "Results")
    wait_text(page, "dipole-summary", "run1: aggregate dipole peak")
    shown = text_of(page, "dipole-summary")
    command = text_of(page, "run-command")
    arguments = command[command.index("hnn-netpyne run"):].split()[1:]
    arguments[arguments.index("--output") + 1] = "cli_run"
    done = subprocess.run([sys.executable, "-m", "hnn_netpyne.cli"] + arguments, cwd=workspace,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    cli = np.loadtxt(workspace / "cli_run" / "dipole_avg.txt")
    np.testing.assert_array_equal(np.loadtxt(workspace / "gui_runs/run1/dipole_avg.txt"), cli)
    peak = int(np.abs(cli[:, 1]).argmax())
    assert f"peak {cli[peak, 1]:.6g} nAm at {cli[peak, 0]:.6g} ms" in shown
    assert page.locator(".fig-dipole img").count() == 1
    with np.load(workspace / "gui_runs/run1/results.npz") as ours, \
            np.load(workspace / "cli_run/results.npz") as theirs:
        assert ours["extracellular_0_1"].shape[0] == 5  # the array's contacts
        np.testing.assert_array_equal(ours["extracellular_0_1"], theirs["extracellular_0_1"])
    page.locator(".bk-tab").filter(has_text="Laminar LFP & CSD").first.click()
    page.locator(".fig-laminar img").first.wait_for()


def test_recorded_dipole_rmse_equals_numpy(gui):
    page, workspace = gui["page"], gui["workspace"]
    times = np.arange(0.0, 30.0, 0.5)
    data = 0.02 * np.sin(times / 4.0)
    (workspace / "recorded.csv").write_text("time,dipole\n" + "\n".join(
        f"{t!r},{d!r}" for t, d in zip(times.tolist(), data.tolist())))
    tab(page, "Data")
    enter(page, "data-name", "recorded.csv")
    click(page, "load-data")
    wait_text(page, "comparison", "RMSE")
    sim = np.loadtxt(workspace / "gui_runs/run1/dipole_avg.txt")
    inside = times <= sim[-1, 0]
    expected = np.sqrt(np.mean((np.interp(times[inside], sim[:, 0], sim[:, 1])
                                - data[inside]) ** 2))
    assert f"RMSE {expected:.6g} nAm" in text_of(page, "comparison")


def test_click_during_a_run_is_answered_quickly_and_cancel_ends_it(gui):
    page = gui["page"]
    tab(page, "Run")
    enter(page, "run-tstop", 100000)
    click(page, "start-run")
    wait_text(page, "run-progress", "ms simulated")
    tab_ms = []
    for name, shown in (("Data", ".load-data"), ("Model", ".apply-model")) * 3:
        started = time.perf_counter()
        tab(page, name)  # drawn in the browser
        page.locator(f"{shown} button").first.wait_for(state="visible")
        tab_ms.append(1000 * (time.perf_counter() - started))
    tab_ms = float(np.median(tab_ms))
    tab(page, "Model")
    enter(page, "open-name", " ")
    started = time.perf_counter()
    click(page, "open-config")  # a round trip to the server
    wait_text(page, "msg-model", "give a file name")
    button_ms = 1000 * (time.perf_counter() - started)
    print(f"during a run: tab click answered in {tab_ms:.0f} ms (median of 6), button "
          f"(server round trip) in {button_ms:.0f} ms (under load, Playwright's own "
          "overhead included)")
    tab(page, "Run")
    run_pid = None
    for line in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"--tstop\x00100000\x00" in line.read_bytes():
                run_pid = int(line.parent.name)
                break
        except OSError:
            pass
    assert run_pid is not None
    pgid = os.getpgid(run_pid)
    started = time.monotonic()
    click(page, "cancel-run")
    wait_text(page, "run-progress", "cancelled")
    print(f"cancel took {time.monotonic() - started:.2f} s")
    assert time.monotonic() - started < 10
    assert group_members(pgid) == []
    # Bounds that a page blocked by the run (100 s of model time) could not
    # meet; the 200 ms goal is measured on a quiet machine (docs/guide/gui.md),
    # not asserted here, where CI's load would make it flaky.
    assert tab_ms < 1000
    assert button_ms < 1000


def test_sweep_from_the_page_loads_its_best_fit_into_the_editor(gui):
    page = gui["page"]
    tab(page, "Run")
    enter(page, "run-tstop", 30)
    tab(page, "Sweep & fit")
    page.locator(".sweep-parameter select").first.select_option("evoked1.mu")
    enter(page, "sweep-values", "8, 16")
    page.locator(".sweep-parameter2 select").first.select_option("evoked1.sigma")
    enter(page, "sweep-values2", "1, 3")
    click(page, "start-sweep")
    wait_text(page, "msg-sweep", "hnn-netpyne sweep gui_sweeps/sweep1.json")
    wait_text(page, "sweep-progress", "sweep1: done")
    wait_text(page, "sweep-progress", "4 of 4 points")
    click(page, "best")
    wait_text(page, "msg-sweep", "loaded evoked1.mu = ")
    shown = text_of(page, "msg-sweep")
    tab(page, "Drives")
    mu = float(re.search(r"evoked1.mu = ([\d.]+)", shown)[1])
    sigma = float(re.search(r"evoked1.sigma = ([\d.]+)", shown)[1])
    assert mu in (8.0, 16.0) and sigma in (1.0, 3.0)
    assert float(page.locator(".drive-0-mu input").first.input_value()) == mu
    assert float(page.locator(".drive-0-sigma input").first.input_value()) == sigma


def test_saved_configuration_reopened_after_reload_is_the_same_network(gui):
    from hnn_netpyne.network_config import first_difference

    page, workspace = gui["page"], gui["workspace"]
    page.reload()
    page.wait_for_selector(".apply-model button")
    enter(page, "open-name", "edited.json")
    click(page, "open-config")
    wait_text(page, "msg-model", "read network configuration edited.json: 1 drives")
    enter(page, "save-name", "again.json")
    click(page, "save-config")
    wait_text(page, "msg-model", "saved again.json")
    first = json.loads((workspace / "edited.json").read_text())
    again = json.loads((workspace / "again.json").read_text())
    assert first_difference(again, first) is None


def test_broken_file_gives_a_message_and_the_page_keeps_working(gui):
    page, workspace = gui["page"], gui["workspace"]
    (workspace / "broken.json").write_text('{"object_type": "Network", ')
    tab(page, "Model")
    enter(page, "open-name", "broken.json")
    click(page, "open-config")
    wait_text(page, "msg-model", "broken.json")
    assert "Traceback" not in text_of(page, "msg-model")
    enter(page, "open-name", "../outside.json")
    click(page, "open-config")
    wait_text(page, "msg-model", "inside the workspace")
    tab(page, "Drives")
    click(page, "add-tonic")
    wait_text(page, "msg-drives", "added tonic drive tonic1")
    assert gui["server"].poll() is None


def test_netpyne_json_export_runs_beside_the_page(gui):
    page, workspace = gui["page"], gui["workspace"]
    tab(page, "Export")
    page.locator(".export-kind select").first.select_option(label="NetPyNE specs (JSON folder)")
    click(page, "export")
    wait_text(page, "export-progress", "export_netpyne_json/: done")
    specs = json.loads((workspace / "export_netpyne_json" / "netParams.json").read_text())
    assert "tonic1" in json.dumps(specs["net"]["params"]["stimSourceParams"])


def test_sonata_export_runs_beside_the_page(gui):
    libsonata = pytest.importorskip("libsonata", reason="needs the 'sonata' extra")
    page, workspace = gui["page"], gui["workspace"]
    tab(page, "Export")
    page.locator(".export-kind select").first.select_option(label="SONATA circuit (folder)")
    click(page, "export")
    wait_text(page, "export-progress", "export_sonata/: done")
    circuit = libsonata.CircuitConfig.from_file(workspace / "export_sonata/circuit_config.json")
    sizes = {name: circuit.node_population(name).size for name in ("L2Basket", "L2Pyr",
                                                                     "L5Basket", "L5Pyr")}
    assert sizes == {"L2Basket": 3, "L2Pyr": 9, "L5Basket": 3, "L5Pyr": 9}  # the 3 x 3 grid
    assert circuit.node_population("evoked1").size > 0
