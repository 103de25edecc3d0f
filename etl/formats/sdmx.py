"""SDMX-CSV 1.0 and 2.0, as Eurostat's databrowser and API write them.

- 1.0: ``DATAFLOW,LAST UPDATE,<dimensions…>,TIME_PERIOD,OBS_VALUE[,OBS_FLAG]``, with codes
  (API) or labels (databrowser "labels" export).
- 2.0: ``STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,…``, each dimension a code column followed by
  its label column.

Both readers return :class:`Raw`: the observations as text, before a source maps them.
``code_of`` turns a DATAFLOW / STRUCTURE_ID cell into the dataset code the source reads (None:
not one of its datasets); a file holds one dataset.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from etl import errors
from etl.formats import text

MISSING = {":", ""}
NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")
SDMX1_FIXED = ["DATAFLOW", "LAST UPDATE"]
SDMX2_FIXED = ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME"]


@dataclass
class Raw:
    """A file's observations as text: one dict of dimension values (lower-case dimension
    ids) per observation, plus time, value and flag text and the line (or row) number."""
    code: str
    dims: list[dict] = field(default_factory=list)
    time: list[str] = field(default_factory=list)
    value: list[str] = field(default_factory=list)
    flag: list[str] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    last_update: str | None = None

    def add(self, dims: dict, time: str, value: str, flag: str, row: int) -> None:
        self.dims.append(dims)
        self.time.append(time)
        self.value.append(value)
        self.flag.append(flag)
        self.row.append(row)


def obs_value(cell: str, file_name: str, line: int) -> str:
    """An OBS_VALUE cell: a non-negative number or missing (``:`` / empty)."""
    cell = cell.strip()
    if cell in MISSING or NUMBER_RE.match(cell):
        return cell
    if re.match(r"^-\d", cell):
        raise errors.ParseError(f"{file_name}: line {line}: negative count {cell!r}")
    raise errors.ParseError(f"{file_name}: line {line}: OBS_VALUE is not a number: {cell!r}")


def _read(content: bytes, file_name: str, fixed: list[str], version: str):
    rows = text.csv_rows(text.decode(content, file_name))
    line, header = rows[0]
    if header[:len(fixed)] != fixed or "TIME_PERIOD" not in header or "OBS_VALUE" not in header:
        raise errors.ParseError(f"{file_name}: line {line}: unexpected SDMX-CSV {version} "
                                f"header {header!r}")
    t, v = header.index("TIME_PERIOD"), header.index("OBS_VALUE")
    f = header.index("OBS_FLAG") if "OBS_FLAG" in header else None
    return rows, header, line, t, v, f


def read_csv1(content: bytes, file_name: str, code_of: Callable[[str], str | None]) -> Raw:
    rows, header, _, t, v, f = _read(content, file_name, SDMX1_FIXED, "1.0")
    dims_names = [h.lower() for h in header[2:t]]
    raw = None
    for line, row in text.data_rows(rows, header, file_name):
        this = code_of(row[0])
        if this is None or (raw is not None and this != raw.code):
            raise errors.ParseError(
                f"{file_name}: line {line}: DATAFLOW {row[0]!r} is not one of this source's "
                f"datasets" + (f" (earlier rows: {raw.code})" if raw else ""))
        raw = raw or Raw(this, last_update=row[1].strip() or None)
        raw.add(dict(zip(dims_names, row[2:t])), row[t], obs_value(row[v], file_name, line),
                row[f].strip() if f is not None else "", line)
    if raw is None:
        raise errors.ParseError(f"{file_name}: no data lines after the header")
    return raw


def read_csv2(content: bytes, file_name: str, code_of: Callable[[str], str | None]) -> Raw:
    rows, header, line, t, v, f = _read(content, file_name, SDMX2_FIXED, "2.0")
    pairs = header[3:t]  # code column, label column, … between STRUCTURE_NAME and TIME_PERIOD
    if len(pairs) % 2:
        raise errors.ParseError(f"{file_name}: line {line}: dimension columns do not come in "
                                f"code/label pairs: {pairs!r}")
    dim_cols = [(3 + i, pairs[i].lower()) for i in range(0, len(pairs), 2)]
    raw = None
    for line, row in text.data_rows(rows, header, file_name):
        code = code_of(row[1])
        if code is None or (raw is not None and code != raw.code):
            raise errors.ParseError(f"{file_name}: line {line}: STRUCTURE_ID {row[1]!r} is not "
                                    "one of this source's datasets, or changes within the file")
        raw = raw or Raw(code)
        raw.add({name: row[i] for i, name in dim_cols}, row[t],
                obs_value(row[v], file_name, line), row[f].strip() if f is not None else "", line)
    if raw is None:
        raise errors.ParseError(f"{file_name}: no data lines after the header")
    return raw
