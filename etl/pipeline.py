"""One pipeline for every source: raw snapshot → parsed frame → staging file with provenance.

A source module (``etl/sources/<publisher>``) only says what it reads and how; this module
does the rest the same way for all of them.

What a source module declares:

- ``PUBLISHER``, ``DATASET`` (the metadata dataset its snapshots belong to) and
  ``SOURCE_PAGE`` (the live endpoint's base URL, shown by ``fetch``);
- ``recognises(path) -> bool``: True only for files it parses (name and content sniff);
- ``check(content, file_name)``: raise ``ParseError`` (or ``FetchError``) unless the bytes
  are of a kind it reads (called on import, before anything is stored);
- ``stated_vintage(content, file_name) -> vintages.Vintage | None``: the vintage the file
  states, if it can be read cheaply (else the parser reads it);
- ``target(snapshot) -> (staging dataset, part) | None``: where a snapshot stages (``part`` None
  for one file per vintage); None for a companion file with no staging of its own;
- ``parse(content, *, file_name, sha256, vintage, **context) -> Parsed``;
- ``fetch(*, session=None, raw_dir=None, **http_options) -> list[Snapshot]``.

Optional hooks: ``context(snapshot) -> Context`` (companion files read from the raw store,
passed to ``parse``), ``dependents(snapshot) -> list[Snapshot]`` (what to re-stage when a
companion arrives), ``siblings(path) -> list[Path]`` (companions stored with an imported file)
and ``GIVEN_BASIS`` (the basis of a vintage recorded at fetch time), ``COUNTS``
({staging dataset: {column: None or a row-mask function}}: the columns that hold counts,
checked by ``etl.plausible.check_frame`` before anything is staged) and ``OWNS_SUFFIXES``
(file suffixes only this source reads: import refuses, rather than skips, such a file it
does not recognise, with the reason its ``check`` gives).

Guards that hold for every source: :func:`admit` decides, before a byte is read, whether a
path is a file to import at all (hidden and non-regular files are skipped, files above the
format's size cap refused: ``etl.limits``); :func:`read_file` reads at most that cap; every
parsed frame passes the plausibility checks; staging never replaces another file's part or
other bytes of the same vintage (``etl.staging``).
"""
from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pandas as pd

from core import metadata
from etl import errors, limits, plausible, snapshots, staging, vintages


@dataclass(frozen=True)
class Parsed:
    """A file parsed into its staging frame.

    ``sidecar`` holds source-specific provenance written to the staging sidecar (e.g. the
    dataset code a file holds); ``facts`` what else the parser learnt (e.g. months covered).
    Both read as attributes: ``parsed.dataset_code``.
    """
    frame: pd.DataFrame
    vintage: dt.date
    vintage_basis: str | None = None
    kind: str | None = None
    sidecar: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        for bag in ("sidecar", "facts"):
            values = self.__dict__.get(bag) or {}
            if name in values:
                return values[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class Context:
    """What staging one snapshot needs from the raw store besides its own bytes."""
    parse_kwargs: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # companion file name → sha256
    vintage: dt.date | None = None  # a vintage the companions state (e.g. CBS TableInfos)


@dataclass(frozen=True)
class Admission:
    ok: bool
    verdict: str = ""   # "skipped" (not a data file) or "refused" (a data file we will not read)
    reason: str = ""


def admit(path: Path) -> Admission:
    """Whether ``path`` may be read at all, decided from its name and ``stat`` alone (a FIFO
    or a device is never opened): hidden names and anything but a regular file (after
    following links) are skipped; a file above its format's size cap is refused."""
    if path.name.startswith("."):
        return Admission(False, "skipped", "hidden file")
    try:
        st = os.stat(path)
    except OSError as exc:
        return Admission(False, "refused", f"cannot be read: {exc.strerror}")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        return Admission(False, "skipped", f"{kind}, not a regular file")
    cap = limits.max_file_bytes(path.name)
    if st.st_size > cap:
        return Admission(False, "refused", f"{st.st_size / limits.MB:,.1f} MB is above the "
                         f"{cap / limits.MB:,.0f} MB cap for {path.suffix or 'such'} files "
                         "(MIGFLOWS_MAX_FILE_MB)")
    return Admission(True)


def read_file(path: Path) -> bytes:
    """A file's bytes, never more than its format's cap (a file that grew since ``admit``
    is refused, not read to the end)."""
    cap = limits.max_file_bytes(path.name)
    with open(path, "rb") as fh:
        content = fh.read(cap + 1)
    if len(content) > cap:
        raise errors.ParseError(f"{path.name}: above the {cap / limits.MB:,.0f} MB cap for "
                                f"{path.suffix or 'such'} files (MIGFLOWS_MAX_FILE_MB)")
    return content


def _store(source: ModuleType, content: bytes, file_name: str, *, raw_dir, vintage,
           source_url: str | None = None) -> snapshots.Snapshot:
    sha = snapshots.sha256_bytes(content)
    recorded = vintages.check_given(file_name, vintage, sha256=sha,
                                    stated=source.stated_vintage(content, file_name))
    return snapshots.store(
        content, publisher=source.PUBLISHER, dataset=source.DATASET, file_name=file_name,
        source_url=source_url or f"imported from {file_name}",
        licence=metadata.dataset(source.DATASET)["licence"], vintage=recorded, raw_dir=raw_dir)


def import_file(source: ModuleType, path: Path, *, raw_dir: Path | None = None,
                vintage: dt.date | None = None) -> snapshots.Snapshot:
    """Snapshot a local file (no network) into the raw store, with the vintage it states or
    that is documented for its bytes (or ``vintage``, when it agrees with both)."""
    content = read_file(path)
    source.check(content, path.name)
    for sibling in getattr(source, "siblings", lambda p: [])(path):
        _store(source, read_file(sibling), sibling.name, raw_dir=raw_dir, vintage=vintage)
    return _store(source, content, path.name, raw_dir=raw_dir, vintage=vintage)


def stage(source: ModuleType, snapshot: snapshots.Snapshot, *, staging_dir: Path | None = None,
          force: bool = False) -> list[tuple[Path, bool]]:
    """Parse a raw snapshot into its staging file; [(staging file, written?)].

    Skips (written False) when staging already holds a file derived from these bytes (and the
    same companions). A companion stages what depends on it instead.
    """
    meta = snapshot.meta
    target = source.target(snapshot)
    if target is None:
        return [result for dependent in getattr(source, "dependents", lambda s: [])(snapshot)
                for result in stage(source, dependent, staging_dir=staging_dir, force=force)]
    dataset, part = target
    ctx = source.context(snapshot) if hasattr(source, "context") else Context()
    given = dt.date.fromisoformat(meta["vintage"]) if meta.get("vintage") else None
    vintage = given or ctx.vintage
    if vintage and not force and staging.is_current(dataset, vintage.isoformat(),
                                                    snapshot.sha256, staging_dir, part):
        existing = staging.file_for(dataset, vintage.isoformat(), staging_dir, part)
        if (staging.read_sidecar(existing).get("companions") or {}) == ctx.files:
            return [(existing, False)]
    parsed = source.parse(snapshot.path.read_bytes(), file_name=meta["file_name"],
                          sha256=snapshot.sha256, vintage=given, **ctx.parse_kwargs)
    plausible.check_frame(parsed.frame, getattr(source, "COUNTS", {}).get(dataset),
                          file_name=meta["file_name"])
    extra = {k: v for k, v in meta.items()
             if k not in (*staging.SNAPSHOT_FIELDS, "vintage")}  # e.g. a fetch's catalogue entry
    if parsed.vintage_basis is not None:
        extra["vintage_basis"] = parsed.vintage_basis
    if parsed.kind is not None:
        extra["file_kind"] = parsed.kind
    if ctx.files:
        extra["companions"] = ctx.files
    provenance = staging.provenance_of({**meta, "dataset": dataset}, parsed.vintage.isoformat(),
                                       **{**extra, **parsed.sidecar})
    written = staging.write(parsed.frame, dataset=dataset, vintage=parsed.vintage.isoformat(),
                            provenance=provenance, staging_dir=staging_dir, part=part)
    return [(written, True)]


def stage_all(source: ModuleType, fetched: list[snapshots.Snapshot], **kwargs):
    """Stage every snapshot a fetch stored: [(snapshot, [(staging file, written?)])]."""
    return [(snap, stage(source, snap, **kwargs)) for snap in fetched]
