"""The data behind a chart, as a briefing needs it: one row per plotted point, the series
picker applied, dataset code, vintage and the reason for a missing value on every row; the
same rows as CSV and as an Excel workbook; the "cite this chart" text.

No Streamlit here (``dashboard.components`` draws the widgets); every function takes the
figure and the frame a page already passes to ``components.chart``.

A chart's frame is one row per plotted point ("long": a column names the series, e.g.
``series`` or ``route``) or one row per category with a column per series ("wide": a bar per
column, e.g. ordered to leave and returned by citizenship). :class:`Series` says which, and
is found from the figure's trace names where the page does not say it.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from core import metadata
from core.paths import METADATA_DIR
from dashboard import charts, flags
from dashboard.charts import Source
from dashboard.i18n import N_, _

# the columns a chart's frame plots its values from, in the order they are looked for
VALUE_COLUMNS = ("value", "detections", "dead_and_missing_per_1000", "received_pct_gdp",
                 "Change in detections", "Log change", "new")
# columns that hold a ratio, a share or a model estimate: decimals even when whole
_DECIMAL_WORDS = ("rate", "pct", "per_", "share", "relative", "log", "coefficient", "error",
                  "ratio", "interval", "gdp_usd", "_usd", "index")


# ------------------------------------------------------------------------------ the series
def _has_points(trace) -> bool:
    values = [getattr(trace, a, None) for a in ("y", "x", "z")]
    return any(v is not None and any(p is not None for p in v) for v in values
               if not isinstance(v, str))


def trace_name(trace) -> str:
    """A trace's series name as one line (a long legend entry is broken with "<br>",
    ``layout.legend_label``)."""
    return str(trace.name or "").replace("<br>", " ")


def trace_names(fig: go.Figure) -> list[str]:
    """The names of the figure's series a reader can pick (legend entries that draw data,
    not a legend key such as "hatched: computed"), in order."""
    names: list[str] = []
    for t in fig.data:
        name = trace_name(t)
        if name and t.showlegend is not False and name not in names and _has_points(t):
            names.append(name)
    return names


@dataclass(frozen=True)
class Series:
    """How a frame's rows (or columns) belong to the figure's series.

    ``column``: long frames, the column holding the trace name; ``of_rows``: long frames
    whose trace name is built from several columns (a function frame → names); ``columns``:
    wide frames, trace name → the frame's column of that series (or the columns in the
    order of the figure's series: :meth:`bound` names them)."""
    column: str | None = None
    of_rows: Callable[[pd.DataFrame], pd.Series] | None = None
    columns: dict[str, str] | tuple[str, ...] | None = None

    def bound(self, fig: go.Figure) -> "Series":
        if isinstance(self.columns, tuple):
            return Series(columns=dict(zip(trace_names(fig), self.columns)))
        return self

    def names(self, data: pd.DataFrame) -> pd.Series | None:
        if self.column is not None:
            return data[self.column].astype(str)
        if self.of_rows is not None:
            return self.of_rows(data).astype(str)
        return None


def find_series(fig: go.Figure, data: pd.DataFrame) -> Series | None:
    """The frame's column that names every series of the figure (``series``, ``route`` …),
    or None when no column does (then the page passes a :class:`Series`)."""
    names = set(trace_names(fig))
    if not names:
        return None
    if names <= set(data.columns):
        return Series(columns={n: n for n in names})
    for col in data.columns:
        s = data[col]
        if (s.dtype == object or pd.api.types.is_string_dtype(s)) and \
                names <= set(s.dropna().astype(str)):
            return Series(column=col)
    return None


def pick(fig: go.Figure, data: pd.DataFrame, chosen: list[str] | None,
         series: Series | None) -> tuple[go.Figure, pd.DataFrame]:
    """The figure without the series not chosen, and the frame without their rows (long)
    or columns (wide). ``chosen`` None: everything."""
    names = trace_names(fig)
    if chosen is None or set(chosen) >= set(names):
        return fig, data
    dropped = set(names) - set(chosen)
    picked = go.Figure(fig)
    picked.data = [t for t in picked.data if not (t.name and trace_name(t) in dropped)]
    if series is None:
        return picked, data
    if series.columns is not None:
        gone = [c for n, c in series.columns.items() if n in dropped and c in data]
        return picked, data.drop(columns=gone)
    of_row = series.names(data)
    return picked, data[~of_row.isin(dropped)]


# ------------------------------------------------------------------------- the time axis
SCALABLE = ("count", "amount")  # the values a log scale and an index suit


def is_count_time_series(fig: go.Figure) -> bool:
    """Lines of counts (or amounts) over time: where a log scale and an index make sense.
    What the values are is the figure builder's mark (``charts.mark_values``), never its
    axis title; not bars, not maps, not values below zero, not an axis already on a log
    scale."""
    if charts.value_kind(fig) not in SCALABLE or fig.layout.yaxis.type == "log":
        return False
    lines = [t for t in fig.data
             if (getattr(t, "yaxis", None) or "y") == "y" and t.showlegend is not False]
    if not lines or any(t.type != "scatter" or t.x is None or t.y is None for t in lines):
        return False
    try:
        pd.to_datetime(pd.Series(list(lines[0].x)))
    except (ValueError, TypeError):
        return False
    values = pd.to_numeric(pd.Series([v for t in lines for v in t.y]), errors="coerce")
    return bool(values.notna().any()) and bool((values.dropna() >= 0).all())


def log_scale(fig: go.Figure) -> go.Figure:
    out = go.Figure(fig)
    title = _("{axis} (log scale)").format(axis=fig.layout.yaxis.title.text or "")
    out.update_layout(yaxis=dict(type="log", rangemode="normal", title=dict(text=title)))
    return out


def _lines(fig: go.Figure) -> list:
    return [t for t in fig.data if (getattr(t, "yaxis", None) or "y") == "y"
            and t.showlegend is not False and _has_points(t)]


def index_years(fig: go.Figure) -> list[int]:
    """The years a time series can be indexed on (= 100): the years on its time axis."""
    years: set[int] = set()
    for t in _lines(fig):
        years |= set(pd.to_datetime(pd.Series(list(t.x))).dt.year)
    return sorted(int(y) for y in years)


def _indexed(x, y, year: int) -> list:
    when = pd.to_datetime(pd.Series(list(x))).dt.year.tolist()
    values = pd.to_numeric(pd.Series(list(y)), errors="coerce").tolist()
    base = next((v for w, v in zip(when, values) if w == year and pd.notna(v)), None)
    if not base:
        return [None] * len(values)
    return [None if pd.isna(v) else v * 100 / base for v in values]


def index_figure(fig: go.Figure, year: int) -> go.Figure:
    """Each line as an index, its value in ``year`` = 100 (a line with no value that year is
    not drawn: the table says why)."""
    out = go.Figure(fig)
    for t in _lines(out):
        t.y = _indexed(t.x, t.y, year)
        if t.hovertemplate:
            t.hovertemplate = t.hovertemplate.replace("%{y:,d}", "%{y:,.1f}").replace(
                "%{y:,.0f}", "%{y:,.1f}")
    out.update_layout(yaxis=dict(title=dict(text=_("Index ({year} = 100)").format(year=year)),
                                 tickformat=",.0f"))
    return out


def index_column(data: pd.DataFrame, series: Series | None, year: int) -> pd.DataFrame:
    """The frame with ``index_<year>``: each series' value ÷ its value in ``year`` × 100."""
    values = _value_columns(data, series)
    names = series.names(data) if series is not None else None
    if not values or names is None or not ({"year", "period"} & set(data.columns)):
        return data
    when = (data["year"] if "year" in data else pd.to_datetime(data["period"]).dt.year)
    value = pd.to_numeric(data[values[0]], errors="coerce")
    base = value.where(when == year).groupby(names).transform("max")
    out = data.copy()
    out[f"index_{year}"] = (value * 100 / base.where(base != 0)).astype(float)
    return out


# ------------------------------------------------------------------ the chart in the link
# A chart's controls in the page's link, under the chart's short id: ``<id>.s`` the series
# shown (their positions in the legend, 1-based: the same in both languages), ``<id>.log=1``
# the log scale, ``<id>.idx=<year>`` the index year. Only choices that differ from the
# default view are written.
LINK_SERIES, LINK_LOG, LINK_INDEX = "s", "log", "idx"


@dataclass(frozen=True)
class LinkNotice:
    key: str      # the link's parameter, e.g. ``rate.idx``
    raw: str      # its value as the link gives it
    shown: str    # what is shown instead, in the interface language

    def text(self) -> str:
        return _("Link value '{raw}' for {name} not understood — showing {shown}.").format(
            raw=self.raw, name=self.key, shown=self.shown)


def link_params(chart: str, names: list[str], shown: list[str] | None, log: bool = False,
                index: int | None = None) -> dict[str, str]:
    """The link parameters of a chart's controls that differ from its default view (every
    series, linear, no index)."""
    out: dict[str, str] = {}
    if shown is not None and set(shown) != set(names):
        out[f"{chart}.{LINK_SERIES}"] = ",".join(
            str(i) for i, name in enumerate(names, 1) if name in shown)
    if log:
        out[f"{chart}.{LINK_LOG}"] = "1"
    if index is not None:
        out[f"{chart}.{LINK_INDEX}"] = str(index)
    return out


def read_link(chart: str, params: dict[str, str], names: list[str], years: list[int], *,
              pick: bool, scale: bool) -> tuple[dict, list[LinkNotice]]:
    """A chart's controls as its link gives them: ``{'shown': [...], 'log': bool,
    'index': int | None}`` for the parameters present (``pick``/``scale``: the chart has a
    series picker / log and index controls), and a notice for every value that cannot be
    used (unknown series, a year the chart has not, garbage); such a value falls back to the
    default (a series list keeps the series it does name)."""
    state: dict = {}
    notices: list[LinkNotice] = []
    key = f"{chart}.{LINK_SERIES}"
    if pick and key in params:
        raw = params[key]
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        known = sorted({int(p) for p in parts if p.isdigit() and 1 <= int(p) <= len(names)})
        shown = [names[i - 1] for i in known]
        if len(known) < len(parts) or len(set(parts)) != len(parts):
            if not shown:
                shown = list(names)
            notices.append(LinkNotice(key, raw, ", ".join(shown)))
        state["shown"] = shown
    key = f"{chart}.{LINK_LOG}"
    if scale and key in params:
        raw = params[key]
        if raw.lower() in ("1", "true", "yes", "0", "false", "no"):
            state["log"] = raw.lower() in ("1", "true", "yes")
        else:
            state["log"] = False
            notices.append(LinkNotice(key, raw, _("linear scale")))
    key = f"{chart}.{LINK_INDEX}"
    if scale and key in params:
        raw = params[key]
        year = int(raw) if raw.strip().isdigit() else None
        if year in years:
            state["index"] = year
        else:
            state["index"] = None
            notices.append(LinkNotice(key, raw, _("no index")))
    return state, notices


# ------------------------------------------------------------------------------ provenance
@cache
def _metadata_files() -> dict[str, dict]:
    return {p.stem: metadata.dataset(p.stem) for p in sorted(METADATA_DIR.glob("*.yml"))}


def _codes_of(meta: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for part in ("datasets", "tables", "indicators"):
        out.update(meta.get(part) or {})
    return out


def dataset_info(code: str) -> tuple[str, dict]:
    """(metadata name, metadata) of a publisher dataset code or a metadata name."""
    files = _metadata_files()
    if code in files:
        return code, files[code]
    for name, meta in files.items():
        if code in _codes_of(meta):
            return name, meta
    raise KeyError(code)


def dataset_url(code: str) -> str | None:
    """The publisher's page of a dataset code (its table page), else the source's page."""
    try:
        _name, meta = dataset_info(code)
    except KeyError:
        return None
    entry = _codes_of(meta).get(code) or {}
    return entry.get("page") or meta.get("source_page")


def fetch_command(code: str) -> str | None:
    try:
        return dataset_info(code)[1].get("fetch_command")
    except KeyError:
        return None


def source_codes(source: Source) -> list[str]:
    return [c.strip() for c in source.dataset.split(",") if c.strip()]


def _iso(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def _value_columns(data: pd.DataFrame, series: Series | None) -> list[str]:
    if series is not None and series.columns:
        return [c for c in series.columns.values() if c in data]
    return [c for c in VALUE_COLUMNS if c in data][:1]


def _missing_reason(row: pd.Series, values: list[str], codes: list[str]) -> str | None:
    if values and all(pd.notna(row[c]) for c in values):
        index = [c for c in row.index if str(c).startswith("index_")]
        if index and pd.isna(row[index[0]]):
            return _("no value in {year} to index on").format(year=index[0][6:])
        return None
    if not values:
        return None
    code = row.get("source_dataset") if isinstance(row.get("source_dataset"), str) else None
    command = fetch_command(code or (codes[0] if codes else ""))
    run = (": " + _("run `{command}`").format(command=command)) if command else ""
    part = row.get("missing")
    if isinstance(part, str) and part:  # the page's own reason (per 100,000: which part)
        if part == "population":
            return _("population not loaded (demo_pjan)") + run
        if part == "count":
            return _("count not loaded") + run
        return _("count and population not loaded") + run
    return _("not loaded") + run


def rows(data: pd.DataFrame, source: Source, series: Series | None = None) -> pd.DataFrame:
    """One row per plotted point: the frame's columns (a publisher's flag followed by
    ``flag_meaning``, its meaning in words), then ``dataset_code``, ``vintage`` and
    ``missing_reason`` on every row; whole-number counts as integers (rates stay decimals)."""
    out = data.reset_index(drop=True).copy()
    codes = source_codes(source)
    if "source_dataset" in out:
        code = out["source_dataset"].where(out["source_dataset"].notna(), ", ".join(codes))
    else:
        code = pd.Series(", ".join(codes), index=out.index)
    if "vintage" in out:
        vintage = out["vintage"].map(_iso)
        vintage = vintage.where(vintage.notna(), None)
        out = out.drop(columns="vintage")
    else:  # one vintage per dataset code of the chart, in the order of the codes
        known = dict(source.vintages)
        if known and "source_dataset" not in out:
            code = pd.Series(", ".join(known), index=out.index)
            text = ", ".join(v.isoformat() for v in known.values())
        else:
            text = source.vintage.isoformat()
        vintage = pd.Series(text, index=out.index)
    values = _value_columns(out, series)
    reason = [_missing_reason(r, values, codes) for _i, r in out.iterrows()]
    for col in out.columns:
        s = out[col]
        if s.dtype.kind == "f" and not any(w in col.lower() for w in _DECIMAL_WORDS):
            known = s.dropna()
            if len(known) and (known == known.round()).all() and known.abs().max() < 2**53:
                out[col] = s.round().astype("Int64")
        elif s.dtype.kind == "M":
            out[col] = s.dt.date
    for flag_col in [c for c in out.columns if flags.is_column(str(c))]:  # flag, in words
        out.insert(out.columns.get_loc(flag_col) + 1, flags.meaning_column(flag_col),
                   out[flag_col].map(lambda f: flags.words(f) or None))
    out["dataset_code"] = code.astype(str)
    out["vintage"] = vintage
    out["missing_reason"] = pd.Series(reason, index=out.index, dtype=object)
    return out


# -------------------------------------------------------------------------------- outputs
def header_lines(source: Source, title: str, vintages: list[str],
                 exported: dt.datetime) -> list[str]:
    """The CSV's '#' lines, in the interface language (dates and codes as ISO and as the
    publisher writes them, so scripts can still read them)."""
    return [title, source.footer_line(),
            _("Publisher: {publisher}; dataset: {dataset}; vintage(s): {vintages}; "
              "unit: {unit}").format(publisher=source.publisher, dataset=source.dataset,
                                     vintages=", ".join(vintages) or source.vintage.isoformat(),
                                     unit=source.unit),
            _("Exported: {time}").format(time=f"{exported:%Y-%m-%dT%H:%M:%SZ}"),
            _("Column names are stable identifiers, the same in every language.")]


def _vintages(table: pd.DataFrame) -> list[str]:
    if "vintage" not in table:
        return []
    return sorted({part for v in table["vintage"] if isinstance(v, str)
                   for part in v.split(", ")})


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def csv_bytes(table: pd.DataFrame, source: Source, title: str,
              exported: dt.datetime | None = None) -> bytes:
    """The rows as CSV (UTF-8, comma, '.' decimals), behind a '#' header block naming
    title, source, the vintages of the rows and the export time."""
    out = io.StringIO()
    for line in header_lines(source, title, _vintages(table), exported or now()):
        out.write(f"# {line}\n")
    table.to_csv(out, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return out.getvalue().encode("utf-8")


def xlsx_bytes(table: pd.DataFrame, source: Source, title: str, *, permalink: str = "",
               exported: dt.datetime | None = None) -> bytes:
    """The same rows as an Excel workbook: sheet ``data`` (numbers as numbers, dates as
    dates), sheet ``source`` (title, publisher, codes, vintages, unit, footer, export time,
    permalink). In English the data sheet's headers are the CSV's column names; in another
    language the sheets, their headers and the source sheet's fields are in that language
    (a workbook is read by people; scripts read the CSV)."""
    from dashboard import i18n

    exported = exported or now()
    codes = source_codes(source)
    about = [(_("title"), title), (_("publisher"), source.publisher),
             (_("dataset codes"), ", ".join(codes)),
             (_("vintages"), ", ".join(_vintages(table)) or source.vintage.isoformat()),
             (_("unit"), source.unit), (_("footer"), source.footer_line()),
             *((f"url {c}", dataset_url(c) or "") for c in codes),
             (_("exported"), f"{exported:%Y-%m-%dT%H:%M:%SZ}"), (_("permalink"), permalink)]
    data = table.astype(object).where(table.notna(), None)
    if i18n.current() != i18n.DEFAULT:
        data = data.rename(columns=plain)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        data.to_excel(xl, sheet_name=_("data"), index=False)
        pd.DataFrame(about, columns=[_("field"), _("value")]).to_excel(
            xl, sheet_name=_("source"), index=False)
    return buf.getvalue()


def cite_text(source: Source, title: str, table: pd.DataFrame, *, permalink: str,
              accessed: dt.date | None = None) -> str:
    """"Cite this chart": publisher, title, dataset codes with their vintages and pages,
    access date and the link to this view, in the interface language."""
    from dashboard import i18n

    accessed = accessed or now().date()
    vintages: dict[str, set[str]] = {}
    if "dataset_code" in table and "vintage" in table:
        for code, vintage in zip(table["dataset_code"], table["vintage"]):
            if not isinstance(vintage, str):
                continue
            codes, seen = str(code).split(", "), vintage.split(", ")
            for c, v in zip(codes, seen if len(seen) == len(codes) else seen[:1] * len(codes)):
                vintages.setdefault(c, set()).add(v)
    lines = [f"{source.publisher}. {title}."]
    for code in source_codes(source):
        seen = sorted(vintages.get(code, ())) or [source.vintage.isoformat()]
        when = ", ".join(i18n.date(dt.date.fromisoformat(v)) for v in seen)
        url = dataset_url(code)
        lines.append(_("Dataset {code}, vintage {vintage}").format(code=code, vintage=when)
                     + (f": {url}" if url else "") + ".")
    lines.append(_("Accessed {date}.").format(date=i18n.date(accessed)))
    if permalink:
        lines.append(_("This view: {url}").format(url=permalink))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ the table
# The Table tab's headers of the columns charts share (the CSV keeps the column names).
COLUMN_LABELS = {
    "geo": N_("Geography"), "year": N_("Year"), "period": N_("Period"),
    "measure": N_("Measure"), "series": N_("Series"), "series_code": N_("Series code"),
    "value": N_("Value"), "detections": N_("Detections"), "is_computed": N_("Is computed"),
    "basis": N_("Basis"), "flag": N_("Flag"), "flags": N_("Flags"),
    "flag_meaning": N_("Flag meaning"), "flags_meaning": N_("Flag meaning"),
    "flag_old": N_("Flag (older)"), "flag_new": N_("Flag (newer)"),
    "flag_old_meaning": N_("Flag meaning (older)"),
    "flag_new_meaning": N_("Flag meaning (newer)"),
    "flag_ordered": N_("Flag (ordered to leave)"), "flag_returned": N_("Flag (returned)"),
    "flag_ordered_meaning": N_("Flag meaning (ordered to leave)"),
    "flag_returned_meaning": N_("Flag meaning (returned)"), "source_dataset": N_("Source dataset"),
    "source_file": N_("Source file"), "months_in_period": N_("Months in period"),
    "dataset_code": N_("Dataset code"), "vintage": N_("Vintage"),
    "missing_reason": N_("Missing reason"), "definition": N_("Definition"),
    "count": N_("Count"), "population": N_("Population"),
    # the other columns of the charts' frames (English: as the column name reads)
    "route_code": N_("Route code"), "route": N_("Route"),
    "dead_and_missing": N_("Dead and missing"),
    "dead_and_missing_per_1000": N_("Dead and missing per 1,000 detections"),
    "months_covered": N_("Months covered"), "iso3": N_("ISO code"), "name": N_("Name"),
    "citizenship_iso3": N_("Citizenship (ISO code)"), "citizenship": N_("Citizenship"),
    "ordered_to_leave": N_("Ordered to leave"), "returned_total": N_("Returned (total)"),
    "return_rate_total": N_("Return rate (total)"), "rate_label": N_("Rate"),
    "kind": N_("Kind"), "value_usd": N_("Value (US$)"), "country_iso3": N_("Country (ISO code)"),
    "country": N_("Country"), "received_pct_gdp": N_("Received (share of GDP, %)"),
    "pct_gdp_is_computed": N_("Share of GDP computed"), "received_usd": N_("Received (US$)"),
    "gdp_usd": N_("GDP (US$)"), "source": N_("Source"), "computed": N_("Computed"),
    "label": N_("Label"), "key": N_("Key"), "is_aggregate": N_("Aggregate"),
    "months": N_("Months"), "first_month": N_("First month"), "last_month": N_("Last month"),
    "months_old": N_("Months (older)"), "months_new": N_("Months (newer)"), "old": N_("Older value"),
    "new": N_("Newer value"), "revision": N_("Revision"), "relative_revision": N_("Relative revision"),
    "Route": N_("Route"), "Route code": N_("Route code"), "Role": N_("Role"),
    "Change in detections": N_("Change in detections"), "Interval low": N_("Interval low"),
    "Interval high": N_("Interval high"), "Quarter": N_("Quarter"),
    "Quarter label": N_("Quarter label"), "Log change": N_("Log change"),
    "Coefficient": N_("Coefficient"), "Standard error": N_("Standard error"),
}


# a chart's frame may name its own headers where a shared one would mislead (e.g. the
# Remittances frame's ``value`` is in billions beside ``value_usd``): ``attrs[LABELS]`` maps
# a column to its message (marked with ``N_``)
LABELS = "column_labels"


def plain(column: str, labels: dict[str, str] | None = None) -> str:
    if labels and column in labels:
        return _(labels[column])
    if column in COLUMN_LABELS:
        return _(COLUMN_LABELS[column])
    if column.startswith("index_") and column[6:].isdigit():
        return _("Index {year}").format(year=column[6:])
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The rows for reading on screen: numbers with the language's separators, dates as
    dates, a missing value an empty cell (its reason beside it), plain column names."""
    from dashboard import i18n

    shown = pd.DataFrame(index=table.index)
    for col in table.columns:
        s = table[col]
        if any(w in col.lower() for w in ("year", "quarter")) and s.dtype.kind in "iuf":
            shown[col] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif str(s.dtype) == "Int64" or s.dtype.kind in "iu":
            shown[col] = s.map(lambda v: "" if pd.isna(v) else i18n.number(int(v)))
        elif s.dtype.kind == "f":
            digits = 3 if s.dropna().abs().max(skipna=True) < 10 else 1
            shown[col] = s.map(lambda v, d=digits: "" if pd.isna(v) else i18n.number(v, d))
        elif s.dtype.kind == "b":
            shown[col] = s.map({True: _("yes"), False: _("no")})
        else:
            shown[col] = s.map(lambda v: "" if v is None or (not isinstance(v, str)
                                                              and pd.isna(v)) else str(v))
    labels = table.attrs.get(LABELS)
    return shown.rename(columns=lambda c: plain(c, labels))
