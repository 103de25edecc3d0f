"""The claims report for councils as a printable one-page HTML brief (Markdown and CSV are
``claims.markdown`` and ``claims.report``): per claim, both verdicts, the numbers, the series,
the vintages and a link to the claim's chart on the dashboard.

Its words come from a ``claims.Words`` (English by default; the dashboard passes those of
the interface language); the messages marked ``_`` here are in the interface's catalog."""
from __future__ import annotations

import html
from urllib.parse import quote

from analysis.claims import ENGLISH, Verdict, Words

COLOURS = {"supported": "#2e7d32", "close": "#b8860b", "computed": "#5e35b1",
           "definition_differs": "#1565c0", "not_testable": "#616161",
           "contradicted": "#c62828"}
STYLE = """@page { size: A4 landscape; margin: 10mm; }
body { font: 8.5pt/1.25 system-ui, sans-serif; margin: 0; color: #111; }
h1 { font-size: 13pt; margin: 0 0 2mm; }
p.lead { margin: 0 0 3mm; color: #333; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: 1.2mm 1.5mm; vertical-align: top;
          text-align: left; }
th { background: #f2f2f2; }
.v { border: 1px solid; border-radius: 3px; padding: 0 2px; white-space: nowrap; }
.s { color: #555; font-size: 7.5pt; }
tr { break-inside: avoid; }"""


def _badge(verdict: str, words: Words = ENGLISH) -> str:
    return (f'<span class="v" style="border-color:{COLOURS[verdict]};color:{COLOURS[verdict]}">'
            f"{html.escape(words.verdict(verdict))}</span>")


def html_brief(verdicts: list[Verdict], base_url: str = "http://localhost:8501",
               words: Words = ENGLISH) -> str:
    """One printable page (A4, small type): a row per claim, in ``words``."""
    _ = words.gettext
    esc = html.escape
    rows = []
    for v in verdicts:
        c = v.claim
        numbers = "<br>".join(
            _("{check}: claimed {claimed}, data {data}").format(
                check=esc(words.label(k)), claimed=esc(words.shown(r.claimed, c, k)),
                data=esc(words.shown(r.data_value, c, k)))
            + (f" ({esc(words.percent(r.deviation_pct))})" if r.deviation_pct is not None
               else "")
            for r, k in zip(v.results, c.checks))
        then = _badge(v.verdict_at_statement, words)
        then_note = esc(words.date(v.vintage_at_statement) if v.vintage_at_statement
                        else words.statement_note(v))
        stated = (_("; stated {date}").format(date=esc(c.stated_on.text)) if c.stated_on
                  else "")
        vintage = _("vintage {vintage}").format(
            vintage=esc(words.date(v.vintage) if v.vintage else "–"))
        link = f"{base_url}/claims?claim={quote(c.id)}" + (
            "" if words.lang == "en" else f"&amp;lang={quote(words.lang)}")
        chart = esc(_("chart"))
        rows.append(
            f"<tr><td><b>{esc(c.id)}</b></td><td>{esc(words.claim(c))}<div class='s'>"
            f"{esc(c.document)}, {esc(c.location)}{stated}</div></td>"
            f"<td>{_badge(v.verdict, words)}<div class='s'>{vintage}"
            f"</div></td><td>{then}<div class='s'>{then_note}</div></td><td>{numbers}</td>"
            f"<td>{esc(', '.join(c.datasets))}<div class='s'><a href='{link}'>{chart}"
            "</a></div></td></tr>")
    title = esc(_("Claims checked against the data"))
    lead = html.escape(_("Each verdict is computed from the publishers' series: now "
                         "(newest vintage held) and when stated (newest vintage held that "
                         "was published by the document's date). Bands follow one rule "
                         "from the wording; deviation is data − claim as a percentage of "
                         "the claim."), quote=False)
    heads = "".join(f"<th>{esc(h)}</th>" for h in (
        _("id"), _("claim"), _("verdict now"), _("verdict when stated"), _("numbers"),
        _("series")))
    return f"""<!doctype html>
<html lang="{esc(words.lang)}"><head><meta charset="utf-8"><title>{title}</title>
<style>
{STYLE}
</style></head><body>
<h1>{title}</h1>
<p class="lead">{lead}</p>
<table><thead><tr>{heads}</tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""
