"""The tolerance rule: one parser from a claim's wording (number, hedge, precision) to a band."""
from __future__ import annotations

import math

import pytest

from analysis import tolerance
from analysis.tolerance import band, shared_bands


def bounds(b):
    return (b.low, b.high, b.low_closed, b.high_closed)


@pytest.mark.parametrize("stated, low, high", [
    ("19 thousand", 18_500, 19_500),            # plain: the values that round to it
    ("316 thousand", 315_500, 316_500),
    ("21.5 %", 21.45, 21.55),
    ("94.50 %", 94.495, 94.505),                # a written trailing decimal zero counts
    ("4,200", 4_150, 4_250),
    ("8,000", 7_500, 8_500),                    # trailing zeros of a whole number do not
    ("about 19 thousand", 18_000, 20_000),      # about: one unit of the last digit
    ("about 4,200", 4_100, 4_300),
    ("about 94.5 %", 94.4, 94.6),
    ("about 7 thousand", 6_000, 8_000),
    ("around 18 billion US dollars", 17e9, 19e9),
    ("approximately 700 bn", 600e9, 800e9),
    ("roughly 33 thousand", 32_000, 34_000),
    ("some 2.5 million", 2.4e6, 2.6e6),
    ("~ 62.5%", 62.4, 62.6),
])
def test_symmetric_bands(stated, low, high):
    b = band(stated)
    assert (b.low, b.high) == (pytest.approx(low), pytest.approx(high))
    assert (b.low_closed, b.high_closed) == (True, False)
    assert b.claimed == pytest.approx((low + high) / 2)


def test_about_is_one_rule_for_whole_numbers_and_decimals():
    # the same hedge widens both by exactly one unit of the last stated digit
    assert band("about 94.5 %").margin == pytest.approx(band("94.5 %").margin * 2)
    assert band("about 7 thousand").margin == pytest.approx(band("7 thousand").margin * 2)
    assert band("about 4,200").grade(4_260) == "supported"


@pytest.mark.parametrize("stated, low, high, low_closed, high_closed", [
    ("almost 10,000", 0, 10_000, True, False),
    ("nearly 95 %", 94, 95, True, False),
    ("just under 300", 200, 300, True, False),
    ("just over 4,200", 4_200, 4_300, False, True),
    ("more than 300 thousand", 300_000, math.inf, False, False),
    ("over 1.5 million", 1.5e6, math.inf, False, False),
    ("at least 50 %", 50, math.inf, True, False),
    ("fewer than 5,000", -math.inf, 5_000, False, False),
    ("under 2 %", -math.inf, 2, False, False),
    ("at most 12", -math.inf, 12, False, True),
    ("up to 3 billion", -math.inf, 3e9, False, True),
    ("no more than 40", -math.inf, 40, False, True),
])
def test_one_sided_hedges(stated, low, high, low_closed, high_closed):
    assert bounds(band(stated)) == (pytest.approx(low), pytest.approx(high), low_closed,
                                    high_closed)


def test_one_sided_edges():
    more = band("more than 300")
    assert more.grade(300) == "close" and more.grade(300.5) == "supported"
    assert more.grade(200.5) == "close" and more.grade(200) == "contradicted"
    assert band("at least 300").grade(300) == "supported"
    assert band("at most 12").grade(12) == "supported"
    assert band("less than 12").grade(12) == "close"
    assert band("almost 10,000").grade(10_000) == "close"


@pytest.mark.parametrize("stated, low, high", [
    ("4,000 to 5,000", 3_500, 5_500),
    ("4,000–5,000", 3_500, 5_500),
    ("between 4,000 and 5,000", 3_500, 5_500),
    ("4 to 5 thousand", 3_500, 5_500),           # the multiplier applies to both ends
    ("about 4,200-4,500", 4_100, 4_600),
    ("21.5 to 22 %", 21.45, 22.05),               # the finer precision of the two ends
])
def test_ranges(stated, low, high):
    b = band(stated)
    assert (b.kind, b.low, b.high) == ("range", pytest.approx(low), pytest.approx(high))


def test_half_open_boundaries_and_close():
    b = band("19 thousand")
    assert b.grade(18_500) == "supported" and b.grade(19_499.99) == "supported"
    assert b.grade(19_500) == "close" and b.grade(18_000) == "close"
    assert b.grade(17_999) == "contradicted" and b.grade(20_000) == "contradicted"
    assert band("21.5 %").scaled(0.01).grade(0.2145) == "supported"  # float edge kept inside


def test_numbers_stated_together_share_the_finest_precision():
    china, india, us = shared_bands(["about 8,000", "about 9,400", "about 6,300"])
    assert (china.low, china.high) == (pytest.approx(7_900), pytest.approx(8_100))
    assert india.precision == us.precision == china.precision == 100
    # other units or orders of magnitude keep their own precision
    total, share = shared_bands(["316 thousand", "40 %"])
    assert (total.precision, share.precision) == (1_000, 10)
    small, large = shared_bands(["4,200", "2 million"])
    assert (small.precision, large.precision) == (100, 1e6)


def test_scaled_to_the_data_units():
    b = band("about 94.5 %").scaled(0.01)
    assert (b.low, b.high, b.claimed) == (pytest.approx(0.944), pytest.approx(0.946),
                                          pytest.approx(0.945))
    assert band("about 2 billion").scaled(1e-6).high == pytest.approx(3_000)


def test_describe():
    assert band("about 4,200").describe() == "4,100 to below 4,300"
    assert band("more than 300").describe() == "more than 300"
    assert band("at most 12").describe() == "at most 12"
    assert band("just over 12").describe() == "above 12 to up to 13"


@pytest.mark.parametrize("stated, message", [
    ("", "missing"),
    ("about", "no number"),
    ("many", "no number"),
    ("8,000 and 9,400 and 6,300", "more than one number"),
    ("between 4,000", "needs two numbers"),
    ("5,000 to 4,000", "from the lower to the higher"),
    ("more than 4 to 5", "a range takes no 'more than'"),
])
def test_unreadable_wording_is_refused(stated, message):
    with pytest.raises(tolerance.ToleranceError, match=message):
        band(stated)
