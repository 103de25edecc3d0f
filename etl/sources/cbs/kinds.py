"""CBS file kinds: which layouts this source reads, told apart by their first bytes."""
from __future__ import annotations

import re
from pathlib import Path

from etl.formats.text import BOM

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
TABLE_RE = re.compile(r"^\d{5}[A-Z]{3}$")
CODELIST_NAME_RE = re.compile(r"^(?P<table>\d{5}[A-Za-z]{3})_(?P<what>[A-Za-z]+)_codes\.csv$")
ODATA_RE = re.compile(r'"odata\.metadata"\s*:\s*"https?://[^"]*?/odata/(?P<table>[^/"]+)/'
                      r'\$metadata#(?:Cbs\.OData\.WebAPI\.)?(?P<entity>\w+)', re.I)
PERIOD_RE = re.compile(r"^(\d{4})(?:JJ00|MM(0[1-9]|1[0-2])|KW(0[1-4]))$")
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


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


def describe_file(path: Path, file_name: str | None = None):
    with path.open("rb") as fh:
        return describe(fh.read(4096), file_name or path.name)
