"""World Bank API v2: every page of each indicator, checked, into the raw store."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import requests

from core import metadata
from etl import http, snapshots
from etl.formats import text
from etl.sources.worldbank.wdi import INDICATORS, api_message, iso_date

PUBLISHER = "worldbank"
DATASET = "worldbank_wdi"
API_URL = ("https://api.worldbank.org/v2/country/all/indicator/{indicator}"
           "?format=json&per_page={per_page}&page={page}")
PER_PAGE = 20_000  # one indicator is about 17,500 rows (266 codes × 1960–latest): one page
MAX_PAGES = 500


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None



def check_api_page(content: bytes, url: str, indicator: str | None = None,
                   page: int | None = None) -> tuple[dict, list]:
    """Raise FetchError unless ``content`` is one API v2 JSON page with data rows.

    Returns (page info, rows). The API answers errors with HTTP 200 and a one-element array
    ``[{"message": [...]}]``; that, HTML, an empty or cut-off body, a page other than the
    one asked for and rows of another indicator are all refused.
    """
    text.refuse_html(content, url, "World Bank API JSON")
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise http.FetchError(url, f"not JSON, or cut off ({len(content)} bytes): {exc}") from exc
    if (message := api_message(data)) is not None:
        raise http.FetchError(url, f"World Bank API error: {message}")
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
        raise http.FetchError(url, "unexpected JSON: expected a 2-element array [page info, rows]")
    info, rows = data
    numbers = {k: _int(info.get(k)) for k in ("page", "pages", "per_page", "total")}
    if missing := [k for k, v in numbers.items() if v is None]:
        raise http.FetchError(url, f"page info without a number for {missing}: {info}")
    if not rows or not isinstance(rows, list):
        raise http.FetchError(url, f"no data rows (page info: {info})")
    if iso_date(info.get("lastupdated")) is None:
        raise http.FetchError(url, f"page info 'lastupdated' is not a date: "
                                   f"{info.get('lastupdated')!r}")
    if page is not None and numbers["page"] != page:
        raise http.FetchError(url, f"asked for page {page}, got page {numbers['page']}")
    if indicator is not None:
        for i, row in enumerate(rows, 1):
            got = (row.get("indicator") or {}).get("id") if isinstance(row, dict) else None
            if got != indicator:
                raise http.FetchError(url, f"row {i}: indicator {got!r}, expected {indicator!r}")
    return info, rows



def _indicator_pages(indicator: str, session: requests.Session, per_page: int,
                     http_options: dict) -> list[tuple[bytes, str, str, dict]]:
    """Every page of one indicator, checked: [(content, url, file name, page info)]."""
    pages: list[tuple[bytes, str, str, dict]] = []
    page, last_page, received, first = 1, 1, 0, None
    while page <= last_page:
        url = API_URL.format(indicator=indicator, per_page=per_page, page=page)
        content = http.get(url, session=session, **http_options).content
        info, rows = check_api_page(content, url, indicator, page)
        if first is None:
            first = info
            last_page = _int(info["pages"])
            if last_page > MAX_PAGES:
                raise http.FetchError(url, f"{last_page} pages of {per_page} rows: too many")
        else:
            for key in ("pages", "total", "lastupdated"):
                if str(info.get(key)) != str(first.get(key)):
                    raise http.FetchError(url, f"page info {key!r} changed between pages: "
                                               f"{first.get(key)!r} then {info.get(key)!r}")
        received += len(rows)
        pages.append((content, url, f"API_{indicator}_page{page}.json", info))
        page += 1
    if received != _int(first["total"]):
        raise http.FetchError(pages[-1][1], f"{received} rows over {last_page} page(s), "
                                            f"page info says total {first['total']}")
    return pages


def fetch(*, session: requests.Session | None = None, raw_dir: Path | None = None,
          indicators=tuple(INDICATORS), per_page: int = PER_PAGE,
          **http_options) -> list[snapshots.Snapshot]:
    """Download every page of each indicator from the API into the raw store.

    Nothing is stored unless every page of every indicator passed the checks.
    """
    session = session or requests.Session()
    unknown = [i for i in indicators if i not in INDICATORS]
    if unknown:
        raise ValueError(f"not an indicator this source knows: {unknown}")
    downloaded = [p for code in indicators
                  for p in _indicator_pages(code, session, per_page, http_options)]
    licence = metadata.dataset(DATASET)["licence"]
    return [
        snapshots.store(content, publisher=PUBLISHER, dataset=DATASET, file_name=name,
                        source_url=url, licence=licence,
                        vintage=dt.date.fromisoformat(info["lastupdated"]), raw_dir=raw_dir)
        for content, url, name, info in downloaded
    ]

