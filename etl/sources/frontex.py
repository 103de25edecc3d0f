"""Frontex: monthly detections of illegal border crossings (IBC) by route × nationality.

``fetch`` downloads the current workbook linked from the Migratory Map page into the raw
store; ``parse`` turns a workbook (2018 or 2025 layout) into a tidy, long frame (one staging
file per vintage). Import and staging are ``etl.pipeline``'s.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import python_calamine
import requests

from core import metadata, reference
from etl import errors, http, pipeline, plausible, snapshots, vintages
from etl.formats import text

PUBLISHER = "frontex"
DATASET = "frontex_ibc"
OWNS_SUFFIXES = (".xlsx",)  # the only publisher whose files are workbooks: any .xlsx is for us
COUNTS = {DATASET: {"detections": None}}  # checked by the pipeline (etl.plausible)
DATA_SHEET = "Detections_of_IBC"
NOTES_SHEET = "Notes"
SOURCE_PAGE = metadata.dataset(DATASET)["source_page"]
LINK_RE = re.compile(
    r"""href=["']([^"']*?Monthly_detections_of_IBC_(\d{4})_(\d{2})_(\d{2})\.xlsx(?:\?[^"']*)?)["']""",
    re.I,
)
MONTH_TEXT_RE = re.compile(r"^([A-Za-z]{3})\s*(\d{4})$")
MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
ID_COLUMNS = {
    "route": ("route",),
    "border_type": ("border type or inland", "borderlocation", "border type", "border location"),
    "nationality": ("nationality", "nationalitylong"),
}
BORDER_TYPES = {"sea": "Sea", "land": "Land"}
STAGING_COLUMNS = [
    "route_label", "route_code", "route", "border_type", "nationality_label", "nationality",
    "nationality_iso3", "month", "detections", "vintage", "source_file", "snapshot_sha256",
    "source_row",
]


ParseError = errors.ParseError

# ----------------------------------------------------------------------------- validation
def check_xlsx(content: bytes, where: str) -> None:
    """Raise FetchError unless ``content`` is a complete xlsx with the IBC data sheet."""
    text.refuse_html(content, where, "an xlsx workbook")
    if not content.startswith(b"PK\x03\x04"):
        raise http.FetchError(where, f"not an xlsx workbook (starts with {content[:8]!r})")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            workbook = zf.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
        raise http.FetchError(where, f"truncated or damaged xlsx ({len(content)} bytes): {exc}") from exc
    names = [el.get("name") for el in ElementTree.fromstring(workbook).iter()
             if el.tag.endswith("}sheet")]
    if DATA_SHEET not in names:
        raise http.FetchError(where, f"workbook has no sheet {DATA_SHEET!r} (sheets: {names})")


# ----------------------------------------------------------------------------- fetch
def find_workbook_url(html: str, page_url: str = SOURCE_PAGE) -> str:
    """The newest ``Monthly_detections_of_IBC_YYYY_MM_DD.xlsx`` link on the page."""
    links = []
    for href, y, m, d in LINK_RE.findall(html):
        try:
            links.append((dt.date(int(y), int(m), int(d)), href))
        except ValueError:  # an impossible date in a link name: not a workbook link
            continue
    if not links:
        raise http.FetchError(page_url, "no Monthly_detections_of_IBC_*.xlsx link found on the page")
    return urljoin(page_url, max(links)[1])


def fetch(
    *, session: requests.Session | None = None, raw_dir: Path | None = None, **http_options
) -> list[snapshots.Snapshot]:
    """Download the current workbook from the Migratory Map page into the raw store."""
    session = session or requests.Session()
    page = http.get(SOURCE_PAGE, session=session, **http_options)
    url = find_workbook_url(page.text, page.url or SOURCE_PAGE)
    response = http.get(url, session=session, **http_options)
    content = response.content
    expected = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    if expected and expected.isdigit() and not encoded and int(expected) != len(content):
        raise http.FetchError(url, f"truncated download: {len(content)} of {expected} bytes")
    check_xlsx(content, url)
    file_name = url.rsplit("/", 1)[-1].split("?")[0]
    return [snapshots.store(
        content, publisher=PUBLISHER, dataset=DATASET, file_name=file_name, source_url=url,
        licence=metadata.dataset(DATASET)["licence"], vintage=read_vintage(content, file_name),
        raw_dir=raw_dir,
    )]


# ----------------------------------------------------------------------------- parse
_VINTAGE_RE = re.compile(r"as of\s+(\d{1,2})\s*([A-Za-z]+)\s*(\d{2,4})", re.I)
_FILE_DATE_RE = re.compile(r"(\d{4})_(\d{2})_(\d{2})")


def _parse_vintage_text(text: str) -> dt.date | None:
    m = _VINTAGE_RE.search(text)
    if not m:
        return None
    day, month, year = m.groups()
    month_no = MONTHS.get(month[:3].upper())
    if month_no is None:
        return None
    year_no = int(year) + (2000 if len(year) == 2 else 0)
    return dt.date(year_no, month_no, int(day))


def _open(content: bytes, file_name: str) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise ParseError(f"{file_name}: cannot read the workbook: {exc}") from exc


def _sheet(book: python_calamine.CalamineWorkbook, name: str, file_name: str) -> pd.DataFrame:
    """A sheet's cells, indexed so that index + 1 is the Excel row number.

    calamine returns the used range only: leading empty rows and columns are cut off, so
    the range's start is added back to keep row numbers true to the file.
    """
    try:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python()
    except Exception as exc:
        raise ParseError(f"{file_name}: cannot read sheet {name!r}: {exc}") from exc
    first_row = (sheet.start or (0, 0))[0]
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    return frame


def _vintage_in(book: python_calamine.CalamineWorkbook, file_name: str) -> dt.date | None:
    if NOTES_SHEET in book.sheet_names:
        for cell in _sheet(book, NOTES_SHEET, file_name).to_numpy().ravel():
            if isinstance(cell, str) and "as of" in cell.lower():
                if found := _parse_vintage_text(cell):
                    return found
    m = _FILE_DATE_RE.search(file_name)
    return dt.date(*map(int, m.groups())) if m else None


def read_vintage(content: bytes, file_name: str = "") -> dt.date | None:
    """Data vintage: the Notes sheet's "data as of …" line, else the date in the file name."""
    return _vintage_in(_open(content, file_name), file_name)


def _month_of(label) -> dt.date | None:
    """A month column header: Excel date, ISO date text or ``JAN2009``-style text."""
    if isinstance(label, (dt.datetime, pd.Timestamp)):
        return dt.date(label.year, label.month, 1) if label.day == 1 else None
    if isinstance(label, dt.date):
        return label.replace(day=1) if label.day == 1 else None
    if isinstance(label, str):
        if m := MONTH_TEXT_RE.match(label.strip()):
            month = MONTHS.get(m.group(1).upper())
            return dt.date(int(m.group(2)), month, 1) if month else None
        try:
            return _month_of(pd.Timestamp(label.strip()))
        except ValueError:
            return None
    return None


def _find_header(grid: pd.DataFrame, file_name: str) -> int:
    """Position (not Excel row) of the row whose first cell is 'Route'."""
    for i in range(min(len(grid), 30)):
        if str(grid.iat[i, 0]).strip().lower() == "route":
            return i
    raise ParseError(f"{file_name}: no header row with 'Route' in column A in the first 30 rows")


def _lookup(labels: pd.Series, table: pd.DataFrame, what: str, file_name: str,
            rows: np.ndarray) -> pd.DataFrame:
    cleaned = labels.map(reference.clean_label)
    merged = pd.DataFrame({"label": cleaned}).merge(table, on="label", how="left")
    missing = merged.iloc[:, 1].isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ParseError(
            f"{file_name}: row {rows[i]}: unknown {what} label {labels.iloc[i]!r} "
            f"(add it to etl/reference/{'routes' if what == 'route' else 'countries'}.csv)")
    return merged


def _to_float(cells: np.ndarray) -> np.ndarray:
    """Numbers as float64; anything else (text, blanks, booleans, dates) as NaN."""
    flat = cells.ravel().tolist()
    if set(map(type, flat)) <= {float, int}:  # fast path: every cell a number
        return np.asarray(flat, dtype="float64").reshape(cells.shape)
    out = np.array([c if type(c) in (float, int) else np.nan for c in flat], dtype="float64")
    return out.reshape(cells.shape)


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None) -> pipeline.Parsed:
    """Parse an IBC workbook into the tidy staging frame (one row per key × month)."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    book = _open(content, file_name)
    stated = _vintage_in(book, file_name)
    if vintage is None and stated is None:
        raise ParseError(f"{file_name}: no 'data as of' date in the Notes sheet or the file name")
    found = vintages.resolve(file_name, sha256=sha256, given=vintage,
                             stated=stated and vintages.Vintage(stated, None))
    vintage = found.date
    # Cells as calamine gives them: text stays text (no NA guessing), empty cells are "".
    grid = _sheet(book, DATA_SHEET, file_name).replace({"": None})
    h = _find_header(grid, file_name)
    header_row = int(grid.index[h]) + 1
    header = list(grid.iloc[h])

    positions: dict[str, int] = {}
    month_cols: list[int] = []
    months: list[dt.date] = []
    for j, label in enumerate(header):
        text = str(label).strip().lower()
        key = next((k for k, names in ID_COLUMNS.items() if text in names), None)
        if key and key not in positions:
            positions[key] = j
        elif (month := _month_of(label)) is not None:
            month_cols.append(j)
            months.append(month)
        elif not (label is None or (isinstance(label, float) and np.isnan(label))):
            raise ParseError(f"{file_name}: row {header_row}: unexpected column header {label!r}")
    if missing := [k for k in ID_COLUMNS if k not in positions]:
        raise ParseError(f"{file_name}: row {header_row}: missing identifier column(s) {missing}")
    if not months:
        raise ParseError(f"{file_name}: row {header_row}: no month columns")
    if len(set(months)) != len(months):
        raise ParseError(f"{file_name}: row {header_row}: a month column appears twice")
    plausible.months(months, file_name=file_name, row=header_row,
                     labels=[header[j] for j in month_cols])

    body = grid.iloc[h + 1:]
    body = body[~body.isna().all(axis=1)]  # trailing blank rows
    excel_rows = body.index.to_numpy() + 1
    ids = body.iloc[:, [positions["route"], positions["border_type"], positions["nationality"]]]
    ids.columns = ["route_label", "border_label", "nationality_label"]
    for col in ids.columns:
        blank = ids[col].isna().to_numpy()
        if blank.any():
            raise ParseError(f"{file_name}: row {excel_rows[np.flatnonzero(blank)[0]]}: "
                             f"empty {col.removesuffix('_label')}")
    ids = ids.astype(str).apply(lambda s: s.str.strip())

    border = ids["border_label"].str.lower().map(BORDER_TYPES)
    if border.isna().any():
        i = int(np.flatnonzero(border.isna().to_numpy())[0])
        raise ParseError(f"{file_name}: row {excel_rows[i]}: unknown border type "
                         f"{ids['border_label'].iloc[i]!r} (expected Sea or Land)")
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        i = np.flatnonzero(dup)
        raise ParseError(f"{file_name}: rows {excel_rows[i[0]]} and {excel_rows[i[1]]}: duplicate key "
                         f"{tuple(ids.iloc[i[0]])}")

    route = _lookup(ids["route_label"], reference.routes(), "route", file_name, excel_rows)
    nat = _lookup(ids["nationality_label"], reference.countries(), "nationality", file_name,
                  excel_rows)

    values = body.iloc[:, month_cols]
    numeric = _to_float(values.to_numpy())
    plausible.count_grid(numeric, values, file_name=file_name, rows=excel_rows,
                         columns=[header[j] for j in month_cols])

    n_rows, n_months = numeric.shape
    rep = lambda a: np.repeat(np.asarray(a), n_months)  # noqa: E731
    frame = pd.DataFrame({
        "route_label": rep(ids["route_label"]),
        "route_code": rep(route["route_code"]),
        "route": rep(route["route"]),
        "border_type": rep(border),
        "nationality_label": rep(ids["nationality_label"]),
        "nationality": rep(nat["name"]),
        "nationality_iso3": rep(nat["iso3"]),
        "month": np.tile(np.array(months, dtype="datetime64[D]"), n_rows),
        "detections": numeric.reshape(-1).astype("int64"),
        "vintage": np.datetime64(vintage, "D"),
        "source_file": file_name,
        "snapshot_sha256": sha256,
        "source_row": rep(excel_rows).astype("int32"),
    })[STAGING_COLUMNS]
    return pipeline.Parsed(frame, vintage, found.basis,
                           facts={"months": n_months, "rows": n_rows})


# ----------------------------------------------------------------------------- import
def recognises(path: Path) -> bool:
    """True for an xlsx file that has the IBC data sheet (what ``import`` takes)."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        check_xlsx(path.read_bytes(), path.name)
    except http.FetchError:
        return False
    return True


def check(content: bytes, file_name: str) -> None:
    check_xlsx(content, file_name)


def stated_vintage(content: bytes, file_name: str) -> vintages.Vintage | None:
    found = read_vintage(content, file_name)
    return vintages.Vintage(found, None) if found else None


def target(snapshot: snapshots.Snapshot) -> tuple[str, None]:
    """One staging file per vintage."""
    return DATASET, None
