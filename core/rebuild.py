"""Run the writer as a separate process.

The read side (the app, the claims command) never imports ``etl.build``: when it needs a
current warehouse it runs ``python -m etl build`` in a child process, so the single-writer
rule holds and a failed build cannot take the reader down with it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from core import paths


@dataclass(frozen=True)
class BuildOutcome:
    ok: bool
    output: str  # what the build printed (stderr and stdout), for a log or a warning


def run_build(*, force: bool = False, timeout: float = 600) -> BuildOutcome:
    """``python -m etl build`` in a child process with the same data directory."""
    cmd = [sys.executable, "-m", "etl", "build"] + (["--force"] if force else [])
    env = dict(os.environ, MIGFLOWS_DATA_DIR=str(paths.DATA_DIR))
    try:
        done = subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return BuildOutcome(False, f"the build did not finish within {timeout:.0f} s")
    except OSError as exc:
        return BuildOutcome(False, f"the build could not be started: {exc}")
    output = (done.stderr or "") + (done.stdout or "")
    return BuildOutcome(done.returncode == 0, output.strip())
