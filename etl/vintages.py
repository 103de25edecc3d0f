"""A file's vintage and the basis on which it was established, by one rule for every source.

Three places a vintage can come from:

- **given**: recorded in the raw snapshot's sidecar when the file was fetched (e.g. the
  publisher catalogue's "last update of data") or passed on import;
- **stated**: what the file itself says (a "data as of" line, a LAST UPDATE column, an API
  page's ``lastupdated``), read by the source's parser;
- **documented**: for files that state none, the date documented for their exact bytes in
  ``etl/reference/documented_vintages.csv`` (sha256 → vintage and the basis, e.g. the date of
  the public commit that holds those bytes).

The rule (:func:`resolve`): a given vintage that differs from both what the file states and
what is documented for it wins (it was given on purpose); otherwise the stated vintage, else
the documented one; none at all is an error. Import refuses a given
vintage that contradicts the stated or documented one (:func:`check_given`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import pandas as pd

from core import paths
from etl import errors

DOCUMENTED_CSV = paths.REFERENCE_DIR / "documented_vintages.csv"
GIVEN_AT_IMPORT = "given at import"


@dataclass(frozen=True)
class Vintage:
    date: dt.date
    basis: str | None  # None: the file states it in the usual place, nothing to explain


@cache
def _documented() -> dict[str, Vintage]:
    table = pd.read_csv(DOCUMENTED_CSV, dtype=str, keep_default_na=False)
    return {r.sha256: Vintage(dt.date.fromisoformat(r.vintage), r.basis)
            for r in table.itertuples(index=False)}


def documented(sha256: str) -> Vintage | None:
    """The vintage documented for these exact bytes, or None."""
    return _documented().get(sha256)


def resolve(file_name: str, *, sha256: str, given: dt.date | None = None,
            stated: Vintage | None = None, given_basis: str = GIVEN_AT_IMPORT) -> Vintage:
    """The vintage of one file by the module's rule (see the module doc)."""
    candidates = [v for v in (stated, documented(sha256)) if v is not None]
    if given is not None and all(given != v.date for v in candidates):
        return Vintage(given, given_basis)
    if not candidates:
        raise errors.ParseError(f"{file_name}: the file states no vintage and none is documented "
                                "for these bytes: import it with an explicit vintage")
    return candidates[0]


def check_given(file_name: str, given: dt.date | None, *, sha256: str,
                stated: Vintage | None) -> dt.date | None:
    """The vintage to record on import: the given one (if it agrees), else the stated or
    documented one, else None (staging then needs one)."""
    doc = documented(sha256)
    if given is not None and stated is not None and given != stated.date:
        raise errors.ParseError(f"{file_name}: the file states vintage {stated.date}, not {given}")
    if given is not None and doc is not None and given != doc.date:
        raise errors.ParseError(f"{file_name}: these bytes are documented as vintage {doc.date}, "
                                f"not {given}")
    return given or (stated.date if stated else None) or (doc.date if doc else None)
