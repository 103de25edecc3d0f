"""One tolerance rule: the band a claimed number stands for, derived from its wording.

``band("about 4,200")`` reads the stated number, its hedge word and its precision and returns
the band of data values that support it. The rule, in full:

- **Precision** ``d`` is the place value of the last significant digit as written: "4,200" →
  100, "19 thousand" → 1,000, "21.5 %" → 0.1, "94.50 %" → 0.01, "8,000" → 1,000 (trailing zeros
  of a whole number are not significant). Numbers stated together in one claim, in the same
  unit and of the same order of magnitude, share the finest precision among them
  (``shared_bands``): "about 8,000, 9,400 and 6,300" reads 8,000 to the hundred.
- **Plain number** (no hedge): the values that round to it, ``[x − d/2, x + d/2)``: "316
  thousand" → 315,500 to below 316,500; "21.5 %" → 21.45 to below 21.55.
- **"about", "around", "approximately", "roughly", "some", "circa", "~"**: one unit of the
  last digit either side, ``[x − d, x + d)``: "about 4,200" → 4,100 to below 4,300; "about
  94.5 %" → 94.4 to below 94.6; "about 7 thousand" → 6,000 to below 8,000.
- **"almost", "nearly", "just under", "close to"**: just below, ``[x − d, x)``.
- **"just over"**: just above, ``(x, x + d]``.
- **"more than", "over", "above", "exceeding"**: ``(x, ∞)``; **"at least"**: ``[x, ∞)``.
- **"less than", "fewer than", "under", "below"**: ``(−∞, x)``; **"at most", "up to", "no more
  than"**: ``(−∞, x]``.
- **A range**, "4,000 to 5,000", "4,000–5,000", "between 4,000 and 5,000": ``[a − d/2, b +
  d/2)`` (with "about": ``[a − d, b + d)``).
- **"Close"** means within one more margin beyond each finite end of the band: ``d/2`` for a
  plain number or range, ``d`` for a hedged one — twice the tolerance of a symmetric band.

Multipliers "thousand", "million", "billion" (and "k", "mn", "bn") scale the number and its
precision; "%" (or "per cent", "percent") marks a percentage, whose band is in percentage
points. Currency signs and trailing words ("US dollars", "immigrants") are ignored; a second
number outside a range is refused.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal

MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
               "billion": 1e9, "bn": 1e9, "trillion": 1e12}

# hedge → kind; longest phrases first so "no more than" wins over "more than".
HEDGES = {
    "approximately": "about", "about": "about", "around": "about", "roughly": "about",
    "some": "about", "circa": "about", "ca.": "about", "~": "about", "c.": "about",
    "almost": "below", "nearly": "below", "just under": "below", "close to": "below",
    "just over": "above",
    "more than": "more", "over": "more", "above": "more", "exceeding": "more",
    "greater than": "more",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "less than": "less", "fewer than": "less", "under": "less", "below": "less",
    "at most": "at_most", "up to": "at_most", "no more than": "at_most",
}
HEDGE_PATTERN = "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True))

NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
MULT = r"(?:\s*(thousand|million|billion|trillion|bn|mn|k|m)\b)?"
PCT = r"(?:\s*(%|per\s*cent|percent|pp)\b|\s*(%))?"
CURRENCY = r"(?:us\$|\$|€|eur\s|usd\s)?\s*"


class ToleranceError(ValueError):
    """The wording holds no number this rule can read; the message says why."""


@dataclass(frozen=True)
class Band:
    """The data values that support a claimed number (in the wording's units).

    ``low``/``high`` may be infinite; ``margin`` widens each finite end for "close"."""
    stated: str
    claimed: float
    low: float
    high: float
    low_closed: bool
    high_closed: bool
    margin: float
    precision: float
    hedge: str            # the hedge word as written, or "" for a plain number
    kind: str             # plain, about, below, above, more, at_least, less, at_most, range
    percent: bool = False

    def scaled(self, factor: float) -> "Band":
        """The same band in the data's units (e.g. 0.01 for a percentage held as a fraction)."""
        if factor == 1:
            return self
        return replace(self, claimed=self.claimed * factor, low=self.low * factor,
                       high=self.high * factor, margin=self.margin * factor,
                       precision=self.precision * factor)

    def contains(self, value: float, margin: float = 0.0) -> bool:
        low, high = self.low - margin, self.high + margin
        finite = [abs(b) for b in (low, high) if math.isfinite(b)]
        eps = 1e-9 * max([1.0, *finite])
        ok_low = value >= low - eps if self.low_closed else value > low + eps
        ok_high = value <= high + eps if self.high_closed else value < high - eps
        return ok_low and ok_high

    def grade(self, value: float) -> str:
        if self.contains(value):
            return "supported"
        if self.contains(value, self.margin):
            return "close"
        return "contradicted"

    def describe(self, fmt=None) -> str:
        """The band in words: '4,100 to below 4,300', 'more than 300', 'at most 5'."""
        f = fmt or (lambda v: f"{v:,.10g}")
        if not math.isfinite(self.low):
            return f"{'at most' if self.high_closed else 'below'} {f(self.high)}"
        if not math.isfinite(self.high):
            return f"{'at least' if self.low_closed else 'more than'} {f(self.low)}"
        left = "" if self.low_closed else "above "
        right = "up to " if self.high_closed else "below "
        return f"{left}{f(self.low)} to {right}{f(self.high)}"


@dataclass(frozen=True)
class _Parsed:
    stated: str
    hedge: str
    kind: str
    numbers: tuple[float, ...]
    precision: float
    percent: bool


def _number(text: str, mult: str | None) -> tuple[float, float]:
    """(value, precision) of one written number."""
    digits = text.replace(",", "")
    factor = MULTIPLIERS[mult] if mult else 1.0
    dec = Decimal(digits)
    if "." in digits:
        places = len(digits.split(".", 1)[1])
        precision = 10.0 ** -places
    else:
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped) if stripped else 0
        precision = 10.0 ** zeros
    return float(dec) * factor, precision * factor


def _parse(stated: str) -> _Parsed:
    if not isinstance(stated, str) or not stated.strip():
        raise ToleranceError("the claimed number is missing (e.g. 'about 19 thousand')")
    text = " ".join(stated.lower().replace("–", "-").replace("—", "-").replace(" ", " ")
                    .split())
    hedge = ""
    m = re.match(rf"({HEDGE_PATTERN})(?=[\s\d$€~]|$)\s*", text)
    if m:
        hedge = m.group(1)
        text = text[m.end():]
    between = text.startswith("between ")
    if between:
        text = text[len("between "):]
    one = rf"{CURRENCY}{NUMBER}{MULT}{PCT}"
    m = re.match(rf"{one}(?:\s*(?:-|to|and)\s*{one})?", text)
    if not m:
        raise ToleranceError(f"no number found at the start of {stated!r} (after a hedge word "
                             "such as 'about')")
    rest = text[m.end():]
    if re.search(r"\d", rest):
        raise ToleranceError(f"{stated!r} holds more than one number; state one number or a "
                             "range ('4,000 to 5,000')")
    a_num, a_mult, a_pct1, a_pct2, b_num, b_mult, b_pct1, b_pct2 = m.groups()
    percent = bool(a_pct1 or a_pct2 or b_pct1 or b_pct2)
    if b_num is None:
        if between:
            raise ToleranceError(f"{stated!r}: 'between' needs two numbers")
        value, precision = _number(a_num, a_mult)
        kind = HEDGES[hedge] if hedge else "plain"
        return _Parsed(stated, hedge, kind, (value,), precision, percent)
    if hedge and HEDGES[hedge] != "about":
        raise ToleranceError(f"{stated!r}: a range takes no '{hedge}'")
    mult = b_mult or a_mult  # "4 to 5 thousand": the multiplier applies to both
    lo, p_lo = _number(a_num, a_mult or mult)
    hi, p_hi = _number(b_num, mult)
    if hi < lo:
        raise ToleranceError(f"{stated!r}: the range runs from the lower to the higher number")
    return _Parsed(stated, hedge, "range", (lo, hi), min(p_lo, p_hi), percent)


def _band(p: _Parsed, precision: float) -> Band:
    d = precision
    x = p.numbers[0]
    inf = math.inf
    if p.kind == "range":
        lo, hi = p.numbers
        w = d if p.hedge else d / 2
        return Band(p.stated, (lo + hi) / 2, lo - w, hi + w, True, False, w, d, p.hedge,
                    "range", p.percent)
    shapes = {
        "plain": (x - d / 2, x + d / 2, True, False, d / 2),
        "about": (x - d, x + d, True, False, d),
        "below": (x - d, x, True, False, d),
        "above": (x, x + d, False, True, d),
        "more": (x, inf, False, False, d),
        "at_least": (x, inf, True, False, d),
        "less": (-inf, x, False, False, d),
        "at_most": (-inf, x, False, True, d),
    }
    low, high, lc, hc, margin = shapes[p.kind]
    return Band(p.stated, x, low, high, lc, hc, margin, d, p.hedge, p.kind, p.percent)


def band(stated: str) -> Band:
    """The band of one stated number, e.g. ``band("about 19 thousand")``."""
    p = _parse(stated)
    return _band(p, p.precision)


def _magnitude(p: _Parsed) -> int:
    x = max(abs(n) for n in p.numbers)
    return math.floor(math.log10(x)) if x > 0 else 0


def shared_bands(stated: list[str]) -> list[Band]:
    """Bands of numbers stated together in one claim: those in the same unit (percent or not)
    and of the same order of magnitude share the finest precision among them."""
    parsed = [_parse(s) for s in stated]
    finest: dict[tuple[bool, int], float] = {}
    for p in parsed:
        key = (p.percent, _magnitude(p))
        finest[key] = min(finest.get(key, math.inf), p.precision)
    return [_band(p, finest[(p.percent, _magnitude(p))]) for p in parsed]
