"""Claim check: published claims against the data, with verdicts computed now and as the data
stood when each claim was made."""
import streamlit as st

from analysis.claims import AGGREGATES, ClaimError
from dashboard import claims, components
from dashboard.binding import Binding
from dashboard.entry import through_app
from dashboard.i18n import _

through_app()

verdicts = claims.verdicts()
by_id = {v.claim.id: v for v in verdicts}
documents = claims.documents(verdicts)
if saved_id := st.session_state.pop("cc_saved", None):  # a claim saved on the last run
    st.session_state["cc_claim"] = saved_id
    st.session_state["cc_documents"], st.session_state["cc_verdicts"] = [], []
    st.session_state["cc_revised"] = False


def resolve(s: dict) -> dict:
    """Keep only values the widgets offer (a hand-edited link must not break the page)."""
    return {"documents": tuple(d for d in s["documents"] if d in documents),
            "verdicts": tuple(v for v in s["verdicts"] if v in claims.BADGES),
            "revised": bool(s["revised"]),
            "claim": s["claim"] if s["claim"] in by_id else ""}


bind = Binding("cc", {"documents": (), "verdicts": (), "revised": False, "claim": ""}, resolve)
if saved_id:
    st.success(_("Saved claim {id}; its verdicts are computed with the others.").format(
        id=saved_id))
if deleted := st.session_state.pop("cc_deleted", None):
    st.success(_("Deleted claim {id}.").format(id=deleted))

st.title(_("Claim check"))
st.markdown(_("Published statements tested against the publishers' own series, **twice**: "
              "against the newest data, and against the newest vintage held that was "
              "published when the claim was made. Each verdict is computed when you open the "
              "page — never stored — and names the series, the vintage, the band the wording "
              "stands for and how far the data is from the claim."))

with st.sidebar:
    st.header(_("Filters"))
    st.multiselect(_("Source document"), list(documents), key="cc_documents",
                   format_func=documents.get, placeholder=_("All documents"))
    st.multiselect(_("Verdict (now)"), list(claims.BADGES), key="cc_verdicts",
                   format_func=claims.badge, placeholder=_("All verdicts"))
    st.checkbox(_("Revised since stated"), key="cc_revised",
                help=_("Claims whose data value or verdict changed between the vintage held "
                       "when the claim was made and the newest one."))

shown = [v for v in verdicts
         if (not st.session_state["cc_documents"]
             or claims.document_key(v.claim.document) in st.session_state["cc_documents"])
         and (not st.session_state["cc_verdicts"] or v.verdict in st.session_state["cc_verdicts"])
         and (not st.session_state["cc_revised"] or v.revised)]
st.dataframe(claims.table(shown), hide_index=True, width="stretch", height="content",
             column_config=claims.headers(claims.TABLE_COLUMNS, pinned=("id",)))
# a row that wraps: each button as wide as its label, never cut to "Claims report (…"
row = st.container(horizontal=True, gap="small")
report_csv, report_md, brief = claims.downloads(shown)
row.download_button(_("Claims report (CSV)"), report_csv,
                    file_name="claims_report.csv", mime="text/csv", on_click="ignore")
row.download_button(_("Claims report (Markdown)"), report_md,
                    file_name="claims_report.md", mime="text/markdown", on_click="ignore")
row.download_button(_("One-page brief (HTML, printable)"), brief,
                    file_name="claims_brief.html", mime="text/html", on_click="ignore")

st.subheader(_("Claim detail"))
ids = [v.claim.id for v in shown] or list(by_id)
if st.session_state["cc_claim"] not in ids:
    st.session_state["cc_claim"] = claims.default_claim([by_id[i] for i in ids])
st.selectbox(_("Claim"), ids, key="cc_claim",
             format_func=lambda i: f"{i} · {claims.badge(by_id[i].verdict)} · "
                                   f"{claims.said(by_id[i].claim, 'claim')[:80]}")
verdict = by_id[st.session_state["cc_claim"]]
claim = verdict.claim
stated = claims.stated_words(claim.stated_on) if claim.stated_on else _("no date given")
st.markdown(f"**{claim.id}** — {claims.said(claim, 'claim')}  \n*" + _(
    "{document}, {location}; period {period}; stated {stated}.").format(
        document=claim.document, location=claim.location, period=claim.period,
        stated=stated) + "*")
now_col, then_col = st.columns(2)
now_col.markdown(_("**Now:** {verdict}").format(verdict=claims.badge(verdict.verdict)) + "  \n"
                 + _("vintage {vintage}").format(vintage=verdict.vintage or "–"))
then_col.markdown(_("**When stated:** {verdict}").format(
    verdict=claims.badge(verdict.verdict_at_statement)) + "  \n"
    + claims.statement_note(verdict))
basis = claims.tolerance_basis(claim)
for label, text in ((_("Test"), claims.said(claim, "test")),
                    (_("Baseline (every part)"), claims.said(claim, "baseline")),
                    (_("Band from the wording"), basis), (_("Definition"), claim.definition),
                    (_("Note"), claim.notes)):
    if text:
        st.markdown(f"**{label}:** {text}")
st.dataframe(claims.checks_table(verdict), hide_index=True, width="stretch",
             column_config=claims.headers(claims.CHECK_COLUMNS, pinned=("check",)))
c = claims.evidence_chart(verdict)
if c.fig is None:
    st.info(_("No data for this claim in the loaded warehouse: see “why” above for the "
              "dataset and the command that would load it."), icon=":material/help_outline:")
else:
    components.chart(c.fig, c.data, c.source, c.title, f"claim_{claim.id}", link="claim")

st.subheader(_("Your claims"))
columns = claims.mart_columns()
marts = sorted(columns)
FORM_DEFAULTS = {"id": "", "claim": "", "document": "", "location": "", "period": "",
                 "unit": "", "stated": "", "datasets": "", "value": "", "filters": "",
                 "mart": marts[0], "aggregate": "sum", "stated_on": None}
for key, value in FORM_DEFAULTS.items():
    st.session_state.setdefault(f"cf_{key}", value)
if load_id := st.session_state.pop("cf_load", None):  # "Edit" pressed on the last run
    for key, value in claims.form_values(load_id).items():
        st.session_state[f"cf_{key}"] = value if value is not None else FORM_DEFAULTS[key]
    st.session_state["cf_editing"] = load_id
if st.session_state.pop("cf_clear", False):
    for key, value in FORM_DEFAULTS.items():
        st.session_state[f"cf_{key}"] = value
    st.session_state["cf_editing"] = None

own = claims.user_claim_ids()
if own:
    pick, edit, remove = st.columns([3, 1, 1])
    chosen = pick.selectbox(_("A claim of your own"), own, key="cf_pick")
    if edit.button(_("Edit"), key="cf_edit"):
        st.session_state["cf_load"] = chosen
        st.rerun()
    if remove.button(_("Delete"), key="cf_delete"):
        try:
            claims.delete(chosen)
        except ClaimError as exc:
            st.error(_("Not deleted: {reason}").format(reason=exc))
        else:
            st.session_state["cc_deleted"] = chosen
            if st.session_state.get("cf_editing") == chosen:
                st.session_state["cf_clear"] = True
            st.rerun()

editing = st.session_state.get("cf_editing")
st.markdown("**" + (_("Editing claim {id}").format(id=editing) if editing
                    else _("Add a claim")) + "**")
left, right = st.columns(2)
left.text_input(_("Id (one word)"), key="cf_id", placeholder="U01", max_chars=20)
right.text_input(_("Claim (paraphrased)"), key="cf_claim", max_chars=2000)
left.text_input(_("Source document"), key="cf_document", max_chars=2000)
right.text_input(_("Where in it (page, section)"), key="cf_location", max_chars=2000)
left.date_input(_("Stated on (the document's date)"), key="cf_stated_on",
                format="YYYY-MM-DD")
right.text_input(_("Period (label)"), key="cf_period", placeholder="2024", max_chars=200)
left.text_input(_("Claimed number as stated"), key="cf_stated",
                placeholder="about 33 thousand", max_chars=200)
if st.session_state["cf_stated"].strip():
    right.caption(claims.band_preview(st.session_state["cf_stated"]))
left.selectbox(_("Series (mart)"), marts, key="cf_mart")
right.selectbox(_("Aggregation"), AGGREGATES, key="cf_aggregate")
left.text_input(_("Value column"), key="cf_value", placeholder="applicants")
right.text_input(_("Unit"), key="cf_unit", placeholder=_("persons"), max_chars=200)
left.text_input(_("Publisher dataset codes (comma-separated)"), key="cf_datasets",
                placeholder="migr_asyappctza")
st.caption(_("Columns of this series: {columns}").format(
    columns=", ".join(columns[st.session_state["cf_mart"]])))
st.text_area(_("Filters, one per line: column = value (a, b for a list; 2014..2016 for a range)"),
             key="cf_filters", placeholder="geo = NL\ncitizenship_iso3 = TOTAL\nyear = 2024")
save_col, cancel_col = st.columns([1, 4])
if save_col.button(_("Check and save"), key="cf_save", type="primary"):
    form = {k: st.session_state[f"cf_{k}"] for k in FORM_DEFAULTS}
    try:
        saved = claims.save(form, replaces=editing)
    except ClaimError as exc:
        st.error(_("Not saved: {reason}").format(reason=exc))
    else:
        st.session_state["cc_saved"] = saved.id
        st.session_state["cf_clear"] = True
        st.rerun()
if editing and cancel_col.button(_("Cancel editing"), key="cf_cancel"):
    st.session_state["cf_clear"] = True
    st.rerun()

bind.permalink_box()
