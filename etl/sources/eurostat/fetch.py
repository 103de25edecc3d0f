"""Eurostat's dissemination API (SDMX 2.1 REST), read through the project's HTTP layer
(``etl.http``: User-Agent, timeouts, bounded retries).

For each series: the catalogue entry of each candidate code (``dataflow/ESTAT/<code>``, JSON:
title, last update of data = the vintage, coverage); the data structure's dimension order
(``dataflow/…/latest`` names it, ``datastructure/…/latest`` lists it) to build the key of the
filters; the data as gzip TSV (``data/<code>/<key>?format=TSV&compressed=true``). A large
request is answered asynchronously: the data URL returns a key, ``1.0/async/status/<key>``
says when it is ready and ``1.0/async/data/<key>`` serves it.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from pathlib import Path
from xml.etree import ElementTree

import requests

from core import metadata
from etl import http, snapshots
from etl.formats import eurostat_tsv, text
from etl.sources.eurostat.bop import BOP_CODELIST_FILE, BOP_CODELIST_URL

PUBLISHER = "eurostat"
DATASET = "eurostat_migr"
BOP_DATASET = "eurostat_bop"
SOURCE_PAGE = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/"
ASYNC_PAGE = "https://ec.europa.eu/eurostat/api/dissemination/1.0/async/"
# Series → dataset codes to look up in Eurostat's catalogue, annual first. The quarterly
# successors (Regulation (EU) 2020/851, from reference year 2024) are fetched when the
# catalogue lists them; which codes were found is recorded in each snapshot's sidecar.
CANDIDATES = {
    "ordered_to_leave": ["migr_eiord", "migr_eiord1"],
    "returned": ["migr_eirtn", "migr_eirtn1"],
    "illegally_present": ["migr_eipre"],
    "refused_entry": ["migr_eirfs"],
    "asylum_applicants": ["migr_asyappctza"],
    "personal_transfers": ["bop_rem6"],
}
# Filters applied at fetch time (dimension → codes; '+' joins several), so a download holds
# the totals over age and sex plus every citizenship and geo.
FETCH_FILTERS = {"sex": "T", "age": "TOTAL", "unit": "PER"}
FETCH_FILTERS_BY_CODE = {"migr_asyappctza": {"asyl_app": "ASY_APP+NASY_APP"},
                         "bop_rem6": {"geo": "NL"}}
ASYNC_WAIT = (1.0, 30.0, 1800.0)  # first wait, longest wait, give up after (seconds)


def iso_date(value) -> dt.date | None:
    """A date from ISO text (catalogue ``2026-04-24T23:00:00+0200``) or SDMX-CSV's
    ``LAST UPDATE`` (``24/04/26 23:00:00``, day/month/year)."""
    value = str(value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(value, "%d/%m/%y %H:%M:%S").date()
    except ValueError:
        return None


def _xml(content: bytes, url: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(text.gunzip(content))
    except (ElementTree.ParseError, OSError, EOFError) as exc:
        raise http.FetchError(url, f"not an SDMX XML answer: {exc}") from exc


def catalogue_entry(code: str, **http_options) -> dict | None:
    """The catalogue (dataflow) entry of one dataset code, or None if Eurostat has none."""
    url = f"{SOURCE_PAGE}dataflow/ESTAT/{code}?format=JSON&compressed=true&lang=en"
    try:
        content = http.get(url, **http_options).content
    except http.FetchError as exc:
        if exc.status == 404:
            return None
        raise http.FetchError(url, f"catalogue lookup failed: {exc.problem}", exc.status) from exc
    try:
        flow = json.loads(text.gunzip(content))
        notes = {a.get("type"): a for a in flow["extension"]["annotation"]}
    except (ValueError, KeyError, TypeError, OSError, EOFError) as exc:
        raise http.FetchError(url, f"catalogue lookup failed: not a dataflow answer ({exc})") \
            from exc
    return {"code": code, "title": flow.get("label"), "catalogue_id": flow["extension"].get("id"),
            "type": "dataset",
            "last_update": notes.get("UPDATE_DATA", {}).get("date"),
            "structure_change": notes.get("UPDATE_STRUCTURE", {}).get("date"),
            "data_start": notes.get("OBS_PERIOD_OVERALL_OLDEST", {}).get("title"),
            "data_end": notes.get("OBS_PERIOD_OVERALL_LATEST", {}).get("title")}


def resolve_codes(candidates=CANDIDATES, **http_options) -> dict[str, list[dict]]:
    """Series → the catalogue entries of the candidate codes Eurostat lists (none guessed)."""
    return {series: [e for code in codes if (e := catalogue_entry(code, **http_options))]
            for series, codes in candidates.items()}


def dimensions(code: str, **http_options) -> list[str]:
    """The dataset's dimension ids in key order (time excluded)."""
    url = f"{SOURCE_PAGE}dataflow/ESTAT/{code}/latest"
    ref = _xml(http.get(url, **http_options).content, url).find(".//{*}Structure/Ref")
    if ref is None or not ref.get("id"):
        raise http.FetchError(url, "the dataflow names no data structure")
    url = f"{SOURCE_PAGE}datastructure/ESTAT/{ref.get('id')}/latest"
    dims = _xml(http.get(url, **http_options).content, url).findall(
        ".//{*}DimensionList/{*}Dimension")
    if not dims:
        raise http.FetchError(url, "the data structure lists no dimensions")
    return [d.get("id") for d in sorted(dims, key=lambda d: int(d.get("position") or 0))]


def data_url(code: str, dims: list[str]) -> str:
    filters = {**FETCH_FILTERS, **FETCH_FILTERS_BY_CODE.get(code, {})}
    key = ".".join(filters.get(name.lower(), "") for name in dims)
    return f"{SOURCE_PAGE}data/{code}/{key}?format=TSV&compressed=true"


def _async_status(content: bytes, url: str) -> tuple[str, str] | None:
    """(key, status) of an asynchronous answer; None for any other body."""
    if b"asyncResponse" not in content[:4096]:
        return None
    root = _xml(content, url)
    key, status = root.find(".//{*}key"), root.find(".//{*}status/{*}status")
    if key is None or status is None:
        raise http.FetchError(url, "an asynchronous answer without key or status")
    return key.text.strip(), status.text.strip()


def _wait_for(key: str, url: str, sleep, **http_options) -> bytes:
    """Poll an asynchronous request until its data is available; the data."""
    wait, longest, give_up = ASYNC_WAIT
    waited = 0.0
    status_url = f"{ASYNC_PAGE}status/{key}"
    while True:
        answer = _async_status(http.get(status_url, **http_options).content, status_url)
        status = answer[1] if answer else "no status"
        if status == "AVAILABLE":
            return http.get(f"{ASYNC_PAGE}data/{key}", **http_options).content
        if status not in ("SUBMITTED", "PROCESSING") or waited >= give_up:
            raise http.FetchError(url, f"asynchronous request {key}: {status}"
                                       + (" (gave up waiting)" if waited >= give_up else ""))
        sleep(wait)
        waited += wait
        wait = min(wait * 2, longest)


def download(code: str, *, sleep=time.sleep, **http_options) -> tuple[bytes, str]:
    """One dataset's TSV (gzip), waiting out an asynchronous answer; checked."""
    url = data_url(code, dimensions(code, sleep=sleep, **http_options))
    content = http.get(url, sleep=sleep, **http_options).content
    if answer := _async_status(content, url):
        content = _wait_for(answer[0], url, sleep, **http_options) if answer[1] != "AVAILABLE" \
            else http.get(f"{ASYNC_PAGE}data/{answer[0]}", sleep=sleep, **http_options).content
    try:
        head = gzip.decompress(content)[:4096]
    except (OSError, EOFError) as exc:
        raise http.FetchError(url, f"not a complete gzip TSV ({len(content)} bytes): {exc}") \
            from exc
    if not eurostat_tsv.is_tsv(head.split(b"\n", 1)[0]):
        raise http.FetchError(url, f"not an Eurostat TSV (starts with {head[:60]!r})")
    return content, url


def fetch(*, session: requests.Session | None = None, raw_dir: Path | None = None,
          candidates=CANDIDATES, timeout: float = 120.0, progress=None,
          sleep=time.sleep, **http_options) -> list[snapshots.Snapshot]:
    """Resolve the dataset codes in Eurostat's catalogue and download each one found.

    Nothing is stored unless every download passed its checks. Each snapshot records the
    code used and the catalogue entry (title, last data update = vintage, coverage).
    """
    options = {"session": session or requests.Session(), "timeout": (10.0, timeout),
               **http_options}
    resolved = resolve_codes(candidates, sleep=sleep, **options)
    missing = [s for s, found in resolved.items() if not found]
    if missing:
        raise http.FetchError(SOURCE_PAGE, f"the catalogue lists none of the codes for "
                                           f"{missing}: {[candidates[s] for s in missing]}")
    downloads = []
    entries = [e for found in resolved.values() for e in found]
    for i, entry in enumerate(entries, 1):
        if progress:
            progress(f"[{i}/{len(entries)}] {entry['code']} ({entry['title']})")
        downloads.append((entry, *download(entry["code"], sleep=sleep, **options)))
    bop = next((e for e, _, _ in downloads if e["code"] == "bop_rem6"), None)
    if bop is not None:
        url = SOURCE_PAGE + BOP_CODELIST_URL
        downloads.append(({**bop, "file_name": BOP_CODELIST_FILE},
                          http.get(url, sleep=sleep, **options).content, url))
    licence = metadata.dataset(DATASET)["licence"]
    return [
        snapshots.store(content, publisher=PUBLISHER,
                        dataset=BOP_DATASET if entry["code"] == "bop_rem6" else DATASET,
                        file_name=entry.get("file_name") or f"{entry['code']}.tsv.gz",
                        source_url=url, licence=licence,
                        vintage=iso_date(entry["last_update"]), raw_dir=raw_dir,
                        extra={"dataset_code": entry["code"],
                               "catalogue": json.dumps(entry, default=str)})
        for entry, content, url in downloads
    ]
