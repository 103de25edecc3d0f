"""Sources & provenance: every publisher file loaded, what is not loaded, and the caveats."""
from dataclasses import asdict

import streamlit as st

from core import refresh
from dashboard import components, i18n
from dashboard import sources as src
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _, ngettext

through_app()

names = src.publishers()
bind = Binding("src", asdict(src.SourcesView()),
               lambda s: asdict(src.resolve(src.SourcesView(**s), names)))
view = src.SourcesView(**bind.values)

st.title(_("Sources & provenance"))
st.markdown(_("Every publisher file in the warehouse: where it came from, which vintage it is, "
              "its checksum, what it covers and under which licence. Below: the datasets the "
              "dashboard expects but does not hold, with the command that would load them, and "
              "each dataset's caveats."))

with st.sidebar:
    st.header(_("Filters"))
    st.multiselect(_("Publisher"), names, key="src_publishers", placeholder=_("All publishers"))



def csv_button(data, title: str, table: str) -> None:
    stem = src.file_stem(table, view)
    st.download_button(_("Download CSV of the table"), src.csv_bytes(data, title, table),
                       file_name=f"{stem}.csv", mime="text/csv", key=f"csv-{stem}",
                       on_click="ignore")


st.subheader(_("Files loaded"))
files = src.files(view)
st.caption(ngettext(
    "{title}: {n} file(s). The checksum is shortened here; the CSV has it in full.",
    "{title}: {n} file(s). The checksum is shortened here; the CSV has it in full.",
    len(files)).format(title=src.files_title(view), n=len(files)))
st.dataframe(components.as_text(src.files_display(files), {"size": 0, "rows": 0}),
             hide_index=True, width="stretch", height="content",
             column_config={
    "publisher": _("Publisher"),
    "dataset": _("Dataset"),
    "codes": _("Publisher dataset codes"),
    "file_name": st.column_config.TextColumn(_("File"), pinned=True),
    "vintage": st.column_config.DateColumn(_("Vintage"), format="YYYY-MM-DD"),
    "retrieved_at": st.column_config.DatetimeColumn(_("Retrieved/imported at (UTC)"),
                                                    format="YYYY-MM-DD HH:mm"),
    "sha256": "sha256",
    "size": components.number_column(_("Size (bytes)")),
    "rows": components.number_column(_("Rows")),
    "coverage": _("Coverage (geo, years)"),
    "coverage_start": st.column_config.DateColumn(_("Coverage start"), format="YYYY-MM-DD"),
    "coverage_end": st.column_config.DateColumn(_("Coverage end"), format="YYYY-MM-DD"),
    "licence": _("Licence"),
    "source_url": st.column_config.TextColumn("URL"),
})
csv_button(files, src.files_title(view), "files")

st.subheader(_("Not loaded"))
missing = src.not_loaded(view)
st.caption(ngettext(
    "{title}: {n} dataset(s) with no data at all. The commands need internet; an empty "
    "command means there is no fetcher yet.",
    "{title}: {n} dataset(s) with no data at all. The commands need internet; an empty "
    "command means there is no fetcher yet.",
    len(missing)).format(title=src.not_loaded_title(view), n=len(missing)))
st.dataframe(missing, hide_index=True, width="stretch", column_config={
    "publisher": _("Publisher"), "dataset": _("Dataset"), "description": _("Description"),
    "fetch_command": _("Command that would load it"),
})
csv_button(missing, src.not_loaded_title(view), "not_loaded")

st.subheader(_("Caveats and vintages"))
notes = src.notes(view)
for row in notes.itertuples(index=False):
    with st.expander(f"{row.publisher} · {row.dataset}: {row.title}"):
        st.markdown(src.markdown_text(_("Caveat"), row.caveat))
        st.markdown(src.markdown_text(_("Vintage"), row.vintage_note))
        st.markdown(src.markdown_text(_("Licence"), row.licence))
csv_button(notes, src.notes_title(view), "notes")

st.subheader(_("Refresh data"))
if refresh.read_only():
    st.caption(_(src.REFRESH_OFF))
elif st.button(_("Refresh data"), key="src_refresh", help=_(src.REFRESH_HELP)):
    run = refresh.start()
    bar = st.progress(0.0, text=_("Fetching …"))
    with st.status(_("Refreshing data …"), expanded=True) as status:
        for event in run.follow():
            if line := src.refresh_step(event):
                st.write(line)
            bar.progress(src.refresh_fraction(run.events), text=line or _("Fetching …"))
        result = refresh.summary(run.events)
        status.update(label=_("Refresh finished") if result.ended and not result.failed
                      else _("Refresh finished with problems"), state="complete"
                      if result.ended and not result.failed else "error", expanded=False)
    if result.offline:
        st.warning(_(src.OFFLINE_LINE))
    else:
        for line in result.lines(_, i18n.number):
            st.markdown(f"- {line}")
else:
    st.caption(_(src.REFRESH_HELP))

bind.permalink_box()
