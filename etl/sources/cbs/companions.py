"""What a table's companion files (code lists, OData metadata) say: labels, units, the
table's dimensions and its vintage (TableInfos ``Modified``)."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from etl import errors
from etl.formats.text import decode, records
from etl.sources.cbs.kinds import (CODE_RE, CODELIST_NAME_RE, DIMENSION_LIST_HEADER,
                                   MEASURE_LIST_HEADER, ODATA_RE, describe)

ParseError = errors.ParseError


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
        body = decode(content, file_name)
        if kind == "codelist_csv":
            self._add_codelist_csv(body, file_name)
        elif kind == "odata_json":
            self._add_json(body, file_name)
        else:
            raise ParseError(f"{file_name}: not a CBS code list or OData metadata file")
        self.files[file_name] = sha256

    def _add_codelist_csv(self, text: str, file_name: str) -> None:
        what = CODELIST_NAME_RE.match(file_name)["what"].lower()
        header = MEASURE_LIST_HEADER if what == "measure" else DIMENSION_LIST_HEADER
        codes: dict[str, str] = {}
        for line, row in records(text, file_name, header, delimiter=","):
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
        rows = odata_value(text, file_name)
        if entity == "TableInfos":
            self.modified = modified(rows, file_name)
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


def odata_value(text: str, file_name: str) -> list:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{file_name}: not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise ParseError(f"{file_name}: unexpected JSON: expected {{\"odata.metadata\", "
                         "\"value\": [...]}")
    return data["value"]


def modified(rows: list, where: str) -> dt.date:
    try:
        return dt.datetime.fromisoformat(rows[0]["Modified"]).date()
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise ParseError(f"{where}: TableInfos without a 'Modified' date: {rows[:1]!r}") from exc

