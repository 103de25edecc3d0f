"""Sources & provenance: what the warehouse holds, where each file came from, and what is
not loaded, with no widgets.

One row per publisher file loaded (the ``provenance`` table, with each file's dataset codes
and coverage read from its staging rows), the expected datasets with no data and the
command that would load them (the ``coverage`` table), and each dataset's caveat and vintage
note from ``etl/metadata/<dataset>.yml``.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

from dashboard import db, i18n
from dashboard.i18n import N_, _
from core import metadata, registry

# Staging table each metadata dataset is read from, its per-file coverage query (reading that
# table; ``$geo`` is the focus geography whose years the coverage names), from the registry.
STAGING_TABLES = registry.staging_tables()
COVERAGE_QUERIES = {d.name: d.coverage_query for d in registry.datasets()}
FOCUS_GEO = {d.name: d.focus_geo for d in registry.datasets() if d.focus_geo}
#: The kinds of geography a coverage query counts (``dashboard/sql/sources_coverage_*.sql``).
GEO_KINDS = {"MMP routes": N_("MMP routes"), "economies and aggregates":
             N_("economies and aggregates"), "geos": N_("geos"), "countries": N_("countries"),
             "routes": N_("routes")}
SHA_SHOWN = 12  # hex digits of sha256 shown on screen (the CSV has all 64)

FILE_COLUMNS = ["publisher", "dataset", "codes", "file_name", "vintage", "retrieved_at",
                "sha256", "size", "rows", "coverage", "coverage_start", "coverage_end",
                "licence", "source_url", "title", "staging_file"]
NOT_LOADED_COLUMNS = ["publisher", "dataset", "description", "fetch_command"]
NOTE_COLUMNS = ["publisher", "dataset", "title", "caveat", "vintage_note", "licence"]


@dataclass(frozen=True)
class SourcesView:
    """One view of the sources page. Default: every publisher."""

    publishers: tuple[str, ...] = ()  # publisher names as in the metadata; empty = all


def publisher_of(dataset: str) -> str:
    """A metadata dataset's publisher as the metadata names it (e.g. 'World Bank')."""
    return metadata.dataset(dataset)["publisher"]


def metadata_datasets() -> list[str]:
    """The datasets of the registry, each with an ``etl/metadata/<dataset>.yml``."""
    return [d.name for d in registry.datasets()]


def publishers() -> list[str]:
    """Publishers of the loaded files and of the datasets not loaded, sorted."""
    names = {publisher_of(d) for d in metadata_datasets()}
    names |= set(db.query("sources_not_loaded")["publisher"].dropna())
    return sorted(names)


def resolve(view: SourcesView, names: list[str]) -> SourcesView:
    return SourcesView(publishers=tuple(p for p in dict.fromkeys(view.publishers) if p in names))


def _chosen(view: SourcesView, publisher: pd.Series) -> pd.Series:
    return publisher.isin(view.publishers) if view.publishers else pd.Series(True, publisher.index)


def _span(first, last) -> str:
    if pd.isna(first):
        return ""
    return f"{int(first)}" if int(first) == int(last) else f"{int(first)}–{int(last)}"


def _coverage_text(row, focus: str | None) -> str:
    """E.g. 'NL 2010–2016; 33 geos 2010–2016', '9 routes 2009–2018'."""
    parts = []
    if focus and not pd.isna(row.focus_first_year):
        parts.append(f"{focus} {_span(row.focus_first_year, row.focus_last_year)}")
    span = _span(row.first_year, row.last_year)
    if row.geos and not pd.isna(row.geos):
        kind = _(GEO_KINDS[row.geo_kind]) if row.geo_kind in GEO_KINDS else row.geo_kind
        parts.append(f"{i18n.number(int(row.geos))} {kind} {span}")
    elif not parts:
        parts.append(span)
    return "; ".join(p for p in parts if p)


def file_coverage() -> pd.DataFrame:
    """Per loaded file (source_file × vintage): publisher dataset codes and coverage text."""
    present = set(db.query("tables")["table_name"])
    frames = []
    for dataset, table in STAGING_TABLES.items():
        if table not in present:
            continue
        focus = FOCUS_GEO.get(dataset)
        rows = db.query(COVERAGE_QUERIES[dataset], table=table, geo=focus)
        frames.append(pd.DataFrame({
            "dataset": dataset,
            "file_name": rows["source_file"],
            "vintage": pd.to_datetime(rows["vintage"]).dt.date,
            "codes": rows["codes"],
            "coverage": [_coverage_text(r, focus) for r in rows.itertuples(index=False)],
        }))
    if not frames:
        return pd.DataFrame(columns=["dataset", "file_name", "vintage", "codes", "coverage"])
    return pd.concat(frames, ignore_index=True)


def files(view: SourcesView) -> pd.DataFrame:
    """Exactly the rows of the files table (and its CSV): one per loaded file, full sha256.

    ``codes`` are the publisher's dataset codes in the file (Eurostat codes, World Bank
    indicators, CBS table ids; none for the Frontex workbook), ``dataset`` the project's
    metadata name."""
    prov = db.query("sources_files")
    if prov.empty:
        return pd.DataFrame(columns=FILE_COLUMNS)
    prov = prov.assign(publisher=prov["dataset"].map(publisher_of),
                       **{c: pd.to_datetime(prov[c]).dt.date
                          for c in ("vintage", "coverage_start", "coverage_end")})
    data = prov.merge(file_coverage(), on=["dataset", "file_name", "vintage"], how="left")
    data = data[_chosen(view, data["publisher"])]
    return data[FILE_COLUMNS].sort_values(["publisher", "dataset", "vintage", "file_name"],
                                          ignore_index=True)


def files_display(data: pd.DataFrame) -> pd.DataFrame:
    """The files table as shown: sha256 shortened (the CSV keeps all of it)."""
    shown = data.copy()
    shown["sha256"] = shown["sha256"].map(
        lambda s: s if not isinstance(s, str) or len(s) <= SHA_SHOWN else s[:SHA_SHOWN] + "…")
    return shown.drop(columns=["title", "staging_file"])


def not_loaded(view: SourcesView) -> pd.DataFrame:
    """Expected publisher datasets with no data loaded, and the command that would load
    each (empty where the project has no fetcher for it)."""
    data = db.query("sources_not_loaded")
    data = data[_chosen(view, data["publisher"])]
    return data[NOT_LOADED_COLUMNS].reset_index(drop=True)


def notes(view: SourcesView) -> pd.DataFrame:
    """Each dataset's caveat, vintage note and licence, as its metadata file states them, in
    the interface's language (``title_nl``, ``caveat_nl``, ``vintage_note_nl``,
    ``licence_nl`` in Dutch: the titles are the project's descriptions of each dataset, not
    the publisher's official table titles)."""
    from dashboard import charts

    def text(meta: dict, key: str) -> str:
        return _text(charts.localized(meta, key) if meta.get(key) else "")

    rows = []
    for dataset in metadata_datasets():
        meta = metadata.dataset(dataset)
        rows.append({"publisher": meta["publisher"], "dataset": dataset,
                     "title": text(meta, "title"), "caveat": text(meta, "caveat"),
                     "vintage_note": text(meta, "vintage_note"),
                     "licence": text(meta, "licence")})
    data = pd.DataFrame(rows, columns=NOTE_COLUMNS)
    return data[_chosen(view, data["publisher"])].reset_index(drop=True)


def _text(value) -> str:
    return " ".join(str(value).split()) if value else ""


def markdown_text(label: str, text: str) -> str:
    """One note as a Markdown paragraph ('$' escaped so it is never read as maths)."""
    body = text or _("(no {label} note in the dataset's metadata)").format(label=label.lower())
    return f"**{label}.** " + body.replace("$", "\\$")


def scope(view: SourcesView) -> str:
    return ", ".join(view.publishers) if view.publishers else _("all publishers")


def files_title(view: SourcesView) -> str:
    return _("Publisher files loaded in the warehouse, {scope}").format(scope=scope(view))


def not_loaded_title(view: SourcesView) -> str:
    return _("Expected datasets not loaded, {scope}").format(scope=scope(view))


def notes_title(view: SourcesView) -> str:
    return _("Dataset caveats, vintage notes and licences, {scope}").format(scope=scope(view))


TABLE_SOURCES = {
    "files": N_("the warehouse's provenance table (one row per publisher file as imported), "
              "with dataset codes and coverage read from the staging rows of each file; "
              "retrieved_at is UTC"),
    "not_loaded": N_("the warehouse's coverage table, rows with loaded = false (expected "
                   "datasets with no data); fetch_command needs internet"),
    "notes": N_("the project's dataset metadata files (etl/metadata/<dataset>.yml)"),
}


def csv_bytes(data: pd.DataFrame, title: str, table: str) -> bytes:
    """A table as CSV behind the same '#' header block as the charts' CSVs: title, what the
    rows are, the publishers in it and the export time."""
    out = io.StringIO()
    out.write(f"# {title}\n")
    out.write("# " + _("Source: {what}.").format(what=_(TABLE_SOURCES[table])) + "\n")
    names = sorted(set(data["publisher"].dropna())) if "publisher" in data else []
    out.write("# " + _("Publishers: {names}; each file's licence and vintage are stated per "
                       "row or in the dataset notes; cite each publisher as its licence "
                       "says.").format(names=", ".join(names) or _("none")) + "\n")
    out.write("# " + _("Exported: {time}").format(
        time=f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}") + "\n")
    data.to_csv(out, index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")
    return out.getvalue().encode("utf-8")


def file_stem(table: str, view: SourcesView) -> str:
    who = "_".join(p.lower().replace(" ", "") for p in view.publishers) or "all"
    return f"sources_{table}_{who}"


# ----------------------------------------------------------------------------- refresh
#: ``core.refresh.OFFLINE_LINE`` (the same English words), translated where shown.
OFFLINE_LINE = N_("No internet connection: no publisher could be reached, nothing was "
                  "fetched and the data are unchanged.")
REFRESH_OFF = N_("Refresh is switched off on this installation (read-only: MIGFLOWS_READ_ONLY "
               "is set); the data are updated where the dashboard is built.")
REFRESH_HELP = N_("Downloads each publisher's current files (needs internet) in a separate "
                "process, stages what is new and rebuilds the warehouse; the figures shown "
                "stay as they are until it has finished.")


def refresh_step(event: dict) -> str | None:
    """One progress event of the fetch as a line for the page (None: nothing to show)."""
    kind = event.get("event")
    if kind == "source":
        return _("{index}/{total} · {source}: fetching …").format(
            index=event["index"], total=event["total"], source=event["source"])
    if kind == "staged":
        state = _("new") if event.get("written") else _("unchanged")
        return f"{event['source']}: {event['dataset']}/{event['file']} {state}"
    if kind == "failed":
        return _("{source}: failed — {reason}").format(source=event["source"],
                                                       reason=event["reason"])
    if kind == "build":
        return (_("Rebuilding the warehouse …") if event.get("state") == "running"
                else _("Warehouse rebuilt.") if event.get("ok")
                else _("Warehouse rebuild failed."))
    return None


def refresh_fraction(events: list[dict]) -> float:
    """Share of the sources finished (fetched or failed) so far, 0–1."""
    total = next((len(e["sources"]) for e in events if e.get("event") == "start"), 0)
    done = sum(e.get("event") in ("done_source", "failed") for e in events)
    if any(e.get("event") == "end" for e in events):
        return 1.0
    return min(done / total, 1.0) if total else 0.0
