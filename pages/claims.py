"""Claim check: published claims against the data, with verdicts computed now."""
import streamlit as st

from analysis.claims import AGGREGATES, ClaimError
from dashboard import claims, components

DEFAULTS = {"documents": [], "verdicts": [], "claim": "R01"}
state = components.restore(DEFAULTS)
verdicts = claims.verdicts()
by_id = {v.claim.id: v for v in verdicts}
documents = claims.documents(verdicts)
# Keep only values the widgets offer (a hand-edited link must not break the page).
state["documents"] = [d for d in state["documents"] if d in documents]
state["verdicts"] = [v for v in state["verdicts"] if v in claims.BADGES]
for key, value in state.items():
    st.session_state.setdefault(f"cc_{key}", value)
if added_id := st.session_state.pop("cc_added", None):  # a claim saved on the last run
    st.session_state["cc_claim"] = added_id
    st.session_state["cc_documents"], st.session_state["cc_verdicts"] = [], []
    st.success(f"Saved claim {added_id}; its verdict is computed with the others.")

st.title("Claim check")
st.markdown("Published statements tested against the publishers' own series. Each verdict is "
            "computed from the loaded data when you open the page — never stored — and names "
            "the series, the vintage and the numbers behind it.")

with st.sidebar:
    st.header("Filters")
    st.multiselect("Source document", list(documents), key="cc_documents",
                   format_func=documents.get)
    st.multiselect("Verdict", list(claims.BADGES), key="cc_verdicts",
                   format_func=claims.BADGES.get)

shown = [v for v in verdicts
         if (not st.session_state["cc_documents"]
             or claims.document_key(v.claim.document) in st.session_state["cc_documents"])
         and (not st.session_state["cc_verdicts"] or v.verdict in st.session_state["cc_verdicts"])]
st.dataframe(claims.table(shown), hide_index=True, width="stretch")
report = claims.engine.report(shown)
c1, c2 = st.columns(2)
c1.download_button("Claims report (CSV)", report.to_csv(index=False).encode("utf-8"),
                   file_name="claims_report.csv", mime="text/csv", on_click="ignore")
c2.download_button("Claims report (Markdown)", claims.engine.markdown(shown).encode("utf-8"),
                   file_name="claims_report.md", mime="text/markdown", on_click="ignore")

st.subheader("Claim detail")
ids = [v.claim.id for v in shown] or list(by_id)
if st.session_state["cc_claim"] not in ids:
    st.session_state["cc_claim"] = ids[0]
st.selectbox("Claim", ids, key="cc_claim",
             format_func=lambda i: f"{i} · {claims.BADGES[by_id[i].verdict]} · {by_id[i].claim.claim[:80]}")
verdict = by_id[st.session_state["cc_claim"]]
claim = verdict.claim
st.markdown(f"**{claim.id}** — {claim.claim}  \n*{claim.document}, {claim.location}; "
            f"period {claim.period}.*")
st.markdown(f"**Verdict: {claims.BADGES[verdict.verdict]}**")
for line in (claim.test and f"**Test:** {claim.test}",
             claim.tolerance_basis and f"**Tolerance:** {claim.tolerance_basis}",
             claim.definition and f"**Definition:** {claim.definition}",
             claim.notes and f"**Note:** {claim.notes}"):
    if line:
        st.markdown(line)
st.dataframe(claims.checks_table(verdict), hide_index=True, width="stretch")
data = claims.evidence(verdict)
if data.empty or ("data_value" in data and data["data_value"].isna().all()):
    st.info("No data for this claim in the loaded warehouse: see “why” above for the dataset "
            "and the command that would load it.", icon="🕳️")
else:
    components.chart(claims.figure(verdict, data), data, claims.source(verdict),
                     claims.title(verdict), f"claim_{claim.id}")

st.subheader("Add a claim")
columns = claims.mart_columns()
with st.form("add_claim", clear_on_submit=False):
    left, right = st.columns(2)
    form = {
        "id": left.text_input("Id (one word)", placeholder="U01"),
        "claim": right.text_input("Claim (paraphrased)"),
        "document": left.text_input("Source document"),
        "location": right.text_input("Where in it (page, section)"),
        "mart": left.selectbox("Series (mart)", sorted(columns)),
        "aggregate": right.selectbox("Aggregation", AGGREGATES),
        "period": left.text_input("Period (label)", placeholder="2024"),
        "unit": right.text_input("Unit", placeholder="persons"),
        "claimed": left.number_input("Claimed value", value=0.0, format="%f"),
        "tolerance": right.number_input("Tolerance (±, from the wording)", value=0.0,
                                        min_value=0.0, format="%f"),
        "datasets": left.text_input("Publisher dataset codes (comma-separated)",
                                    placeholder="migr_eiord"),
    }
    form["value"] = right.text_input("Value column", placeholder="ordered_to_leave")
    form["filters"] = st.text_area("Filters, one per line: column = value (a, b for a list; "
                                   "2014..2016 for a range)",
                                   placeholder="geo = NL\ncitizenship_iso3 = TOTAL\nyear = 2024")
    submitted = st.form_submit_button("Check and save")
if submitted:
    try:
        added = claims.add(form)
    except ClaimError as exc:
        st.error(f"Not saved: {exc}")
    else:
        st.session_state["cc_added"] = added.id
        st.rerun()

query = components.publish({k: st.session_state[f"cc_{k}"] for k in DEFAULTS}, DEFAULTS)
components.permalink_box(query)
