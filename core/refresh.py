"""Run the fetchers as a separate process and follow their progress.

The read side never imports ``etl``: "Refresh data" starts ``python -m etl fetch <sources>
--progress-file <file>`` as a child process (the single-writer rule holds, as for
``core.rebuild``) and reads the JSON lines the child appends to that file, one event a line
(start, source, staged, failed, done_source, build, end). ``summary`` turns the events into
what is new and what failed.

A read-only installation switches the action off with ``MIGFLOWS_READ_ONLY=1``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from core import paths, registry

READ_ONLY_ENV = "MIGFLOWS_READ_ONLY"
OFFLINE_LINE = ("No internet connection: no publisher could be reached, nothing was fetched "
                "and the data are unchanged.")


def read_only() -> bool:
    """True when the deployment says so (``MIGFLOWS_READ_ONLY`` = 1/true/yes)."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "yes")


def sources() -> list[str]:
    """The fetchers' names (``python -m etl fetch <name>``), from the registry."""
    return sorted(registry.sources())


def command(names: list[str], progress_file: Path) -> list[str]:
    return [sys.executable, "-m", "etl", "fetch", *names, "--progress-file", str(progress_file)]


@dataclass
class Run:
    """A fetch running (or finished) in a child process."""

    process: subprocess.Popen
    progress_file: Path
    names: list[str]
    _offset: int = 0
    events: list[dict] = field(default_factory=list)

    def new_events(self) -> list[dict]:
        """Events the child has written since the last call (whole lines only)."""
        try:
            with self.progress_file.open("rb") as f:
                f.seek(self._offset)
                chunk = f.read()
        except FileNotFoundError:
            return []
        end = chunk.rfind(b"\n") + 1
        self._offset += end
        fresh = [json.loads(line) for line in chunk[:end].decode("utf-8").splitlines()
                 if line.strip()]
        self.events += fresh
        return fresh

    def wait(self, timeout: float) -> bool:
        """Wait until the child ends or ``timeout`` seconds pass; True if it has ended."""
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def follow(self, poll: float = 0.25):
        """Yield each event as it arrives, until the child has ended and every line is read
        (waits on the process between reads, never a fixed sleep)."""
        while True:
            ended = self.process.poll() is not None
            yield from self.new_events()
            if ended:
                yield from self.new_events()
                return
            self.wait(poll)

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def output(self) -> str:
        out = self.process.stderr.read() if self.process.stderr else ""
        return out.decode("utf-8", "replace") if isinstance(out, bytes) else (out or "")


def start(names: list[str] | None = None, *, cmd=None) -> Run:
    """Start the fetch of ``names`` (default: every source) in a child process; ``cmd``
    (names, progress file → argv) defaults to ``command`` as the module holds it now."""
    names = list(names or sources())
    cmd = cmd or globals()["command"]
    folder = Path(tempfile.mkdtemp(prefix="migflows-refresh-"))
    progress_file = folder / "progress.jsonl"
    env = dict(os.environ, MIGFLOWS_DATA_DIR=str(paths.DATA_DIR))
    process = subprocess.Popen(cmd(names, progress_file), cwd=paths.ROOT, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    return Run(process, progress_file, names)


@dataclass(frozen=True)
class Summary:
    offline: bool               # no source could be reached at all
    new: list[dict]             # staged files written: dataset, file, old → new vintage, rows
    unchanged: list[str]        # sources whose files were already staged
    failed: list[dict]          # source, reason
    ended: bool                 # the child wrote its end event
    build_ok: bool | None       # None: no build was run

    def lines(self, _=lambda text: text, number=lambda n: f"{n:,}") -> list[str]:
        """The summary in plain sentences (one a line). ``_`` translates a sentence and
        ``number`` writes a count (defaults: the command line's English); the dashboard
        passes its own (``dashboard.i18n``), whose catalog holds these sentences."""
        if self.offline:
            return [_(OFFLINE_LINE)]
        out = []
        for row in self.new:
            old = row.get("old_vintage") or row.get("dataset_vintage_before")
            new = row.get("new_vintage")
            vintages = (_("vintage {old} → {new}").format(old=old, new=new) if old
                        else _("new file, vintage {new}").format(new=new))
            rows, before = row.get("rows_after"), row.get("rows_before")
            if isinstance(before, int) and isinstance(rows, int):
                change = _("{rows} rows (was {before} in vintage {old})").format(
                    rows=number(rows), before=number(before), old=row["old_vintage"])
            elif isinstance(rows, int):
                change = _("{rows} rows").format(rows=number(rows))
            else:
                change = _("rows unknown")
            out.append(_("New: {dataset} {file}: {vintages}; {change}.").format(
                dataset=row["dataset"], file=row["file"], vintages=vintages, change=change))
        if self.unchanged:
            out.append(_("Already current: {sources} (nothing new published since the "
                         "staged files).").format(sources=", ".join(self.unchanged)))
        for row in self.failed:
            out.append(_("Failed: {source} — {reason}").format(source=row["source"],
                                                              reason=row["reason"]))
        if not self.ended:
            out.append(_("The fetch stopped before it finished; the data are as far as it "
                         "got."))
        elif self.build_ok is False:
            out.append(_("The warehouse rebuild failed; the dashboard shows the last good "
                         "build."))
        return out or [_("Nothing was fetched.")]


def summary(events: list[dict]) -> Summary:
    failed = [e for e in events if e.get("event") == "failed"]
    started = [e["source"] for e in events if e.get("event") == "source"]
    staged = [e for e in events if e.get("event") == "staged"]
    new = [e for e in staged if e.get("written")]
    unchanged = [s for s in started if s not in {e["source"] for e in failed}
                 and not any(e["source"] == s for e in new)]
    end = next((e for e in events if e.get("event") == "end"), None)
    offline = bool(failed) and len(failed) == len(started) and all(e.get("offline")
                                                                   for e in failed)
    return Summary(offline, new, unchanged, [{"source": e["source"], "reason": e["reason"]}
                                              for e in failed], end is not None,
                   end.get("build_ok") if end else None)
