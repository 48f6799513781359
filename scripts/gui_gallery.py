"""Screenshots of every tab of the GUI into docs/gallery/gui_<tab>.png.

Run with the [gui] extra, Playwright and /usr/bin/chromium:
``.venv/bin/python scripts/gui_gallery.py`` (about a minute: one short run on a 5 x 5 grid).
"""

import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_gui_browser import CHROMIUM, FLAGS, click, enter, free_port, tab, wait_text  # noqa: E402

GALLERY = Path(__file__).resolve().parent.parent / "docs" / "gallery"


def shoot(page, name):
    time.sleep(0.8)  # let the last update draw
    page.screenshot(path=str(GALLERY / f"gui_{name}.png"), full_page=True)


def main():
    import os
    import signal
    import subprocess

    from playwright.sync_api import sync_playwright

    workspace = Path(tempfile.mkdtemp())
    times = np.arange(0.0, 60.0, 0.5)
    (workspace / "recorded.csv").write_text("time,dipole\n" + "\n".join(
        f"{t!r},{d!r}" for t, d in zip(times.tolist(), (0.05 * np.sin(times / 6.0)).tolist())))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "hnn_netpyne.cli", "gui", "--no-browser",
                               "--port", str(port), "--workspace", str(workspace)],
                              start_new_session=True)
    try:
        with sync_playwright() as p:
            page = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS).new_page(
                viewport={"width": 1280, "height": 860})
            page.set_default_timeout(120_000)
            for _ in range(600):
                try:
                    page.goto(f"http://127.0.0.1:{port}/")
                    break
                except Exception:  # noqa: BLE001 -- not listening yet
                    time.sleep(0.1)
            page.wait_for_selector(".apply-model button")
            enter(page, "mesh-x", 5)
            enter(page, "mesh-y", 5)
            click(page, "apply-model")
            wait_text(page, "model-summary", "5 x 5")
            shoot(page, "model")
            tab(page, "Drives")
            click(page, "add-evoked")
            click(page, "add-poisson")
            page.locator(".drive-card-1").wait_for()
            shoot(page, "drives")
            tab(page, "Connectivity")
            time.sleep(2)
            shoot(page, "connectivity")
            tab(page, "Run")
            enter(page, "run-tstop", 60)
            click(page, "start-run")
            wait_text(page, "run-progress", "done")
            shoot(page, "run")
            tab(page, "Results")
            wait_text(page, "dipole-summary", "peak")
            shoot(page, "results_dipole")
            for sub, name, figure in (("Spikes", "results_spikes", "raster"),
                                      ("Spectra", "results_spectra", "spectrogram"),
                                      ("Cells in 3-D", "results_cells", "positions")):
                page.locator(".bk-tab").filter(has_text=re.compile(f"^{sub}$")).first.click()
                page.locator(f".fig-{figure} img").first.wait_for()
                shoot(page, name)
            tab(page, "Data")
            enter(page, "data-name", "recorded.csv")
            click(page, "load-data")
            wait_text(page, "comparison", "RMSE")
            shoot(page, "data")
            tab(page, "Sweep & fit")
            page.locator(".sweep-parameter select").first.select_option("evoked1.mu")
            enter(page, "sweep-values", "15, 25, 35")
            click(page, "start-sweep")
            wait_text(page, "sweep-progress", "3 of 3 points")
            page.locator(".sweep-progress").filter(has_text="done").first.wait_for()
            shoot(page, "sweep")
            tab(page, "Export")
            shoot(page, "export")
    finally:
        os.killpg(server.pid, signal.SIGTERM)


if __name__ == "__main__":
    main()
