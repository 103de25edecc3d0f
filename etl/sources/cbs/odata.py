"""CBS OData v3: a table's metadata, code lists and every ``TypedDataSet`` page, checked,
into the raw store."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import quote, urlparse

import requests

from core import metadata
from etl import errors, http, snapshots
from etl.formats import text
from etl.sources.cbs.companions import modified as table_modified
from etl.sources.cbs.kinds import DIMENSION_TYPES, ODATA_RE, TABLE_RE

PUBLISHER = "cbs"
DATASET = "cbs_statline"
SOURCE_PAGE = metadata.dataset(DATASET)["source_page"]  # OData v3 base, ends with "/"
# 84809NED immigration by motive, 85484NED immi-/emigration per month, 85333NED third-country
# nationals ordered to leave. The id of its companion table ("Derdelanders; aantoonbaar
# vertrek") is not known here: pass it in ``tables`` once known.
DEFAULT_TABLES = ("84809NED", "85484NED", "85333NED")
# $filter per table. 84809NED has tens of millions of rows: by default only the totals of its
# other dimensions (keys as CBS pads them, as public code calling the table uses them; not yet
# checked here against the live code lists: the network test does).
DEFAULT_FILTERS = {"84809NED": ("Geslacht eq 'T001038' and Leeftijd eq '10000  ' and "
                                "SociaaleconomischeCategorie eq 'T001083' and "
                                "Nationaliteit eq 'T001059' and Verblijfsduur eq 'A027954'")}
MAX_ROWS = 500_000  # refuse (before downloading) a TypedDataSet larger than this
MAX_PAGES = 1_000


def check_odata_page(content: bytes, url: str, table: str, entity: str) -> dict:
    """Raise FetchError unless ``content`` is one OData v3 JSON answer of ``table``/``entity``."""
    text.refuse_html(content, url, "CBS OData JSON")
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise http.FetchError(url, f"not JSON, or cut off ({len(content)} bytes): {exc}") from exc
    if isinstance(data, dict) and "odata.error" in data:
        message = (data["odata.error"].get("message") or {})
        raise http.FetchError(url, "CBS OData error: " + str(
            message.get("value") if isinstance(message, dict) else message))
    if not (isinstance(data, dict) and isinstance(data.get("value"), list)):
        raise http.FetchError(url, "unexpected JSON: expected {\"odata.metadata\", \"value\": [...]}")
    m = ODATA_RE.search(content[:2000].decode("utf-8", errors="replace"))
    if not m or (m["table"].upper(), m["entity"]) != (table.upper(), entity):
        raise http.FetchError(url, f"odata.metadata names {m and (m['table'], m['entity'])!r}, "
                                   f"expected {(table, entity)!r}")
    return data


def _entity_pages(table: str, entity: str, query: str, session, http_options) -> list[tuple]:
    """Every page of one entity, following ``odata.nextLink``: [(content, url, name, rows)]."""
    url, pages = f"{SOURCE_PAGE}{table}/{entity}?$format=json{query}", []
    host = urlparse(SOURCE_PAGE).netloc.lower()
    while url:
        if len(pages) >= MAX_PAGES:
            raise http.FetchError(url, f"more than {MAX_PAGES} pages of {table}/{entity}")
        content = http.get(url, session=session, **http_options).content
        data = check_odata_page(content, url, table, entity)
        n = len(pages) + 1
        pages.append((content, url, f"{table}_{entity}{f'_page{n}' if n > 1 else ''}.json",
                      data["value"]))
        url = data.get("odata.nextLink")
        if url and urlparse(url).netloc.lower() != host:
            raise http.FetchError(pages[-1][1], f"odata.nextLink leaves {host}: {url!r}")
    return pages


def _table_pages(table: str, where: str | None, max_rows: int, session,
                 http_options) -> tuple[dt.date, list[tuple]]:
    """TableInfos, DataProperties, the dimension code lists and every TypedDataSet page."""
    info = _entity_pages(table, "TableInfos", "", session, http_options)
    try:
        modified = table_modified(info[0][3], f"{table}/TableInfos")
    except errors.ParseError as exc:
        raise http.FetchError(info[0][1], str(exc)) from exc
    props = _entity_pages(table, "DataProperties", "", session, http_options)
    keys = [p.get("Key") for _, _, _, rows in props for p in rows
            if p.get("Type") in DIMENSION_TYPES | {"TimeDimension"}]
    lists = [p for key in keys for p in _entity_pages(table, key, "", session, http_options)]
    query = f"&$filter={quote(where, safe=chr(39) + '()')}" if where else ""
    count_url = f"{SOURCE_PAGE}{table}/TypedDataSet/$count" + (f"?{query[1:]}" if query else "")
    count_text = http.get(count_url, session=session, **http_options).text.strip()
    if not count_text.isdigit():
        raise http.FetchError(count_url, f"expected a row count, got {count_text[:80]!r}")
    if int(count_text) == 0:
        raise http.FetchError(count_url, f"no rows{f' for $filter {where!r}' if where else ''}")
    if int(count_text) > max_rows:
        raise http.FetchError(count_url, f"{int(count_text):,} rows, more than max_rows="
                                         f"{max_rows:,}: narrow it with filters={{{table!r}: ...}}")
    data = _entity_pages(table, "TypedDataSet", query, session, http_options)
    if (received := sum(len(rows) for *_, rows in data)) != int(count_text):
        raise http.FetchError(data[-1][1], f"{received} rows over {len(data)} page(s), "
                                           f"$count says {count_text}")
    return modified, info + props + lists + data


def fetch(*, session: requests.Session | None = None, raw_dir: Path | None = None,
          tables=DEFAULT_TABLES, filters: dict[str, str] | None = None,
          max_rows: int = MAX_ROWS, **http_options) -> list[snapshots.Snapshot]:
    """Download each table's OData v3 JSON (metadata, code lists, data pages) into the raw store.

    ``filters`` maps a table id to an OData ``$filter`` (default ``DEFAULT_FILTERS``). The
    vintage is the table's TableInfos ``Modified``. Nothing is stored unless every table passed.
    """
    session = session or requests.Session()
    if bad := [t for t in tables if not TABLE_RE.match(t)]:
        raise ValueError(f"not a CBS table id (5 digits + 3 letters): {bad}")
    filters = DEFAULT_FILTERS if filters is None else filters
    downloaded = []
    for table in tables:
        modified, pages = _table_pages(table, filters.get(table), max_rows, session, http_options)
        downloaded += [(modified, page) for page in pages]
    licence = metadata.dataset(DATASET)["licence"]
    return [snapshots.store(content, publisher=PUBLISHER, dataset=DATASET, file_name=name,
                            source_url=url, licence=licence, vintage=stamp, raw_dir=raw_dir)
            for stamp, (content, url, name, _) in downloaded]
