"""etl/reference/policy_events.csv: the policy events of shared/docs/policy-events.md as data."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import ROUTE_CODES
from analysis.events import EVENT_KINDS, events_between, parse_events
from core.paths import REFERENCE_DIR

ROOT = Path(__file__).resolve().parents[1]

EVENTS_CSV = REFERENCE_DIR / "policy_events.csv"
EVENT_LIST = ROOT.parent / "shared" / "docs" / "policy-events.md"
COLUMNS = ["id", "date", "date_precision", "end_date", "title", "title_nl", "routes",
           "route_note", "kind", "source_name", "source_url", "confirmed"]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(EVENTS_CSV, dtype=str, keep_default_na=False)


def test_columns(events):
    assert list(events.columns) == COLUMNS
    assert (events["id"] != "").all() and (events["title"] != "").all()
    assert (events["title_nl"] != "").all()  # every title shown on a chart, also in Dutch
    assert (events["title_nl"] != events["title"]).all()
    assert (events["source_name"] != "").all()


def test_ids_unique_slugs(events):
    assert events["id"].is_unique
    assert events["id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()


def test_dates_parse(events):
    for row in events.itertuples():
        start = date.fromisoformat(row.date)
        assert row.date_precision in ("day", "month"), row.id
        if row.date_precision == "month":
            assert start.day == 1, row.id
        if row.end_date:
            assert date.fromisoformat(row.end_date) >= start, row.id


def test_route_codes_valid(events):
    for row in events.itertuples():
        codes = row.routes.split(";") if row.routes else []
        assert set(codes) <= set(ROUTE_CODES) | {"ALL"}, row.id
        assert len(codes) == len(set(codes)), row.id
        assert "ALL" not in codes or codes == ["ALL"], row.id


def test_kinds_and_flags(events):
    assert set(events["kind"]) <= set(EVENT_KINDS)
    assert set(events["confirmed"]) <= {"true", "false"}
    assert all(u == "" or u.startswith("https://") for u in events["source_url"])


def test_check_rows_unconfirmed(events):
    unconfirmed = events.loc[events["confirmed"] == "false", ["id", "date"]]
    assert sorted(unconfirmed["id"]) == ["eu-lebanon-2024", "migration-pact-2024",
                                         "serbia-visa-2022"]


def test_eu_turkey_statement(events):
    row = events.set_index("id").loc["eu-turkey-statement-2016"]
    assert row["date"] == "2016-03-20"
    assert row["date_precision"] == "day"
    assert row["routes"] == "EMR"
    assert row["confirmed"] == "true"


def test_matches_shared_list(events):
    """Every row of the shared list, nothing added; (check) rows are the unconfirmed ones."""
    if not EVENT_LIST.exists():
        pytest.skip("shared/docs/policy-events.md not beside the project")
    rows = [line for line in EVENT_LIST.read_text(encoding="utf-8").splitlines()
            if re.match(r"\|\s*\d{4}-\d{2}", line)]
    assert len(rows) == len(events)
    listed_dates = [re.match(r"\|\s*(\d{4}-\d{2}(?:-\d{2})?)", r).group(1) for r in rows]
    ours = [d if p == "day" else d[:7] for d, p in zip(events["date"], events["date_precision"])]
    assert sorted(listed_dates) == sorted(ours)
    checked = sorted(re.match(r"\|\s*(\S+)", r).group(1) for r in rows if "(check)" in r)
    unconfirmed = events.loc[events["confirmed"] == "false"]
    assert checked == sorted(d if p == "day" else d[:7] for d, p in
                             zip(unconfirmed["date"], unconfirmed["date_precision"]))


def test_parse_and_select(events):
    typed = parse_events(events)
    assert len(typed) == len(events)
    assert typed["date"].is_monotonic_increasing
    assert typed.set_index("id").at["temporary-protection-2022", "routes"] == ()
    inside = events_between(typed, "2016-01-01", "2016-12-31", routes=["EMR"])
    assert list(inside["id"]) == ["balkan-corridor-closure-2016", "eu-turkey-statement-2016",
                                  "ebcg-agency-2016"]
    # events with an end date count while they last
    overlapping = events_between(typed, "2014-01-01", "2014-03-31", routes=["CMR"])
    assert list(overlapping["id"]) == ["mare-nostrum-2013"]
