"""``python -m etl fetch`` progress (JSON lines for the app, a bar on the terminal) and the
summary the app shows from it; offline, with SYNTHETIC stand-in sources (no network)."""
from __future__ import annotations

import json
import types

import pytest

from core import refresh
from etl import cli, errors, http


def fake_source(fail):
    """A SYNTHETIC source module whose fetch fails as ``fail`` says."""
    def fetch():
        raise fail
    return types.SimpleNamespace(SOURCE_PAGE="https://example.invalid/", fetch=fetch)


@pytest.fixture
def offline_sources(monkeypatch):
    down = http.FetchError("https://example.invalid/a", "ConnectionError: no route to host "
                                                        "(after 4 attempts)")
    monkeypatch.setattr(cli, "SOURCES", {"alpha": fake_source(down), "beta": fake_source(down)})


def events(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_fetch_writes_progress_lines_and_a_bar(offline_sources, tmp_path, capsys,
                                               monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar draws on a terminal
    progress = tmp_path / "p.jsonl"
    status = cli.main(["fetch", "alpha", "beta", "--no-build", "--progress-file", str(progress)])
    assert status == 1
    got = events(progress)
    assert [e["event"] for e in got] == ["start", "source", "failed", "source", "failed", "end"]
    assert got[1] == {"event": "source", "source": "alpha", "index": 1, "total": 2,
                      "url": "https://example.invalid/"}
    assert got[2]["offline"] is True and "no route to host" in got[2]["reason"]
    err = capsys.readouterr().err
    assert "alpha: FAILED, staging left unchanged" in err
    assert "2/2" in err  # tqdm's bar: sources done of sources asked


def test_summary_without_internet_is_one_line(offline_sources, tmp_path):
    progress = tmp_path / "p.jsonl"
    cli.main(["fetch", "alpha", "beta", "--no-build", "--progress-file", str(progress)])
    result = refresh.summary(events(progress))
    assert result.offline and result.lines() == [refresh.OFFLINE_LINE]


def test_a_refused_answer_is_not_offline(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "SOURCES", {
        "alpha": fake_source(http.FetchError("https://example.invalid/a", "HTTP 404 Not Found",
                                             404)),
        "beta": fake_source(errors.ParseError("not the expected columns (synthetic)"))})
    progress = tmp_path / "p.jsonl"
    cli.main(["fetch", "alpha", "beta", "--no-build", "--progress-file", str(progress)])
    result = refresh.summary(events(progress))
    assert not result.offline
    assert result.lines() == [
        "Failed: alpha — https://example.invalid/a: HTTP 404 Not Found",
        "Failed: beta — not the expected columns (synthetic)"]


def test_the_app_follows_a_child_to_its_end(tmp_path):
    """refresh.start runs the fetch as a child process and reads its lines as they come
    (here the SYNTHETIC tests/fake_fetch.py)."""
    import sys
    from pathlib import Path

    fake = Path(__file__).with_name("fake_fetch.py")
    run = refresh.start(["eurostat", "cbs"], cmd=lambda names, p: [
        sys.executable, str(fake), *names, "--progress-file", str(p)])
    seen = [e["event"] for e in run.follow()]
    assert seen == ["start", "source", "staged", "done_source", "source", "staged",
                    "done_source", "end"]
    assert run.returncode == 0
    result = refresh.summary(run.events)
    assert result.ended and result.unchanged == ["cbs"] and len(result.new) == 1


def test_read_only_by_configuration(monkeypatch):
    for value, expected in (("1", True), ("true", True), ("", False), ("0", False)):
        monkeypatch.setenv(refresh.READ_ONLY_ENV, value)
        assert refresh.read_only() is expected


def test_the_page_says_the_summary_in_the_interface_language():
    """The Sources page's summary of a refresh: the command line's sentences in English, the
    same in Dutch with Dutch numbers (a SYNTHETIC summary: names, vintages and rows made up)."""
    from dashboard import i18n

    result = refresh.Summary(
        offline=False, ended=True, build_ok=False, unchanged=["cbs"],
        new=[{"dataset": "eurostat_migr", "file": "migr_eiord.tsv", "old_vintage": "2025-03-27",
              "new_vintage": "2026-03-27", "rows_before": 28545, "rows_after": 29870}],
        failed=[{"source": "frontex", "reason": "HTTP 404 Not Found"}])
    with i18n.use("en"):
        assert result.lines(i18n._, i18n.number) == result.lines()
    with i18n.use("nl"):
        lines = result.lines(i18n._, i18n.number)
    assert lines[0] == ("Nieuw: eurostat_migr migr_eiord.tsv: versie 2025-03-27 → 2026-03-27; "
                        "29.870 rijen (was 28.545 bij versie 2025-03-27).")
    assert lines[1].startswith("Al actueel: cbs")
    assert lines[2] == "Mislukt: frontex — HTTP 404 Not Found"
    assert lines[3].startswith("De herbouw van het warehouse is mislukt")
