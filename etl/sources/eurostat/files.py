"""Eurostat file kinds, told apart by their first bytes, and the readers of the two kinds
no other publisher writes: the 2017 Data Explorer CSV and IOM's ``eu_asyapp.rda``. SDMX-CSV
and the API TSV are read by ``etl.formats``."""
from __future__ import annotations

import gzip
import io
import math
import re

from etl import errors
from etl.formats import eurostat_tsv, rfiles, sdmx, text
from etl.formats.sdmx import MISSING, Raw

ParseError = errors.ParseError
DATASET_CODE_RE = re.compile(r"migr_(eiord1?|eirtn1?|eipre|eirfs|asyappctza)|bop_rem6", re.I)
GROUPED_INT_RE = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
YEAR_RE = re.compile(r"^(\d{4})$")
QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$")
GDIDATA_COLUMNS = ["geo", "t", "nat", "sex", "n"]


def period_of(time: str, where: str) -> tuple[int, int | None]:
    """(year, quarter) of a period ``YYYY`` or ``YYYY-Qn`` (quarter None for a year)."""
    if m := YEAR_RE.match(time.strip()):
        return int(m[1]), None
    if m := QUARTER_RE.match(time.strip()):
        return int(m[1]), int(m[2])
    raise ParseError(f"{where}: unknown period {time!r} (expected YYYY or YYYY-Qn)")


def where(file_name: str, kind: str, row: int) -> str:
    return f"{file_name}: {'row' if kind == 'rda' else 'line'} {row}"


def kind_of(content: bytes) -> str | None:
    """``dw_csv``, ``sdmx_csv1``, ``sdmx_csv2``, ``tsv`` or ``rda``; None for anything else."""
    if rfiles.is_r_file(content):
        return "rda"
    if content[:2] == b"\x1f\x8b":
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(content)).read(4096)
        except (OSError, EOFError):
            return None
    else:
        head = content[:4096]
    first = head[:4096].removeprefix(text.BOM).split(b"\n", 1)[0]
    if first.startswith(b'"TIME","GEO"'):
        return "dw_csv"
    if first.startswith(b"DATAFLOW,"):
        return "sdmx_csv1"
    if first.startswith(b"STRUCTURE,STRUCTURE_ID,"):
        return "sdmx_csv2"
    if eurostat_tsv.is_tsv(first):
        return "tsv"
    return None


def dataset_code(text: str) -> str | None:
    """The Eurostat dataset code a file name or DATAFLOW/STRUCTURE_ID names, lower case."""
    found = DATASET_CODE_RE.search(text or "")
    return found.group(0).lower() if found else None


DW_HEADERS = {
    "migr_eiord": ["TIME", "GEO", "CITIZEN", "UNIT"],
    "migr_eirtn": ["TIME", "GEO", "CITIZEN", "INDIC_MG", "UNIT"],
    "migr_eipre": ["TIME", "GEO", "CITIZEN", "SEX", "AGE", "UNIT"],
    "migr_eirfs": ["TIME", "GEO", "REASON", "CITIZEN", "INDIC_MG", "UNIT"],
    "migr_asyappctza": ["TIME", "GEO", "CITIZEN", "SEX", "AGE", "ASYL_APP", "UNIT"],
}
DW_TAIL = ["Value", "Flag and Footnotes"]


def read_dw_csv(content: bytes, file_name: str) -> Raw:
    code = dataset_code(file_name)
    if code not in DW_HEADERS:
        raise ParseError(f"{file_name}: a Data Explorer CSV names no dataset; the file name "
                         f"must contain one of {', '.join(DW_HEADERS)}")
    rows = text.csv_rows(text.decode(content, file_name, latin1_ok=True))
    line, header = rows[0]
    expected = DW_HEADERS[code] + DW_TAIL
    if header != expected:
        raise ParseError(f"{file_name}: line {line}: unexpected header {header!r} for {code} "
                         f"(expected {expected!r})")
    dims_names = [h.lower() for h in DW_HEADERS[code] if h != "TIME"]
    raw = Raw(code)
    for line, row in text.data_rows(rows, header, file_name):
        value = row[-2].strip()
        if value.startswith("-") and GROUPED_INT_RE.match(value[1:]):
            raise ParseError(f"{file_name}: line {line}: negative count {row[-2]!r}")
        if value not in MISSING and not GROUPED_INT_RE.match(value):
            raise ParseError(f"{file_name}: line {line}: Value is not a number or ':': "
                             f"{row[-2]!r}")
        raw.add(dict(zip(dims_names, row[1:-2])), row[0], value.replace(",", ""),
                row[-1].strip(), line)
    return raw


def _text_of(number, *, count: bool) -> str:
    """An R number as the text the other readers give ("" for NA)."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return ""
    whole = float(number).is_integer() and (number >= 0 or not count)
    return str(int(number)) if whole else str(number)


def read_rda(content: bytes, file_name: str) -> Raw:
    """IOM gdidata's ``eu_asyapp`` (``geo, t, nat, sex, n``; ISO-3 codes): all applicants."""
    table = rfiles.read_table(content, file_name, GDIDATA_COLUMNS, numbers=("t", "n"))
    raw = Raw("migr_asyappctza")
    for i, rec in enumerate(table.itertuples(index=False), 1):
        raw.add({"geo": rec.geo, "citizen": rec.nat, "sex": rec.sex, "asyl_app": "ASY_APP",
                 "_codes": "iso3"}, _text_of(rec.t, count=False), _text_of(rec.n, count=True),
                "", i)
    return raw


READERS = {
    "dw_csv": read_dw_csv,
    "sdmx_csv1": lambda content, name: sdmx.read_csv1(content, name, dataset_code),
    "sdmx_csv2": lambda content, name: sdmx.read_csv2(content, name, dataset_code),
    "rda": read_rda,
}


def read(content: bytes, file_name: str, kind: str) -> Raw:
    """A file's observations, by kind (an API TSV names its dataset in the file name)."""
    if kind != "tsv":
        return READERS[kind](content, file_name)
    code = dataset_code(file_name)
    if code is None:
        raise ParseError(f"{file_name}: an API TSV names no dataset; the file name must "
                         "contain the dataset code (e.g. migr_eiord.tsv.gz)")
    return eurostat_tsv.read(content, file_name, code, signed=code == "bop_rem6")
