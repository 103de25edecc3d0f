"""The Eurostat API's TSV: ``freq,citizen,…,geo\\TIME_PERIOD`` then one column per period,
cells ``"12750 "``, ``": "``, ``"1234 p"`` (value and flags), gzip-compressed as the API
sends it or plain."""
from __future__ import annotations

import re

from etl import errors
from etl.formats import text
from etl.formats.sdmx import Raw

CELL_RE = re.compile(r"^(?P<value>:|\d+(\.\d+)?)(\s+(?P<flag>[a-z]+))?$")
# balance-of-payments amounts can be negative (balances, corrections)
SIGNED_CELL_RE = re.compile(r"^(?P<value>:|-?\d+(\.\d+)?)(\s+(?P<flag>[a-z]+))?$")


def is_tsv(first_line: bytes) -> bool:
    return b"\\TIME_PERIOD" in first_line or b"\\time" in first_line


def read(content: bytes, file_name: str, code: str, *, signed: bool = False) -> Raw:
    """Every cell as one observation of dataset ``code`` (the TSV does not name it)."""
    try:
        content = text.gunzip(content)
    except (OSError, EOFError) as exc:
        raise errors.ParseError(f"{file_name}: gzip stream is damaged or cut off: {exc}") from exc
    rows = text.csv_rows(text.decode(content, file_name), delimiter="\t")
    line, header = rows[0]
    if not header or "\\" not in header[0]:
        raise errors.ParseError(f"{file_name}: line {line}: unexpected TSV header {header[:2]!r}")
    dims_part, _ = header[0].split("\\", 1)
    dims_names = [d.strip().lower() for d in dims_part.split(",")]
    periods = [p.strip() for p in header[1:]]
    cell_re = SIGNED_CELL_RE if signed else CELL_RE
    raw = Raw(code)
    for line, row in text.data_rows(rows, header, file_name):
        keys = row[0].split(",")
        if len(keys) != len(dims_names):
            raise errors.ParseError(f"{file_name}: line {line}: key {row[0]!r} does not match "
                                    f"dimensions {dims_names}")
        dims = dict(zip(dims_names, (k.strip() for k in keys)))
        for period, cell in zip(periods, row[1:]):
            cell = cell.strip()
            match = cell_re.match(cell)
            if not match:
                what = "negative count" if cell.startswith("-") else "not a number or ':'"
                raise errors.ParseError(f"{file_name}: line {line}, period {period}: {what}: "
                                        f"{cell!r}")
            raw.add(dims, period, match["value"], match["flag"] or "", line)
    return raw
