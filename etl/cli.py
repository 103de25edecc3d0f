"""``python -m etl``: import local publisher files, fetch live ones, build the warehouse."""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from pathlib import Path

import duckdb
from tqdm import tqdm

from core import registry
from etl import build as build_mod
from etl import errors, http, pipeline, staging
from etl.formats import text as text_formats

log = logging.getLogger("etl")

# The source modules the registry names (etl/metadata/<dataset>.yml, ``source``).
SOURCES = {name: importlib.import_module(f"etl.sources.{name}") for name in registry.sources()}


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _candidates(targets: list[Path]) -> list[Path]:
    """The files named and every entry of the folders named (hidden and non-regular ones
    included: ``pipeline.admit`` says why they are skipped)."""
    found: list[Path] = []
    for target in targets:
        if not (target.exists() or target.is_symlink()):
            raise SystemExit(f"error: {target} does not exist")
        found.extend(sorted(p for p in target.iterdir() if not p.is_dir())
                     if target.is_dir() else [target])
    return found


def one_line(exc: BaseException) -> str:
    """An exception as one line for the summary: the message our errors carry, the OS's
    words for an OSError, else the type and first line."""
    if isinstance(exc, (errors.ParseError, errors.StagingError, http.FetchError)):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror + (f": {Path(exc.filename).name}" if exc.filename else "")
    elif isinstance(exc, MemoryError):
        text = "out of memory while reading the file"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return (text.strip().splitlines() or [type(exc).__name__])[0]


def _owner_reason(f: Path, content: bytes) -> str | None:
    """Why a data file no source recognises is refused rather than skipped, or None."""
    if reason := text_formats.damage(content, f.name):
        return reason
    for name, mod in SOURCES.items():
        if f.suffix.lower() in getattr(mod, "OWNS_SUFFIXES", ()):
            try:
                mod.check(content, f.name)
            except (errors.ParseError, http.FetchError) as exc:
                return f"{name} reads every {f.suffix} file and refuses this one: {one_line(exc)}"
            return f"{name} reads every {f.suffix} file, but not this one"
    return None


def _import_one(f: Path, matched, counter: str, force: bool) -> tuple[str, str]:
    """Import and stage one file with every source that recognised it: (result, reason)."""
    written = stored = False
    for name, mod in matched:
        t0 = time.perf_counter()
        snap = pipeline.import_file(mod, f)
        stored |= snap.created
        _say(f"{counter} {name}: {f.name} → {'stored' if snap.created else 'already stored'} "
             f"as {snap.path.parent.name}/{snap.path.name}")
        written |= _stage(mod, snap, "       ", t0, force=force)
    return ("imported" if written or stored else "unchanged"), ""


def cmd_import(args) -> int:
    files = _candidates(args.paths)
    results: list[tuple[str, str, str]] = []  # (file, result, reason)
    todo = []
    for f in files:
        admitted = pipeline.admit(f)
        if not admitted.ok:
            results.append((f.name, admitted.verdict, admitted.reason))
            _say(f"{f.name}: {admitted.verdict}: {admitted.reason}")
            continue
        try:
            matched = [(name, mod) for name, mod in SOURCES.items() if mod.recognises(f)]
            if not matched and (reason := _owner_reason(f, pipeline.read_file(f))):
                results.append((f.name, "refused", reason))
                _say(f"{f.name}: refused: {reason}")
                continue
        except Exception as exc:  # noqa: BLE001  (one file never aborts the import)
            results.append((f.name, "refused", one_line(exc)))
            _say(f"{f.name}: refused: {one_line(exc)}")
            continue
        if matched:
            todo.append((f, matched))
        else:
            results.append((f.name, "skipped", "not a file any source reads"))
    skipped = [name for name, result, reason in results
               if result == "skipped" and reason == "not a file any source reads"]
    if skipped:
        _say(f"not a file any source reads, skipped: {', '.join(skipped)}")
    if not todo and not any(result == "refused" for _, result, _ in results):
        _say("error: nothing to import")
        return 1
    for i, (f, matched) in enumerate(todo, 1):
        counter = f"[{i}/{len(todo)}]"
        try:
            results.append((f.name, *_import_one(f, matched, counter, args.force)))
        except Exception as exc:  # noqa: BLE001  (this file's staging stays; the others load)
            log.debug("import of %s failed", f.name, exc_info=True)
            results.append((f.name, "refused", one_line(exc)))
            _say(f"{counter} {f.name} FAILED, staging left unchanged: {one_line(exc)}")
    _summary(results)
    failed = [name for name, result, _ in results if result == "refused"]
    return _finish(args, failed, f"{len(failed)} file(s) failed: {', '.join(failed)}")


def _summary(results: list[tuple[str, str, str]]) -> None:
    """The table at the end: file → imported / unchanged / skipped / refused: reason."""
    if not results:
        return
    width = min(max(len(name) for name, _, _ in results), 60)
    _say("summary:")
    for name, result, reason in results:
        _say(f"  {name:<{width}}  {result}{': ' + reason if reason and result != 'imported' else ''}")


def _stage(mod, snap, prefix: str, t0: float | None = None, *, force: bool = False) -> bool:
    """Stage one snapshot and say, per staging file, whether it was written (True if any)."""
    any_written = False
    for target, written in pipeline.stage(mod, snap, force=force):
        took = f" ({time.perf_counter() - t0:.1f} s)" if t0 is not None else ""
        _say(f"{prefix} staging {target.parent.name}/{target.name} "
             f"{'written' if written else 'unchanged'}{took}")
        any_written |= written
    return any_written


def _finish(args, failed: list[str], message: str) -> int:
    """Build (unless --no-build) and the exit status: 1 when anything failed."""
    built = 0 if args.no_build else cmd_build(argparse.Namespace(force=False))
    if failed:
        _say(f"error: {message}")
        return 1
    return built


OFFLINE_PROBLEMS = ("ConnectionError", "ConnectTimeout", "NameResolution", "Timeout",
                    "no connection")


def _offline(exc: Exception) -> bool:
    """True when a fetch failed for want of a connection (no answer at all), not on an
    answer that was refused or could not be read."""
    return (isinstance(exc, http.FetchError) and exc.status is None
            and any(word in exc.problem for word in OFFLINE_PROBLEMS))


def _part(parquet: Path) -> tuple[str, str]:
    name = parquet.name
    return parquet.parent.name, (name.split(".part=", 1)[1] if ".part=" in name else "")


def _staged_now() -> dict[tuple[str, str], dict]:
    """The staging files now: (dataset, part) → {vintage, rows} of the latest vintage."""
    out: dict[tuple[str, str], dict] = {}
    for parquet in staging.files():
        meta = staging.read_sidecar(parquet)
        key = _part(parquet)
        if key not in out or str(meta.get("vintage")) >= str(out[key]["vintage"]):
            out[key] = {"vintage": meta.get("vintage"), "rows": meta.get("rows")}
    return out


class Progress:
    """Fetch progress: one JSON object a line in a file (read by the app while the child
    runs), and a progress bar on the terminal (tqdm)."""

    def __init__(self, path: Path | None, sources: list[str]):
        self.path = path
        self.bar = tqdm(total=len(sources), unit="source", desc="fetch", file=sys.stderr,
                        disable=None, dynamic_ncols=True)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("", encoding="utf-8")

    def emit(self, event: str, **fields) -> None:
        if self.path:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"event": event, **fields}, default=str) + "\n")

    def say(self, msg: str) -> None:
        self.bar.write(msg, file=sys.stderr)


def cmd_fetch(args) -> int:
    failed = []
    progress = Progress(getattr(args, "progress_file", None), args.sources)
    progress.emit("start", sources=args.sources)
    for i, name in enumerate(args.sources, 1):
        mod = SOURCES[name]
        progress.bar.set_postfix_str(name)
        progress.say(f"{name}: fetching from {mod.SOURCE_PAGE}")
        progress.emit("source", source=name, index=i, total=len(args.sources),
                      url=mod.SOURCE_PAGE)
        before = _staged_now()
        newest = {}
        for (dataset, _part_name), meta in before.items():
            newest[dataset] = max(newest.get(dataset, ""), str(meta["vintage"] or ""))
        try:
            with http.source_deadline(name):
                fetched = mod.fetch()
            for snap in fetched:
                progress.say(f"{name}: {'stored' if snap.created else 'already stored'} "
                             f"{snap.path.name}")
                for target, written in pipeline.stage(mod, snap):
                    meta = staging.read_sidecar(target)
                    old = before.get(_part(target), {})
                    progress.say(f"{name}: staging {target.parent.name}/{target.name} "
                                 f"{'written' if written else 'unchanged'}")
                    progress.emit("staged", source=name, dataset=target.parent.name,
                                  file=target.name, written=written,
                                  old_vintage=old.get("vintage"), new_vintage=meta.get("vintage"),
                                  dataset_vintage_before=newest.get(target.parent.name) or None,
                                  rows_before=old.get("rows"), rows_after=meta.get("rows"))
        except Exception as exc:  # noqa: BLE001  (one source never stops the others)
            # Nothing more of this source is staged; the other sources are still tried.
            log.debug("fetch of %s failed", name, exc_info=True)
            failed.append(name)
            problem = http.as_fetch_error(exc)
            progress.say(f"{name}: FAILED, staging left unchanged: {one_line(problem)}")
            progress.emit("failed", source=name, reason=one_line(problem),
                          offline=_offline(problem))
        else:
            progress.emit("done_source", source=name)
        progress.bar.update(1)
    progress.bar.close()
    built_ok = None
    if not args.no_build:
        progress.emit("build", state="running")
        try:
            built_ok = cmd_build(argparse.Namespace(force=False)) == 0
        except Exception as exc:  # noqa: BLE001 — reported, then the exit status says so
            _say(f"error: the build failed: {exc}")
            built_ok = False
        progress.emit("build", state="done", ok=built_ok)
    progress.emit("end", failed=failed, build_ok=built_ok)
    if failed:
        _say(f"error: {', '.join(failed)} failed")
    return 1 if failed or built_ok is False else 0


def cmd_build(args) -> int:
    t0 = time.perf_counter()
    try:
        result = build_mod.build(force=args.force, progress=_say)
    except (errors.StagingError, OSError, duckdb.Error) as exc:
        # The warehouse in place (if any) is untouched: a build only swaps in a finished file.
        _say(f"error: the build failed, the warehouse in place is unchanged: {one_line(exc)}")
        return 1
    if result.built:
        _say(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def claims_alias(argv: list[str]) -> int:
    """``python -m etl claims …`` = ``python -m analysis claims …``, run as a child process
    (etl never imports analysis)."""
    import subprocess
    return subprocess.run([sys.executable, "-m", "analysis", *argv],
                          stdin=subprocess.DEVNULL).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="snapshot and stage local publisher files (no network)")
    p.add_argument("paths", nargs="+", type=Path, help="files or folders, e.g. ../shared/data/frontex")
    p.add_argument("--force", action="store_true", help="re-parse even if staging is current")
    p.add_argument("--no-build", action="store_true", help="do not rebuild the warehouse")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("fetch", help="download the publishers' current files (needs internet)")
    p.add_argument("sources", nargs="+", choices=sorted(SOURCES))
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--progress-file", type=Path, default=None,
                   help="also write progress as JSON lines to this file (read by the app)")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("build", help="build data/warehouse.duckdb from data/staging")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.set_defaults(func=cmd_build)

    sub.add_parser("claims", help="alias of `python -m analysis claims` (options passed on)")

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["claims"]:
        return claims_alias(argv)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        return args.func(args)
    except (errors.ParseError, http.FetchError, FileNotFoundError, ValueError) as exc:
        _say(f"error: {exc}")
        return 1
    except OSError as exc:  # a read-only data folder, a full disk
        _say(f"error: {one_line(exc)}")
        return 1
