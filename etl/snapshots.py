"""Raw store: every publisher file kept unmodified, dated, with a JSON sidecar.

Layout: ``data/raw/<publisher>/<YYYY-MM-DD>/<original file name>`` plus
``<original file name>.json``. Writes are atomic and never overwrite; storing bytes that
are already in the store for that publisher is a no-op that returns the existing snapshot.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core import paths

SIDECAR_SUFFIX = ".json"


@dataclass(frozen=True)
class Snapshot:
    path: Path
    meta: dict
    created: bool  # False when identical bytes were already stored

    @property
    def sha256(self) -> str:
        return self.meta["sha256"]


def sha256_bytes(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _atomic_write(dest: Path, content: bytes, *, overwrite: bool) -> bool:
    """Write ``content`` to ``dest`` via a temp file in the same folder.

    With ``overwrite=False`` the final step is a hard link, which fails if ``dest`` exists,
    so an existing file is never replaced. Returns False if ``dest`` already existed.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, dest)
            return True
        try:
            os.link(tmp, dest)
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_json_atomic(dest: Path, data: dict) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    _atomic_write(dest, text.encode("utf-8"), overwrite=True)


def sidecars(publisher: str, raw_dir: Path | None = None) -> list[tuple[Path, dict]]:
    """All complete snapshots of a publisher, oldest first: (data file, sidecar dict)."""
    base = (raw_dir or paths.RAW_DIR) / publisher
    found = []
    for side in base.glob(f"*/*{SIDECAR_SUFFIX}"):
        data_file = side.with_name(side.name[: -len(SIDECAR_SUFFIX)])
        if data_file.exists():
            found.append((data_file, json.loads(side.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda pair: (pair[1].get("retrieved_at") or "", str(pair[0])))


def store(
    content: bytes,
    *,
    publisher: str,
    dataset: str,
    file_name: str,
    source_url: str,
    licence: str,
    vintage: dt.date | None = None,
    retrieved_at: dt.datetime | None = None,
    raw_dir: Path | None = None,
    extra: dict | None = None,
) -> Snapshot:
    """Store ``content`` as a snapshot of ``publisher`` (see module doc).

    ``extra`` adds source-specific fields to the sidecar (e.g. which dataset code the
    publisher's catalogue resolved); it cannot replace the standard ones.
    """
    if Path(file_name).name != file_name or file_name.startswith("."):
        raise ValueError(f"not a plain file name: {file_name!r}")
    digest = sha256_bytes(content)
    for data_file, meta in sidecars(publisher, raw_dir):
        if meta.get("sha256") == digest:
            return Snapshot(data_file, meta, created=False)

    retrieved_at = retrieved_at or dt.datetime.now(dt.timezone.utc)
    day_dir = (raw_dir or paths.RAW_DIR) / publisher / retrieved_at.date().isoformat()
    dest = day_dir / file_name
    if dest.exists() and sha256_bytes(dest.read_bytes()) != digest:
        # Same name, same day, other bytes: keep both, never overwrite.
        stem, dot, ext = file_name.rpartition(".")
        dest = day_dir / (f"{stem}.{digest[:12]}.{ext}" if dot else f"{file_name}.{digest[:12]}")
    meta = {
        "publisher": publisher,
        "dataset": dataset,
        "file_name": file_name,
        "source_url": source_url,
        "retrieved_at": retrieved_at.isoformat(timespec="seconds"),
        "sha256": digest,
        "size": len(content),
        "licence": licence,
        "vintage": vintage.isoformat() if vintage else None,
    }
    if extra:
        if clash := set(extra) & set(meta):
            raise ValueError(f"extra sidecar fields may not replace {sorted(clash)}")
        meta.update(extra)
    _atomic_write(dest, content, overwrite=False)
    write_json_atomic(dest.with_name(dest.name + SIDECAR_SUFFIX), meta)
    return Snapshot(dest, meta, created=True)
