"""CBS (Statistics Netherlands) StatLine: asylum requests and immigration, yearly and monthly.

All files stage into the one dataset ``cbs_statline``, one staging file per observations file
(``part=`` after it), long: one row per table × measure × dimension keys × period.
``dimensions`` is a JSON object (dimension → code, padding stripped), ``dimension_labels``
likewise (dimension → label, ``null`` where no code list gives one: labels are never invented).

- ``statline_csv``: the CSV flavour of the OData v3 API / StatLine download (codes; ``;``,
  every field quoted, UTF-8 BOM, CRLF, padded keys, ``"."`` = missing). Only the layouts in
  ``STATLINE_CSV_LAYOUTS``, which also give the unit (the files carry no labels, no units).
- ``observations_csv``: an OData v4 ``Observations`` slice saved as CSV (``Id, Measure,
  ValueAttribute, Value, StringValue, <dimensions>, Perioden``; layouts in
  ``OBSERVATION_LAYOUTS``); a ``ValueAttribute`` other than ``None`` is the flag.
- ``odata_json``: OData v3 JSON as ``fetch`` stores it. ``TypedDataSet`` pages are
  observations; ``TableInfos`` (``Modified`` = the vintage), ``DataProperties`` (dimensions,
  time dimension, topics with titles and units) and each dimension's code list are companions.
  A period status other than ``Definitief`` (time dimension code list) is the flag.
- ``codelist_csv``: v4 code lists ``<table>_measure_codes.csv``, ``<table>_<dimension>_codes.csv``
  (companions).

Companions have no staging file of their own: staging observations reads its table's
companions from the raw store (of the same vintage if stored, else the newest) and lists them
in the sidecar (``companions``: file → sha256). ``import_file`` of observations also stores
the companions lying beside it; staging a companion re-stages its table. The CSV files state
no vintage: ``DOCUMENTED_VINTAGES`` dates their exact bytes and says on what basis.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

import numpy as np
import pandas as pd
import requests

from core import metadata
from etl import errors, http, snapshots

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

STATLINE_CSV_LAYOUTS = {  # header → (table id, unit); these CSVs carry neither
    ("ID", "Nationaliteit", "Perioden", "TotaalAsielverzoekenEnNareizigers_1"): ("80059NED", "aantal"),
    # The export does not name its table; values are thousands with one decimal.
    ("ID", "Landen", "Perioden", "TotaalAsielverzoeken_1"):
        ("unidentified:asielverzoeken_internationaal", "x 1000"),
}
OBSERVATION_FIXED = ["Id", "Measure", "ValueAttribute", "Value", "StringValue"]
OBSERVATION_LAYOUTS = {("Geboorteland", "Geslacht", "Herkomstland", "Perioden"): "85484NED"}
MEASURE_LIST_HEADER = ["Identifier", "Index", "Title", "Description", "MeasureGroupId",
                       "DataType", "Unit", "Decimals", "PresentationType"]
DIMENSION_LIST_HEADER = ["Identifier", "Index", "Title", "Description", "DimensionGroupId"]
DIMENSION_TYPES = {"Dimension", "GeoDimension", "GeoDetail"}
_COMMIT_2019 = ("Jo11jo/Liberal-Artists commit d355b268338649c0b899030aa470e3986fbecdb1 of "
                "2019-03-26 ('Add files via upload', path {path!r}): downloaded on or before that "
                "date; the file states no date")
_COMMIT_2026 = ("ben-mikus/nl-immigration-data {path} at commit a7eb8d98d6a34c853a670180c1165ec8f"
                "283b35b (its only stored version; no commit date recorded). The file states no "
                "date; its table's observations end with period 2026MM07, so it was downloaded on "
                "or after 2026-08-01: the vintage is that earliest possible day, not a download date")
DOCUMENTED_VINTAGES = {  # sha256 of exact bytes → (vintage, basis)
    "09f0b12d709ac88f3d54846d43bef4f1fb138fff016fb039d857e09f215cbd61":
        (dt.date(2019, 3, 26), _COMMIT_2019.format(path="Asylum NL.csv")),
    "7aa1f22bf0a198ea3962b4b543de1730a25165b7051ed0e5f8b5eaa8e68dbf10":
        (dt.date(2019, 3, 26), _COMMIT_2019.format(path="Asylum International.csv")),
    **{sha: (dt.date(2026, 8, 1), _COMMIT_2026.format(path=f"data/{name}")) for sha, name in [
        ("6a19ee0e76252588c838ddc9f1fa3aa170b5cbca3aa2d385367ed09d1b9033bb", "85484NED.csv"),
        ("11fc961c431bf8079c24323e135fc7a24ee1dc6364470c5f699a435b52213b12",
         "85484NED_measure_codes.csv"),
        ("c5c1a7eead5e5afce112ba7530b339fb04653debe379282f499b5e1edd0c4e4b",
         "85484NED_geslacht_codes.csv"),
        ("37e287d52fe691ffc95455e74fa0667de908b33593030fd41899d79788396127",
         "85484NED_geboorteland_codes.csv")]},
}

TABLE_RE = re.compile(r"^\d{5}[A-Z]{3}$")
CODELIST_NAME_RE = re.compile(r"^(?P<table>\d{5}[A-Za-z]{3})_(?P<what>[A-Za-z]+)_codes\.csv$")
ODATA_RE = re.compile(r'"odata\.metadata"\s*:\s*"https?://[^"]*?/odata/(?P<table>[^/"]+)/'
                      r'\$metadata#(?:Cbs\.OData\.WebAPI\.)?(?P<entity>\w+)', re.I)
PERIOD_RE = re.compile(r"^(\d{4})(?:JJ00|MM(0[1-9]|1[0-2])|KW(0[1-4]))$")
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
BOM = b"\xef\xbb\xbf"
STAGING_COLUMNS = [
    "table_id", "measure", "measure_label", "unit", "dimensions", "dimension_labels",
    "period_code", "period_type", "period_start", "year", "value", "flag", "vintage",
    "source_file", "snapshot_sha256", "source_row",
]
_ROW_FIELDS = [c for c in STAGING_COLUMNS if c not in ("vintage", "source_file",
                                                      "snapshot_sha256", "table_id")]


class ParseError(errors.ParseError):
    """The file does not have the content we expect; the message names file, row, value."""


def part_name(file_name: str) -> str:
    """The staging ``part`` of a source file: its name without extension, as a plain word."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", Path(file_name).stem).strip("_") or "file"


def _decode(content: bytes, file_name: str) -> str:
    body = content.removeprefix(BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        offset = exc.start + len(content) - len(body)
        raise ParseError(f"{file_name}: line {line}: not UTF-8 (wrong encoding): byte "
                         f"{body[exc.start:exc.start + 1]!r} at offset {offset}") from exc


# ----------------------------------------------------------------------------- file kinds
def describe(head: bytes, file_name: str) -> tuple[str, str, str | None] | None:
    """(kind, role, table id) from a file's first bytes and name; None if not a CBS file.

    role is ``observations`` or ``companion``; the table id is None for a layout we do not
    read (such a file is not recognised, and parsing it names the unexpected header).
    """
    text = head.removeprefix(BOM).decode("utf-8", errors="replace")
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.startswith('"ID";'):
        layout = STATLINE_CSV_LAYOUTS.get(tuple(c.strip('"') for c in first.split(";")))
        return "statline_csv", "observations", layout[0] if layout else None
    if first.startswith(",".join(OBSERVATION_FIXED) + ","):
        table = OBSERVATION_LAYOUTS.get(tuple(first.split(",")[len(OBSERVATION_FIXED):]))
        return "observations_csv", "observations", table
    if first.startswith("Identifier,Index,Title,Description,"):
        name = CODELIST_NAME_RE.match(file_name)
        return "codelist_csv", "companion", name["table"].upper() if name else None
    if text.lstrip().startswith("{") and (m := ODATA_RE.search(text[:2000])):
        entity = m["entity"]
        if entity in ("UntypedDataSet", "CategoryGroups"):
            return None
        return ("odata_json", "observations" if entity == "TypedDataSet" else "companion",
                m["table"].upper())
    return None


def _describe_file(path: Path, file_name: str | None = None):
    with path.open("rb") as fh:
        return describe(fh.read(4096), file_name or path.name)


# ----------------------------------------------------------------------------- companions
@dataclass
class Companions:
    """What a table's companion files say: labels, units, properties, vintage."""
    measures: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # dimension (lower) → …
    status: dict[str, str] = field(default_factory=dict)  # period code → status
    properties: list[dict] | None = None
    modified: dt.date | None = None
    files: dict[str, str] = field(default_factory=dict)  # file name → sha256

    def label(self, dimension: str, code: str, where: str) -> str | None:
        codes = self.labels.get(dimension.lower())
        if codes is None:
            return None
        if code not in codes:
            raise ParseError(f"{where}: unknown {dimension} code {code!r} (not in its code list)")
        return codes[code]

    def add(self, content: bytes, file_name: str, sha256: str) -> None:
        kind = (describe(content[:4096], file_name) or (None,))[0]
        text = _decode(content, file_name)
        if kind == "codelist_csv":
            self._add_codelist_csv(text, file_name)
        elif kind == "odata_json":
            self._add_json(text, file_name)
        else:
            raise ParseError(f"{file_name}: not a CBS code list or OData metadata file")
        self.files[file_name] = sha256

    def _add_codelist_csv(self, text: str, file_name: str) -> None:
        what = CODELIST_NAME_RE.match(file_name)["what"].lower()
        header = MEASURE_LIST_HEADER if what == "measure" else DIMENSION_LIST_HEADER
        codes: dict[str, str] = {}
        for line, row in _csv_rows(text, file_name, ",", header):
            code = row[0].strip()
            if not CODE_RE.match(code) or code in codes:
                raise ParseError(f"{file_name}: line {line}: "
                                 f"{'duplicate' if code in codes else 'not a'} code {code!r}")
            codes[code] = row[2].strip()
            if what == "measure":
                self.measures[code] = (row[2].strip() or None, row[6].strip() or None)
        if what != "measure":
            self.labels[what] = codes

    def _add_json(self, text: str, file_name: str) -> None:
        entity = ODATA_RE.search(text[:2000])["entity"]
        rows = _odata_value(text, file_name)
        if entity == "TableInfos":
            self.modified = _modified(rows, file_name)
        elif entity == "DataProperties":
            self.properties = (self.properties or []) + rows
            for p in rows:
                if p.get("Type") == "Topic":
                    self.measures[p["Key"]] = (p.get("Title") or None, p.get("Unit") or None)
        else:  # the code list of one dimension (possibly one page of it)
            codes = self.labels.setdefault(entity.lower(), {})
            for i, row in enumerate(rows, 1):
                if not isinstance(row, dict) or not isinstance(row.get("Key"), str):
                    raise ParseError(f"{file_name}: row {i}: not a code list entry: {row!r}")
                codes[row["Key"].strip()] = row.get("Title")
                if row.get("Status"):
                    self.status[row["Key"].strip()] = row["Status"]


def _odata_value(text: str, file_name: str) -> list:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{file_name}: not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise ParseError(f"{file_name}: unexpected JSON: expected {{\"odata.metadata\", "
                         "\"value\": [...]}")
    return data["value"]


def _modified(rows: list, where: str) -> dt.date:
    try:
        return dt.datetime.fromisoformat(rows[0]["Modified"]).date()
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise ParseError(f"{where}: TableInfos without a 'Modified' date: {rows[:1]!r}") from exc


def _table_snapshots(table: str, role: str, raw_dir: Path) -> list[tuple[Path, dict]]:
    return [(p, m) for p, m in snapshots.sidecars(PUBLISHER, raw_dir)
            if (d := _describe_file(p, m["file_name"])) and d[1:] == (role, table)]


def companions_of(table: str, raw_dir: Path, vintage: str | None = None) -> Companions:
    """The companions of ``table`` in the raw store: of ``vintage`` if stored, else the newest."""
    found = _table_snapshots(table, "companion", raw_dir)
    comp = Companions()
    if found:
        vintages = {m.get("vintage") or "" for _, m in found}
        chosen = vintage if vintage in vintages else max(vintages)
        for path, meta in found:  # oldest first: a later copy of a file replaces it
            if (meta.get("vintage") or "") == chosen:
                comp.add(path.read_bytes(), meta["file_name"], meta["sha256"])
    return comp


# ----------------------------------------------------------------------------- rows
class _Rows:
    """Staging rows of one file; refuses unknown periods, non-numbers, duplicates, negatives."""

    def __init__(self, file_name: str, table_id: str, companions: Companions):
        self.file_name, self.table_id, self.comp = file_name, table_id, companions
        self.out: dict[str, list] = {k: [] for k in _ROW_FIELDS}
        self.seen: dict[tuple, str] = {}

    def add(self, where: str, row: int, measure: str, dims: dict[str, str], period: str, raw,
            *, unit=None, measure_label=None, flag=None) -> None:
        loc = f"{self.file_name}: {where}"
        m = PERIOD_RE.match(period)
        if not m:
            raise ParseError(f"{loc}: unknown period format {period!r} (expected YYYYJJ00, "
                             "YYYYMMnn or YYYYKWnn)")
        for name, code in dims.items():
            if not CODE_RE.match(code):
                raise ParseError(f"{loc}: not a {name} code: {code!r}")
        key = (measure, tuple(dims.values()), period)
        if key in self.seen:
            raise ParseError(f"{self.file_name}: {self.seen[key]} and {where}: duplicate key "
                             f"({measure!r}, {', '.join(map(repr, dims.values()))}, {period!r})")
        self.seen[key] = where
        value = _number(raw, f"{loc}, {measure} {period}")
        if self.comp.measures:
            if measure not in self.comp.measures:
                raise ParseError(f"{loc}: unknown measure {measure!r} (not in the measure list)")
            measure_label, unit = self.comp.measures[measure]
        if value < 0 and "saldo" not in f"{measure} {measure_label or ''}".lower():
            raise ParseError(f"{loc}, {measure} {period}: negative count {raw!r}")
        year, month, quarter = int(m[1]), m[2], m[3]
        first = int(month) if month else 3 * int(quarter) - 2 if quarter else 1
        labels = {name: self.comp.label(name, code, loc) for name, code in dims.items()}
        for k, v in (("measure", measure), ("measure_label", measure_label), ("unit", unit),
                     ("dimensions", json.dumps(dims, ensure_ascii=False)),
                     ("dimension_labels", json.dumps(labels, ensure_ascii=False)),
                     ("period_code", period),
                     ("period_type", "month" if month else "quarter" if quarter else "year"),
                     ("period_start", dt.date(year, first, 1)), ("year", year), ("value", value),
                     ("flag", flag), ("source_row", row)):
            self.out[k].append(v)

    def frame(self, vintage: dt.date, sha256: str) -> pd.DataFrame:
        if not self.seen:
            raise ParseError(f"{self.file_name}: no observations")
        n = len(self.out["measure"])
        strings = {k: pd.Series(self.out[k], dtype="string") for k in (
            "measure", "measure_label", "unit", "dimensions", "dimension_labels", "period_code",
            "period_type", "flag")}
        frame = pd.DataFrame({
            "table_id": pd.Series([self.table_id] * n, dtype="string"), **strings,
            "period_start": pd.to_datetime(pd.Series(self.out["period_start"])).astype("datetime64[s]"),
            "year": np.asarray(self.out["year"], dtype="int32"),
            "value": np.asarray(self.out["value"], dtype="float64"),
            "vintage": np.datetime64(vintage, "D"),
            "source_file": pd.Series([self.file_name] * n, dtype="string"),
            "snapshot_sha256": pd.Series([sha256] * n, dtype="string"),
            "source_row": np.asarray(self.out["source_row"], dtype="int32"),
        })
        return frame[STAGING_COLUMNS]


def _number(raw, where: str) -> float:
    """A value as a float; NaN for CBS's missing marker "." (or JSON null, v4 empty Value)."""
    if raw is None:
        return math.nan
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw):
        return float(raw)
    text = raw.strip() if isinstance(raw, str) else None
    if text == ".":
        return math.nan
    if text is not None and NUMBER_RE.match(text):
        return float(text)
    raise ParseError(f"{where}: not a number: {raw!r}")


# ----------------------------------------------------------------------------- parse
@dataclass(frozen=True)
class Parsed:
    frame: pd.DataFrame
    vintage: dt.date
    kind: str
    vintage_basis: str
    table_id: str


def _csv_rows(text: str, file_name: str, delimiter: str, expected: list[str]):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    if header != expected:
        raise ParseError(f"{file_name}: line 1: unexpected header {header!r} "
                         f"(expected {expected!r})")
    for row in reader:
        if row:
            if len(row) != len(header):
                raise ParseError(f"{file_name}: line {reader.line_num}: {len(row)} fields, the "
                                 f"header has {len(header)}")
            yield reader.line_num, row


def _parse_statline_csv(text: str, file_name: str, comp: Companions) -> _Rows:
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=";"), [])
    known = STATLINE_CSV_LAYOUTS.get(tuple(header))
    if known is None:
        raise ParseError(f"{file_name}: line 1: unexpected header {header!r} (expected one of "
                         f"{[list(h) for h in STATLINE_CSV_LAYOUTS]!r})")
    (table, unit), dimension, measure = known, header[1], header[3]
    rows = _Rows(file_name, table, comp)
    for line, (row_id, code, period, value) in _csv_rows(text, file_name, ";", header):
        if not row_id.strip().isdigit():
            raise ParseError(f"{file_name}: line {line}: ID is not a row number: {row_id!r}")
        rows.add(f"line {line}", line, measure, {dimension: code.strip()}, period.strip(),
                 value, unit=unit)
    return rows


def _parse_observations_csv(text: str, file_name: str, comp: Companions) -> _Rows:
    header = text.split("\n", 1)[0].rstrip("\r").split(",")
    table = OBSERVATION_LAYOUTS.get(tuple(header[len(OBSERVATION_FIXED):]))
    if header[:len(OBSERVATION_FIXED)] != OBSERVATION_FIXED or table is None:
        raise ParseError(f"{file_name}: line 1: unexpected header {header!r} (expected "
                         f"{OBSERVATION_FIXED} + one of {[list(k) for k in OBSERVATION_LAYOUTS]})")
    dims, rows = header[len(OBSERVATION_FIXED):-1], _Rows(file_name, table, comp)
    for line, row in _csv_rows(text, file_name, ",", header):
        obs_id, measure, attribute, value, string_value, *codes, period = (c.strip() for c in row)
        if not obs_id.isdigit():
            raise ParseError(f"{file_name}: line {line}: Id is not a number: {obs_id!r}")
        if string_value:
            raise ParseError(f"{file_name}: line {line}: not a number: StringValue "
                             f"{string_value!r}")
        rows.add(f"line {line}", line, measure, dict(zip(dims, codes)), period,
                 value if value else None, flag=None if attribute == "None" else attribute or None)
    return rows


def _parse_typed_dataset(text: str, file_name: str, comp: Companions, table: str) -> _Rows:
    if not comp.properties:
        raise ParseError(f"{file_name}: no DataProperties of {table} in the raw store: dimensions "
                         "and topics cannot be told apart")
    kinds = {p.get("Key"): p.get("Type") for p in comp.properties}
    dims = [k for k, t in kinds.items() if t in DIMENSION_TYPES]
    times = [k for k, t in kinds.items() if t == "TimeDimension"]
    if len(times) != 1:
        raise ParseError(f"{file_name}: DataProperties of {table} name {len(times)} time "
                         "dimensions, expected 1")
    time_dim = times[0]
    rows = _Rows(file_name, table, comp)
    for i, row in enumerate(_odata_value(text, file_name), 1):
        if not isinstance(row, dict) or any(k not in row for k in ("ID", *dims, time_dim)):
            raise ParseError(f"{file_name}: row {i}: expected ID, {dims} and {time_dim!r}, got "
                             f"{list(row) if isinstance(row, dict) else row!r}")
        codes = {d: str(row[d]).strip() for d in dims}
        period = str(row[time_dim]).strip()
        for key, value in row.items():
            if key in ("ID", time_dim, *dims):
                continue
            if kinds.get(key) != "Topic":
                raise ParseError(f"{file_name}: row {i}: unknown key {key!r} (not a Topic in "
                                 "DataProperties)")
            status = comp.status.get(period)
            rows.add(f"row {i}", i, key, codes, period, value,
                     flag=status if status and status != "Definitief" else None)
    return rows


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None, companions: Companions | None = None) -> Parsed:
    """Parse one observations file into the tidy staging frame (see the module doc)."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    comp = companions or Companions()
    text = _decode(content, file_name)
    kind, role, table = describe(content[:4096], file_name) or (None, None, None)
    if kind == "statline_csv":
        rows = _parse_statline_csv(text, file_name, comp)
    elif kind == "observations_csv":
        rows = _parse_observations_csv(text, file_name, comp)
    elif kind == "odata_json" and role == "observations":
        rows = _parse_typed_dataset(text, file_name, comp, table)
    elif role == "companion":
        raise ParseError(f"{file_name}: a code list or table metadata, not observations: it is "
                         "read when its table's observations are staged")
    else:
        raise ParseError(f"{file_name}: not a CBS StatLine CSV, OData observations CSV or OData "
                         f"JSON (starts with {content[:40]!r})")
    documented = DOCUMENTED_VINTAGES.get(sha256)
    if kind == "odata_json" and comp.modified:
        stated, basis = comp.modified, f"the table's TableInfos 'Modified' ({comp.modified})"
    elif documented:
        stated, basis = documented
    else:
        stated, basis = None, "given at import"
    if vintage is None and stated is None:
        raise ParseError(f"{file_name}: the file states no vintage and none is documented for "
                         "these bytes: import it with an explicit vintage")
    if vintage is not None and vintage != stated:
        basis = "given at import"
    vintage = vintage or stated
    return Parsed(rows.frame(vintage, sha256), vintage, kind, basis, rows.table_id)


# ----------------------------------------------------------------------------- import/stage
def recognises(path: Path) -> bool:
    """True for the CBS files we read: known CSV layouts, their code lists, OData v3 JSON."""
    if path.suffix.lower() not in {".csv", ".json"} or not path.is_file():
        return False
    found = _describe_file(path)
    return bool(found and found[2])


def _store(content: bytes, file_name: str, vintage, raw_dir, source_url=None):
    documented = DOCUMENTED_VINTAGES.get(snapshots.sha256_bytes(content))
    return snapshots.store(
        content, publisher=PUBLISHER, dataset=DATASET, file_name=file_name,
        source_url=source_url or f"imported from {file_name}",
        licence=metadata.dataset(DATASET)["licence"],
        vintage=vintage or (documented[0] if documented else None), raw_dir=raw_dir)


def import_file(path: Path, *, raw_dir: Path | None = None,
                vintage: dt.date | None = None) -> snapshots.Snapshot:
    """Snapshot a local file (no network) into the raw store.

    The vintage is the one given, else the documented one of these bytes (else none: staging
    then asks for one, unless the table's TableInfos states it). For an observations file,
    the companions of its table lying beside it (``<table>_*``) are stored too.
    """
    content = path.read_bytes()
    found = describe(content[:4096], path.name)
    if not found or not found[2]:
        _decode(content, path.name)
        raise ParseError(f"{path.name}: not a CBS file this source reads (known StatLine CSV "
                         "layout, OData observations CSV or code list, OData v3 JSON)")
    kind, role, table = found
    if role == "observations" and TABLE_RE.match(table):
        for sibling in sorted(path.parent.glob(f"{table}_*")):
            if sibling != path and sibling.is_file() and (
                    (_describe_file(sibling) or ())[1:] == ("companion", table)):
                _store(sibling.read_bytes(), sibling.name, vintage, raw_dir)
    return _store(content, path.name, vintage, raw_dir)


def stage(snapshot: snapshots.Snapshot, *, staging_dir: Path | None = None,
          force: bool = False) -> list[tuple[Path, bool]]:
    """Parse an observations snapshot into its staging file (one per source file, ``part=``).

    A companion re-stages its table's observations. Skips (written False) when staging holds a
    file derived from these bytes with the same companions.
    """
    from etl import staging

    meta, raw_dir = snapshot.meta, snapshot.path.parents[2]
    kind, role, table = _describe_file(snapshot.path, meta["file_name"]) or (None, None, None)
    if role == "companion":
        return [result for path, obs_meta in _table_snapshots(table, "observations", raw_dir)
                for result in stage(snapshots.Snapshot(path, obs_meta, created=False),
                                    staging_dir=staging_dir, force=force)]
    comp = companions_of(table, raw_dir, meta.get("vintage")) if table else Companions()
    vintage = meta.get("vintage") or (comp.modified.isoformat() if comp.modified else None)
    part = part_name(meta["file_name"])
    if vintage and not force and staging.is_current(DATASET, vintage, snapshot.sha256,
                                                    staging_dir, part):
        target = staging.file_for(DATASET, vintage, staging_dir, part)
        if staging.read_sidecar(target).get("companions") == comp.files:
            return [(target, False)]
    parsed = parse(snapshot.path.read_bytes(), file_name=meta["file_name"],
                   sha256=snapshot.sha256, companions=comp,
                   vintage=dt.date.fromisoformat(meta["vintage"]) if meta.get("vintage") else None)
    provenance = staging.provenance_of(meta, parsed.vintage.isoformat(),
                                       vintage_basis=parsed.vintage_basis, file_kind=parsed.kind,
                                       table_id=parsed.table_id, companions=comp.files)
    return [(staging.write(parsed.frame, dataset=DATASET, vintage=parsed.vintage.isoformat(),
                           provenance=provenance, staging_dir=staging_dir, part=part), True)]


# ----------------------------------------------------------------------------- fetch
def check_odata_page(content: bytes, url: str, table: str, entity: str) -> dict:
    """Raise FetchError unless ``content`` is one OData v3 JSON answer of ``table``/``entity``."""
    if not content.strip():
        raise http.FetchError(url, "empty body, expected CBS OData JSON")
    if content[:512].lstrip().lower().startswith((b"<!doctype html", b"<html", b"<?xml")):
        raise http.FetchError(url, "got an HTML/XML page instead of CBS OData JSON")
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
        modified = _modified(info[0][3], f"{table}/TableInfos")
    except ParseError as exc:
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
    return [_store(content, name, modified, raw_dir, source_url=url)
            for modified, (content, url, name, _) in downloaded]
