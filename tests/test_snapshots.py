"""Raw store (etl/snapshots.py): dated, never-overwritten snapshots with JSON sidecars."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat

import pytest

from etl import snapshots

DAY = dt.datetime(2025, 6, 10, 8, 30, 15, tzinfo=dt.timezone.utc)
ONE = b"first version of the workbook bytes"
TWO = b"second, different version of the workbook bytes"


def store(content: bytes, raw_dir, *, file_name: str = "book.xlsx", when: dt.datetime = DAY):
    return snapshots.store(
        content, publisher="frontex", dataset="frontex_ibc", file_name=file_name,
        source_url=f"https://example.org/{file_name}", licence="test licence",
        vintage=dt.date(2025, 6, 3), retrieved_at=when, raw_dir=raw_dir,
    )


def files_under(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_store_writes_file_and_sidecar(tmp_path):
    snap = store(ONE, tmp_path)
    assert snap.created is True
    assert snap.path == tmp_path / "frontex" / "2025-06-10" / "book.xlsx"
    assert snap.path.read_bytes() == ONE
    sidecar = json.loads((snap.path.parent / "book.xlsx.json").read_text(encoding="utf-8"))
    assert sidecar == {
        "publisher": "frontex",
        "dataset": "frontex_ibc",
        "file_name": "book.xlsx",
        "source_url": "https://example.org/book.xlsx",
        "retrieved_at": "2025-06-10T08:30:15+00:00",
        "sha256": hashlib.sha256(ONE).hexdigest(),
        "size": len(ONE),
        "licence": "test licence",
        "vintage": "2025-06-03",
    }
    assert snap.meta == sidecar
    assert snap.sha256 == hashlib.sha256(ONE).hexdigest()
    assert files_under(tmp_path) == ["frontex/2025-06-10/book.xlsx",
                                     "frontex/2025-06-10/book.xlsx.json"]


@pytest.mark.parametrize("when", [DAY, DAY + dt.timedelta(days=3)], ids=["same-day", "later-day"])
def test_identical_bytes_again_is_a_no_op(tmp_path, when):
    first = store(ONE, tmp_path)
    before = files_under(tmp_path)
    again = store(ONE, tmp_path, when=when)
    assert again.created is False
    assert again.path == first.path
    assert again.meta == first.meta
    assert files_under(tmp_path) == before


def test_other_bytes_same_name_same_day_are_kept_beside(tmp_path):
    first = store(ONE, tmp_path)
    second = store(TWO, tmp_path, when=DAY + dt.timedelta(hours=2))
    digest = hashlib.sha256(TWO).hexdigest()
    assert second.created is True
    assert second.path == tmp_path / "frontex" / "2025-06-10" / f"book.{digest[:12]}.xlsx"
    assert first.path.read_bytes() == ONE  # the original is untouched
    assert second.path.read_bytes() == TWO
    assert second.meta["file_name"] == "book.xlsx"  # the publisher's name is recorded
    assert second.meta["sha256"] == digest and second.meta["size"] == len(TWO)
    assert json.loads(first.path.with_name("book.xlsx.json").read_text())["sha256"] == (
        hashlib.sha256(ONE).hexdigest())
    assert len(files_under(tmp_path)) == 4


def test_other_bytes_same_name_without_extension(tmp_path):
    store(ONE, tmp_path, file_name="README")
    second = store(TWO, tmp_path, file_name="README")
    assert second.path.name == f"README.{hashlib.sha256(TWO).hexdigest()[:12]}"


@pytest.mark.parametrize("name", ["sub/book.xlsx", "../book.xlsx", ".hidden.xlsx"])
def test_non_plain_file_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match="not a plain file name"):
        store(ONE, tmp_path, file_name=name)
    assert files_under(tmp_path) == []


def test_no_temp_files_left_behind(tmp_path):
    store(ONE, tmp_path)
    store(TWO, tmp_path)
    store(ONE, tmp_path)
    day_dir = tmp_path / "frontex" / "2025-06-10"
    assert list(day_dir.glob(".*.tmp")) == []
    assert all(not name.rsplit("/", 1)[-1].startswith(".") for name in files_under(tmp_path))


def test_files_are_readable_by_group_and_others(tmp_path):
    old_umask = os.umask(0o077)  # a strict umask must not make the snapshot private
    try:
        snap = store(ONE, tmp_path)
    finally:
        os.umask(old_umask)
    for path in (snap.path, snap.path.with_name(snap.path.name + ".json")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_sidecars_lists_complete_snapshots(tmp_path):
    a = store(ONE, tmp_path, file_name="a.xlsx")
    b = store(TWO, tmp_path, file_name="b.xlsx", when=DAY + dt.timedelta(days=1))
    orphan = tmp_path / "frontex" / "2025-06-12" / "gone.xlsx.json"  # data file missing
    orphan.parent.mkdir()
    orphan.write_text("{}")
    assert snapshots.sidecars("frontex", tmp_path) == [(a.path, a.meta), (b.path, b.meta)]
    assert snapshots.sidecars("eurostat", tmp_path) == []


def test_sidecars_oldest_first_within_a_day(tmp_path):
    first = store(ONE, tmp_path)
    second = store(TWO, tmp_path, when=DAY + dt.timedelta(hours=2))
    assert [p for p, _ in snapshots.sidecars("frontex", tmp_path)] == [first.path, second.path]
