"""Data revisions: two vintages of the same series, compared value by value."""
from dataclasses import asdict

import streamlit as st

from dashboard import components
from dashboard.chart_data import Series
from dashboard import revisions as rev
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()

cases = rev.available_cases()
# Resolving clamps earlier choices to the chosen case (its vintages and years).
bind = Binding("rev", asdict(rev.RevisionsView()),
               lambda s: asdict(rev.resolve(rev.RevisionsView(**s))),
               baseline=lambda s: rev.defaults_for(rev.RevisionsView(**s)))
view = rev.RevisionsView(**bind.values)

st.title(_("Data revisions"))
st.markdown(_("Publishers revise what they published: a newer file can change figures for "
              "years that an older file already had. Pick a series and two vintages to see "
              "what changed: the **revision** is new − old, the **relative revision** "
              "(new − old) ÷ old. Only values present in both vintages are compared."))

if not cases:
    st.info(_("No series with several vintages is loaded: run `python -m etl build`."))
    st.stop()

vintages = rev.vintages(view.case)
with st.sidebar:
    st.header(_("Comparison"))
    st.selectbox(_("Series"), list(cases), key="rev_case", format_func=cases.get)
    st.selectbox(_("Older vintage"), vintages, key="rev_old", format_func=rev.vintage_label)
    st.selectbox(_("Newer vintage"), vintages, key="rev_new", format_func=rev.vintage_label)


if view.old == view.new:
    st.info(_("Both vintages are {vintage}: choose two different vintages ({n} loaded for this "
              "series).").format(vintage=rev.vintage_label(view.old), n=len(vintages)))
    bind.permalink_box()
    st.stop()

source = rev.source(view)
years = rev.compared_years(view)

st.subheader(_("By year"))
summary = rev.by_year(view)
for note in rev.partial_years(view):
    st.info(note, icon=":material/calendar_month:")
VALUES = {"old": 0, "new": 0, "revision": 0}
st.dataframe(components.as_text(summary, VALUES, {"relative_revision": 1},
                                months=("first_month", "last_month")),
             hide_index=True, width="stretch", column_config={
    "year": st.column_config.NumberColumn(_("Year"), format="%d"),
    "months": st.column_config.NumberColumn(_("Months compared"), format="%d"),
    "first_month": components.number_column(_("First month")),
    "last_month": components.number_column(_("Last month")),
    "months_old": st.column_config.NumberColumn(_("Months in older vintage"), format="%d"),
    "months_new": st.column_config.NumberColumn(_("Months in newer vintage"), format="%d"),
    "compared": st.column_config.NumberColumn(_("Compared"), format="%d"),
    "revised": st.column_config.NumberColumn(_("Revised"), format="%d"),
    "old": components.number_column(_("Older vintage")),
    "new": components.number_column(_("Newer vintage")),
    "revision": components.number_column(_("Revision")),
    "relative_revision": components.number_column(_("Relative revision")),
})
st.caption(rev.by_year_title(view) + ".")
components.csv_download(summary, source, rev.by_year_title(view), rev.file_stem(view, "by_year"))

st.subheader(_("Old vs new, one year"))
if years:
    left, right = st.columns(2)
    left.selectbox(_("Year"), years, key="rev_year")
    right.number_input(_("Top N"), 1, 50, key="rev_top_n")
    c = rev.year_chart(view)
    components.chart(c.fig, c.data, c.source, c.title, rev.file_stem(view, str(view.year)),
                     series=Series(columns=("old", "new")), link="year")

    st.subheader(_("Largest revisions"))
    top = rev.largest(view)
    if top.empty:
        st.info(_("No value differs between these two vintages."))
    else:
        shown = components.as_text(top, VALUES, {"relative_revision": 1},
                                   blank=("flag_old", "flag_new"))
        st.dataframe(shown, hide_index=True, width="stretch", column_config={
            "key": _("Code"), "label": st.column_config.TextColumn(_("Name"), pinned=True),
            "is_aggregate": None,
            "year": st.column_config.NumberColumn(_("Year"), format="%d"),
            "months": st.column_config.NumberColumn(_("Months compared"), format="%d"),
            "first_month": None, "last_month": None, "months_old": None, "months_new": None,
            "old": components.number_column(_("Older vintage")),
            "new": components.number_column(_("Newer vintage")),
            "revision": components.number_column(_("Revision")),
            "relative_revision": components.number_column(_("Relative revision")),
            "flag_old": _("Flag (older)"), "flag_new": _("Flag (newer)"),
        })
        st.caption(rev.largest_title(view) + ".")
        components.csv_download(top, source, rev.largest_title(view),
                                rev.file_stem(view, "largest"))
else:
    st.info(_("The two vintages have no value in common for this series."))

if note := rev.unmatched(view):
    st.info(note, icon=":material/help_outline:")
bind.permalink_box()
