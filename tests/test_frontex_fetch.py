"""Frontex download: page link discovery, HTTP retries, checks and the raw snapshot.

Offline: every HTTP answer is served by ``responses``. The workbook body is the real
June 2025 Frontex file (../shared/data/frontex/ibc.xlsx, via ``ibc_2025_bytes``); the
Migratory Map page below is a synthetic, hand-made fixture.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re

import openpyxl
import pytest
import requests
import responses

from etl import http
from etl.sources import frontex

PAGE = frontex.SOURCE_PAGE
ASSETS = "https://www.frontex.europa.eu/assets/Migratory_routes"
NEWEST = f"{ASSETS}/2025/Monthly_detections_of_IBC_2025_06_03.xlsx"
NEWEST_NAME = "Monthly_detections_of_IBC_2025_06_03.xlsx"

# Synthetic page, hand-made (not a copy of the Frontex site). It links three monthly
# workbooks with absolute, root-relative and document-relative hrefs, plus the older
# "Detections_of_IBC_*" file name, which is not a monthly workbook link. The newest
# (2025-06-03) is neither first nor last and is root-relative.
PAGE_HTML = f"""<!DOCTYPE html>
<html><head><title>Migratory map (synthetic fixture)</title></head><body>
<a href="{ASSETS}/2025/Monthly_detections_of_IBC_2025_05_06.xlsx">May 2025</a>
<a class="download" href='/assets/Migratory_routes/2025/{NEWEST_NAME}'>Download data</a>
<a href="../../../assets/Migratory_routes/2024/Monthly_detections_of_IBC_2024_12_11.xlsx">Dec</a>
<a href="{ASSETS}/Detections_of_IBC_2018_07_06.xlsx">2018 format</a>
</body></html>
"""
NO_LINK_HTML = "<html><body><p>Migratory map (synthetic fixture, no download link)</p></body></html>"


def files_under(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def calls_to(rs: responses.RequestsMock, url: str) -> int:
    return sum(1 for call in rs.calls if call.request.url == url)


def serve(rs, workbook=None, *, page_html: str = PAGE_HTML, **workbook_kwargs) -> None:
    rs.get(PAGE, body=page_html, content_type="text/html; charset=utf-8")
    if workbook is not None or workbook_kwargs:
        rs.get(NEWEST, body=workbook, **workbook_kwargs)


# ----------------------------------------------------------------------------- link discovery
def test_find_workbook_url_picks_newest_and_resolves_against_the_page():
    assert frontex.find_workbook_url(PAGE_HTML) == NEWEST
    assert frontex.find_workbook_url(PAGE_HTML, PAGE) == NEWEST
    assert frontex.find_workbook_url(PAGE_HTML, "https://mirror.example/a/b/c/") == (
        f"https://mirror.example/assets/Migratory_routes/2025/{NEWEST_NAME}")


def test_find_workbook_url_document_relative_and_absolute_links():
    relative = '<a href="../../../assets/x/Monthly_detections_of_IBC_2026_01_15.xlsx">x</a>'
    assert frontex.find_workbook_url(PAGE_HTML + relative) == (
        "https://www.frontex.europa.eu/assets/x/Monthly_detections_of_IBC_2026_01_15.xlsx")
    cdn = "https://cdn.example.net/files/Monthly_detections_of_IBC_2025_07_01.xlsx"
    assert frontex.find_workbook_url(PAGE_HTML + f'<a href="{cdn}">x</a>') == cdn


def test_find_workbook_url_without_link():
    with pytest.raises(http.FetchError) as caught:
        frontex.find_workbook_url(NO_LINK_HTML)
    assert caught.value.url == PAGE
    assert str(caught.value) == (
        f"{PAGE}: no Monthly_detections_of_IBC_*.xlsx link found on the page")


# ----------------------------------------------------------------------------- happy path
def test_fetch_stores_snapshot_with_sidecar(rs, raw_dir, ibc_2025_bytes):
    serve(rs, ibc_2025_bytes, content_type="application/octet-stream")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    [snap] = frontex.fetch(raw_dir=raw_dir, backoff=0)
    after = dt.datetime.now(dt.timezone.utc)

    sidecar = json.loads(snap.path.with_name(NEWEST_NAME + ".json").read_text(encoding="utf-8"))
    retrieved = dt.datetime.fromisoformat(sidecar["retrieved_at"])
    assert before <= retrieved <= after
    assert snap.created is True
    assert snap.path == raw_dir / "frontex" / retrieved.date().isoformat() / NEWEST_NAME
    assert snap.path.read_bytes() == ibc_2025_bytes
    assert files_under(raw_dir) == [f"frontex/{retrieved.date().isoformat()}/{NEWEST_NAME}",
                                    f"frontex/{retrieved.date().isoformat()}/{NEWEST_NAME}.json"]
    assert {k: v for k, v in sidecar.items() if k not in ("retrieved_at", "licence")} == {
        "publisher": "frontex",
        "dataset": "frontex_ibc",
        "file_name": NEWEST_NAME,
        "source_url": NEWEST,
        "sha256": hashlib.sha256(ibc_2025_bytes).hexdigest(),
        "size": 1_534_939,
        "vintage": "2025-06-03",
    }
    assert sidecar["licence"].startswith("Frontex legal disclaimer")
    assert snap.meta == sidecar

    assert [call.request.url for call in rs.calls] == [PAGE, NEWEST]
    for call in rs.calls:
        assert "Mozilla" in call.request.headers["User-Agent"]


def test_second_fetch_of_same_bytes_is_a_no_op(rs, raw_dir, ibc_2025_bytes):
    serve(rs, ibc_2025_bytes)
    [first] = frontex.fetch(raw_dir=raw_dir, backoff=0)
    before = files_under(raw_dir)
    [second] = frontex.fetch(raw_dir=raw_dir, backoff=0)
    assert (first.created, second.created) == (True, False)
    assert second.path == first.path
    assert files_under(raw_dir) == before
    assert sum(name.endswith(".xlsx") for name in before) == 1


# ----------------------------------------------------------------------------- bad files
def workbook_without_data_sheet(tmp_path) -> bytes:
    """Synthetic xlsx (openpyxl) with a single sheet 'Sheet1' and no Detections_of_IBC."""
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["synthetic", 1])
    path = tmp_path / "synthetic_no_data_sheet.xlsx"
    wb.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("case", ["html", "empty", "truncated", "no-data-sheet"])
def test_bad_workbook_raises_and_stores_nothing(rs, raw_dir, tmp_path, ibc_2025_bytes, case):
    body, problem = {
        "html": (b"<!DOCTYPE html><html><body>Access denied (synthetic)</body></html>",
                 "got an HTML/XML page instead of an xlsx workbook"),
        "empty": (b"", "empty body, expected an xlsx workbook"),
        "truncated": (ibc_2025_bytes[: len(ibc_2025_bytes) // 2],
                      f"truncated or damaged xlsx ({len(ibc_2025_bytes) // 2} bytes)"),
        "no-data-sheet": (workbook_without_data_sheet(tmp_path),
                          "workbook has no sheet 'Detections_of_IBC' (sheets: ['Sheet1'])"),
    }[case]
    serve(rs, body, status=200)
    with pytest.raises(http.FetchError) as caught:
        frontex.fetch(raw_dir=raw_dir, backoff=0)
    assert caught.value.url == NEWEST
    assert str(caught.value).startswith(f"{NEWEST}: {problem}")
    assert files_under(raw_dir) == []


def test_page_without_link_raises_and_stores_nothing(rs, raw_dir):
    serve(rs, page_html=NO_LINK_HTML)
    with pytest.raises(http.FetchError, match=re.escape(f"{PAGE}: no Monthly_detections_of_IBC")):
        frontex.fetch(raw_dir=raw_dir, backoff=0)
    assert files_under(raw_dir) == []


# ----------------------------------------------------------------------------- HTTP
def test_http_404_is_not_retried(rs, raw_dir):
    serve(rs, b"not here", status=404)
    with pytest.raises(http.FetchError) as caught:
        frontex.fetch(raw_dir=raw_dir, backoff=0)
    assert str(caught.value) == f"{NEWEST}: HTTP 404 Not Found"
    assert calls_to(rs, NEWEST) == 1
    assert files_under(raw_dir) == []


def test_http_503_twice_then_200_succeeds(rs, raw_dir, ibc_2025_bytes):
    serve(rs, b"busy", status=503)
    rs.get(NEWEST, body=b"busy", status=503)
    rs.get(NEWEST, body=ibc_2025_bytes, status=200)
    waits: list[float] = []
    [snap] = frontex.fetch(raw_dir=raw_dir, sleep=waits.append)  # default backoff 1 s, doubling
    assert calls_to(rs, NEWEST) == 3
    assert waits == [1.0, 2.0]
    assert snap.created and snap.path.read_bytes() == ibc_2025_bytes


def test_http_503_forever_gives_up(rs, raw_dir):
    serve(rs, b"busy", status=503)
    waits: list[float] = []
    with pytest.raises(http.FetchError) as caught:
        frontex.fetch(raw_dir=raw_dir, retries=2, backoff=0.5, sleep=waits.append)
    assert str(caught.value) == f"{NEWEST}: HTTP 503 Service Unavailable (after 3 attempts)"
    assert calls_to(rs, NEWEST) == 3
    assert waits == [0.5, 1.0]
    assert files_under(raw_dir) == []


def test_get_honours_retry_after(rs):
    rs.get("https://example.org/f", status=429, headers={"Retry-After": "7"})
    rs.get("https://example.org/f", body=b"ok")
    waits: list[float] = []
    response = http.get("https://example.org/f", sleep=waits.append)
    assert response.content == b"ok"
    assert waits == [7.0]


def test_get_retries_connection_errors(rs):
    rs.get("https://example.org/f", body=requests.ConnectionError("connection reset"))
    rs.get("https://example.org/f", body=b"ok")
    response = http.get("https://example.org/f", backoff=0)
    assert response.content == b"ok"
    assert len(rs.calls) == 2
    assert rs.calls[1].request.headers["User-Agent"] == http.USER_AGENT

    rs.get("https://example.org/down", body=requests.ConnectionError("refused"))
    with pytest.raises(http.FetchError) as caught:
        http.get("https://example.org/down", retries=1, backoff=0)
    assert caught.value.url == "https://example.org/down"
    assert caught.value.problem == "ConnectionError: refused (after 2 attempts)"


def test_content_length_larger_than_body(rs, raw_dir, ibc_2025_bytes):
    body = ibc_2025_bytes[:1000]
    serve(rs, body, headers={"Content-Length": str(len(ibc_2025_bytes))})
    with pytest.raises(http.FetchError) as caught:
        frontex.fetch(raw_dir=raw_dir, backoff=0)
    assert caught.value.url == NEWEST
    assert re.search(r"truncated|IncompleteRead", caught.value.problem)
    assert files_under(raw_dir) == []


def test_gzip_encoded_download_is_not_truncated(rs, raw_dir, ibc_2025_bytes):
    encoded = gzip.compress(ibc_2025_bytes)
    serve(rs, encoded, headers={"Content-Encoding": "gzip", "Content-Length": str(len(encoded))})
    [snap] = frontex.fetch(raw_dir=raw_dir, backoff=0)
    assert snap.path.read_bytes() == ibc_2025_bytes


# ----------------------------------------------------------------------------- live
@pytest.mark.network
def test_live_fetch(tmp_path):
    """The real Migratory Map page and workbook (deselected unless ``-m network``)."""
    [snap] = frontex.fetch(raw_dir=tmp_path)
    assert snap.created is True
    assert re.fullmatch(r"Monthly_detections_of_IBC_\d{4}_\d{2}_\d{2}\.xlsx", snap.path.name)
    assert snap.path.parent.parent == tmp_path / "frontex"
    content = snap.path.read_bytes()
    sidecar = json.loads(snap.path.with_name(snap.path.name + ".json").read_text("utf-8"))
    assert sidecar["sha256"] == hashlib.sha256(content).hexdigest()
    assert sidecar["size"] == len(content)
    assert sidecar["source_url"].startswith("https://")
    assert sidecar["source_url"].endswith("/" + snap.path.name)
    vintage = dt.date.fromisoformat(sidecar["vintage"])
    assert vintage >= dt.date(2025, 6, 3)
    parsed = frontex.parse(content, file_name=snap.path.name, vintage=vintage)
    assert parsed.months >= 196 and parsed.rows > 800
    assert parsed.frame["month"].min() == dt.datetime(2009, 1, 1)
