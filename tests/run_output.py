"""Following a run started as a subprocess: its output, and when it starts solving."""

import threading


def until_solving(proc, timeout_s=180):
    """Collect ``proc``'s output lines in a thread until it prints simulated time.

    Returns the list the thread keeps appending to.
    """
    lines, solving = [], threading.Event()

    def pump():
        for line in proc.stdout:
            lines.append(line)
            if "ms simulated" in line:
                solving.set()

    threading.Thread(target=pump, daemon=True).start()
    assert solving.wait(timeout_s), "".join(lines)
    return lines
