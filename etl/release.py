"""Versioned warehouse releases: every build is also an immutable file with a manifest.

``python -m etl build`` writes the new warehouse as ``data/releases/warehouse-<build id>.duckdb``
(read-only; never changed again), with ``warehouse-<build id>.json`` beside it — its sha256,
size, input fingerprint, build time, DuckDB version and the vintages of every dataset — and
``manifest.json``, a copy of the newest release's JSON (replaced atomically, after the file it
names is in place). ``data/warehouse.duckdb`` is a hard link to that release (a copy where the
file system has no hard links), so a single server and every tool keep one path.

Several app servers (replicas) read one release: on one machine they share ``data/``; on
several, a release is copied to each (the ``.duckdb`` first, then ``manifest.json``) and each
checks the sha256 the manifest states before it serves the file (``verify``). A build keeps
the newest ``KEEP`` releases; an older one is removed (a server that still has it open keeps
reading it until it reopens).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import duckdb

from etl.staging import sha256_file as sha256

KEEP = 3
MANIFEST = "manifest.json"


def folder(warehouse: Path) -> Path:
    return warehouse.parent / "releases"


def build_id(built_at: dt.datetime, fingerprint: str) -> str:
    """``20261202T041500.123456Z-1a2b3c4d``: the build's UTC time (to the microsecond, so two
    builds never share a name), then its inputs' fingerprint."""
    return f"{built_at:%Y%m%dT%H%M%S.%fZ}-{fingerprint[:8]}"


def _vintages(path: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT dataset, list(DISTINCT vintage::VARCHAR ORDER BY "
                           "vintage::VARCHAR) FROM provenance GROUP BY dataset "
                           "ORDER BY dataset").fetchall()
    return {d: list(v) for d, v in rows}


def _write_json(path: Path, content: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(content, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)


def publish(built: Path, warehouse: Path, *, fingerprint: str, built_at: dt.datetime,
            tables: dict[str, int]) -> dict:
    """Turn a finished build file into the newest release and point ``warehouse`` at it.
    Call with the build lock held. Returns the release's manifest."""
    releases = folder(warehouse)
    releases.mkdir(parents=True, exist_ok=True)
    rid = build_id(built_at, fingerprint)
    target = releases / f"warehouse-{rid}.duckdb"
    manifest = {
        "build_id": rid, "file": target.name, "sha256": sha256(built),
        "size": built.stat().st_size, "fingerprint": fingerprint,
        "built_at": built_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "duckdb_version": duckdb.__version__,
        "vintages": _vintages(built), "tables": tables,
    }
    os.replace(built, target)
    os.chmod(target, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    # the warehouse path: a hard link to the release, swapped in atomically
    fd, link = tempfile.mkstemp(dir=warehouse.parent, prefix=".warehouse-link-", suffix=".duckdb")
    os.close(fd)
    os.unlink(link)
    try:
        os.link(target, link)
    except OSError:  # no hard links on this file system: a copy
        shutil.copyfile(target, link)
    os.replace(link, warehouse)
    _write_json(releases / f"warehouse-{rid}.json", manifest)
    _write_json(releases / MANIFEST, manifest)
    prune(releases)
    return manifest


def prune(releases: Path, keep: int = KEEP) -> list[str]:
    """Remove all but the newest ``keep`` releases (by build id, which sorts by time)."""
    files = sorted(releases.glob("warehouse-*.duckdb"))
    removed = []
    for old in files[:-keep] if keep else files:
        for f in (old, old.with_suffix(".json")):
            if f.exists():
                f.unlink()
                removed.append(f.name)
    return removed


def current(warehouse: Path) -> dict | None:
    """The newest release's manifest, or None if no build has written one."""
    path = folder(warehouse) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def verify(warehouse: Path) -> Path:
    """The newest release's file after checking its sha256 against the manifest (a replica
    does this before it serves a copied release). Raises ValueError on a mismatch."""
    manifest = current(warehouse)
    if manifest is None:
        raise FileNotFoundError(f"no {MANIFEST} in {folder(warehouse).name}/: run "
                                "`python -m etl build`")
    path = folder(warehouse) / manifest["file"]
    actual = sha256(path)
    if actual != manifest["sha256"]:
        raise ValueError(f"{path.name}: sha256 {actual[:12]}… is not the manifest's "
                         f"{manifest['sha256'][:12]}… (an incomplete or altered copy)")
    return path
