"""IOM Missing Migrants Project (MMP): dead and missing migrants, one row per incident.

The file is IOM's ``iom_mmp.rda`` from the Global Data Institute's R package ``gdidata`` (an
R data file holding one data frame ``t, m, type, route, geo, dead, cause, surv, nat,
location, lon, lat``), read with the shared R reader (``etl.formats.rfiles``). ``t`` is the
date of the incident (an R ``Date``), ``m`` its month (first day; stored as R's day count),
``dead`` the dead and missing, ``surv`` the survivors where known, ``nat`` the origin(s) as
ISO-3 codes (several separated by commas, ``UNK`` unknown). One staging file per vintage.

The file states no date: its vintage is the one documented for its exact bytes
(``etl/reference/documented_vintages.csv``), or one given on import. ``fetch`` downloads the
current file from the package's repository and records the date of the commit that last
changed it (GitHub's commits API) as the vintage. MMP routes are mapped to Frontex routes in
``etl/reference/mmp_routes.csv``, by the marts, not here: staging keeps IOM's route names.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import requests

from core import metadata
from etl import errors, http, pipeline, snapshots, vintages
from etl.formats import rfiles

PUBLISHER = "iom"
DATASET = "iom_mmp"
SOURCE_PAGE = metadata.dataset(DATASET)["source_page"]
COMMITS_URL = "https://api.github.com/repos/iom/gdidata/commits?path=data/iom_mmp.rda&per_page=1"
GIVEN_BASIS = ("the date of the gdidata commit that last changed data/iom_mmp.rda, recorded "
               "when the file was fetched; the file states no date")
COLUMNS = ["t", "m", "type", "route", "geo", "dead", "cause", "surv", "nat", "location",
           "lon", "lat"]
TYPES = {"Incident", "Split Incident", "Cumulative Incident"}
ISO3_RE = re.compile(r"^[A-Z]{3}$")
STAGING_COLUMNS = [
    "incident_date", "month", "incident_type", "mmp_route", "incident_iso3",
    "dead_and_missing", "survivors", "flag", "cause", "origin_iso3", "location", "lon", "lat",
    "vintage", "source_file", "snapshot_sha256", "source_row",
]
ParseError = errors.ParseError


def looks_like_mmp(content: bytes) -> bool:
    """True for an R data file whose one table names the MMP columns."""
    return rfiles.holds_strings(content, ("iom_mmp", "route", "dead", "surv", "nat", "location"))


# ----------------------------------------------------------------------------- interface
def recognises(path: Path) -> bool:
    if path.suffix.lower() not in {".rda", ".rdata"}:
        return False
    return looks_like_mmp(path.read_bytes())


def check(content: bytes, file_name: str) -> None:
    if not rfiles.is_r_file(content):
        raise ParseError(f"{file_name}: not an R data file (starts with {content[:16]!r})")


def stated_vintage(content: bytes, file_name: str) -> vintages.Vintage | None:
    return None  # the file states none; see the module doc


def target(snapshot: snapshots.Snapshot) -> tuple[str, None]:
    return DATASET, None


def _fail_at(mask, file_name: str, problem) -> None:
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        raise ParseError(f"{file_name}: row {i + 1}: {problem(i)}")


def _month(values: pd.Series, file_name: str) -> pd.Series:
    """``m`` as dates: R ``Date`` values come back as dates, or as R's day count (float)."""
    if pd.api.types.is_numeric_dtype(values):
        days = values.astype("float64")
        _fail_at(days.isna() | (days % 1 != 0), file_name,
                 lambda i: f"month 'm' is not a date: {values.iat[i]!r}")
        return pd.Series(np.datetime64("1970-01-01", "D") + days.astype("int64").to_numpy()
                         .astype("timedelta64[D]"), index=values.index)
    out = pd.to_datetime(values, errors="coerce")
    _fail_at(out.isna(), file_name, lambda i: f"month 'm' is not a date: {values.iat[i]!r}")
    return out.dt.floor("D")


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None) -> pipeline.Parsed:
    """The MMP table → one staging row per record, every column checked."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    check(content, file_name)
    found = vintages.resolve(file_name, sha256=sha256, given=vintage, given_basis=GIVEN_BASIS)
    table = rfiles.read_table(content, file_name, COLUMNS)
    if table.empty:
        raise ParseError(f"{file_name}: no rows")
    date = pd.to_datetime(table["t"], errors="coerce")
    _fail_at(date.isna(), file_name, lambda i: f"incident date 't' is not a date: "
                                               f"{table['t'].iat[i]!r}")
    month = _month(table["m"], file_name)
    _fail_at(month != date.dt.to_period("M").dt.to_timestamp(), file_name,
             lambda i: f"month 'm' {month.iat[i]:%Y-%m-%d} is not the month of 't' "
                       f"{date.iat[i]:%Y-%m-%d}")
    kinds = table["type"].astype("string")
    _fail_at(~kinds.fillna("").map(lambda v: set(v.split(",")) <= TYPES and v != ""),
             file_name, lambda i: f"unknown incident type {table['type'].iat[i]!r} "
                                  f"(known: {sorted(TYPES)})")
    route = table["route"].astype("string")
    _fail_at(route.isna() | (route.fillna("").str.strip() == ""), file_name,
             lambda i: "no route (MMP writes 'Undefined' where it assigns none)")
    geo = table["geo"].astype("string")
    _fail_at(~geo.fillna("").str.match(ISO3_RE.pattern), file_name,
             lambda i: f"country of incident is not an ISO-3 code: {table['geo'].iat[i]!r}")
    dead = pd.to_numeric(table["dead"], errors="coerce")
    _fail_at(dead.isna(), file_name, lambda i: f"dead and missing is not a number: "
                                               f"{table['dead'].iat[i]!r}")
    _fail_at((dead < 0) | (dead % 1 != 0), file_name,
             lambda i: f"dead and missing is not a count: {dead.iat[i]!r}")
    surv = pd.to_numeric(table["surv"], errors="coerce")
    _fail_at(surv.isna() & table["surv"].notna(), file_name,
             lambda i: f"survivors is not a number: {table['surv'].iat[i]!r}")
    _fail_at(surv.notna() & (surv % 1 != 0), file_name,
             lambda i: f"survivors is not a whole number: {surv.iat[i]!r}")
    # A few records hold a negative number of survivors (2025 file: five, -1 or -2). No count
    # can be negative and the marts do not use survivors: staged as NULL, the value in flag.
    negative = surv.notna() & (surv < 0)
    flag = pd.Series(pd.NA, index=table.index, dtype="string")
    flag[negative] = "survivors negative in the file: " + surv[negative].astype("int64").astype(str)
    surv = surv.mask(negative)
    nat = table["nat"].astype("string").fillna("")
    bad_nat = ~nat.map(lambda v: v != "" and all(ISO3_RE.match(c.strip()) for c in v.split(",")))
    _fail_at(bad_nat, file_name, lambda i: f"origin is not ISO-3 code(s): {table['nat'].iat[i]!r}")
    frame = pd.DataFrame({
        "incident_date": date.dt.floor("D").to_numpy().astype("datetime64[D]"),
        "month": month.to_numpy().astype("datetime64[D]"),
        "incident_type": kinds,
        "mmp_route": route.str.strip(),
        "incident_iso3": geo,
        "dead_and_missing": dead.astype("int32").to_numpy(),
        "survivors": surv.astype("Int32"),
        "flag": flag,
        "cause": table["cause"].astype("string"),
        "origin_iso3": nat.str.replace(" ", "", regex=False),
        "location": table["location"].astype("string"),
        "lon": pd.to_numeric(table["lon"], errors="coerce").astype("float64").to_numpy(),
        "lat": pd.to_numeric(table["lat"], errors="coerce").astype("float64").to_numpy(),
        "vintage": np.datetime64(found.date, "D"),
        "source_file": pd.Series([file_name] * len(table), dtype="string"),
        "snapshot_sha256": pd.Series([sha256] * len(table), dtype="string"),
        "source_row": np.arange(1, len(table) + 1, dtype="int32"),  # R's row numbers
    })[STAGING_COLUMNS]
    return pipeline.Parsed(frame, found.date, found.basis, "rda")


# ----------------------------------------------------------------------------- fetch
def last_commit_date(*, session: requests.Session | None = None, **http_options) -> dt.date:
    """The date of the gdidata commit that last changed data/iom_mmp.rda."""
    response = http.get(COMMITS_URL, session=session, **http_options)
    try:
        stamp = response.json()[0]["commit"]["committer"]["date"]
        return dt.date.fromisoformat(stamp[:10])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise http.FetchError(COMMITS_URL, f"no commit date in the answer: {exc}") from exc


def fetch(*, session: requests.Session | None = None, raw_dir: Path | None = None,
          **http_options) -> list[snapshots.Snapshot]:
    """Download the current iom_mmp.rda into the raw store, with its last commit's date."""
    session = session or requests.Session()
    response = http.get(SOURCE_PAGE, session=session, **http_options)
    content = response.content
    if not rfiles.is_r_file(content) or not looks_like_mmp(content):
        raise http.FetchError(SOURCE_PAGE, f"not the MMP R data file ({len(content)} bytes, "
                                           f"starts with {content[:16]!r})")
    documented = vintages.documented(snapshots.sha256_bytes(content))
    vintage = documented.date if documented else last_commit_date(session=session,
                                                                   **http_options)
    return [snapshots.store(
        content, publisher=PUBLISHER, dataset=DATASET, file_name="iom_mmp.rda",
        source_url=SOURCE_PAGE, licence=metadata.dataset(DATASET)["licence"], vintage=vintage,
        raw_dir=raw_dir)]
