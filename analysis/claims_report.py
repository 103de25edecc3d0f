"""The claims report for councils as a printable one-page HTML brief (Markdown and CSV are
``claims.markdown`` and ``claims.report``): per claim, both verdicts, the numbers, the series,
the vintages and a link to the claim's chart on the dashboard."""
from __future__ import annotations

import html
from urllib.parse import quote

from analysis.claims import VERDICT_LABELS, Verdict, shown

COLOURS = {"supported": "#2e7d32", "close": "#b8860b", "computed": "#5e35b1",
           "definition_differs": "#1565c0", "not_testable": "#616161",
           "contradicted": "#c62828"}


def _badge(verdict: str) -> str:
    return (f'<span class="v" style="border-color:{COLOURS[verdict]};color:{COLOURS[verdict]}">'
            f"{html.escape(VERDICT_LABELS[verdict])}</span>")


def html_brief(verdicts: list[Verdict], base_url: str = "http://localhost:8501") -> str:
    """One printable page (A4, small type): a row per claim."""
    rows = []
    for v in verdicts:
        c = v.claim
        numbers = "<br>".join(
            f"{html.escape(r.label)}: claimed {html.escape(shown(r.claimed, c, k))}, data "
            f"{html.escape(shown(r.data_value, c, k))}"
            + (f" ({r.deviation_pct:+.1f} %)".replace("-", "−") if r.deviation_pct is not None
               else "")
            for r, k in zip(v.results, c.checks))
        then = _badge(v.verdict_at_statement)
        then_note = html.escape(v.vintage_at_statement or v.statement_note)
        link = f"{base_url}/claims?claim={quote(c.id)}"
        rows.append(
            f"<tr><td><b>{html.escape(c.id)}</b></td><td>{html.escape(c.claim)}<div class='s'>"
            f"{html.escape(c.document)}, {html.escape(c.location)}"
            f"{'; stated ' + html.escape(c.stated_on.text) if c.stated_on else ''}</div></td>"
            f"<td>{_badge(v.verdict)}<div class='s'>vintage {html.escape(v.vintage or '–')}"
            f"</div></td><td>{then}<div class='s'>{then_note}</div></td><td>{numbers}</td>"
            f"<td>{html.escape(', '.join(c.datasets))}<div class='s'><a href='{link}'>chart"
            "</a></div></td></tr>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Claims checked against the data</title>
<style>
@page {{ size: A4 landscape; margin: 10mm; }}
body {{ font: 8.5pt/1.25 system-ui, sans-serif; margin: 0; color: #111; }}
h1 {{ font-size: 13pt; margin: 0 0 2mm; }}
p.lead {{ margin: 0 0 3mm; color: #333; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 1.2mm 1.5mm; vertical-align: top;
          text-align: left; }}
th {{ background: #f2f2f2; }}
.v {{ border: 1px solid; border-radius: 3px; padding: 0 2px; white-space: nowrap; }}
.s {{ color: #555; font-size: 7.5pt; }}
tr {{ break-inside: avoid; }}
</style></head><body>
<h1>Claims checked against the data</h1>
<p class="lead">Each verdict is computed from the publishers' series: now (newest vintage held)
and when stated (newest vintage held that was published by the document's date). Bands follow
one rule from the wording; deviation is data − claim in % of the claim.</p>
<table><thead><tr><th>id</th><th>claim</th><th>verdict now</th><th>verdict when stated</th>
<th>numbers</th><th>series</th></tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
