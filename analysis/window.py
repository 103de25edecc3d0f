"""The months an event analysis uses: seasonal pre-period, pre window, event month, post window."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def month_start(date) -> pd.Timestamp:
    return pd.Timestamp(date).to_period("M").to_timestamp()


def _shift(month: pd.Timestamp, n: int) -> pd.Timestamp:
    return (month.to_period("M") + n).to_timestamp()


@dataclass(frozen=True)
class EventWindow:
    """Months around an event.

    ``transition`` is the event month when the event falls inside it (day > 1, or a date
    known only to the month): it is in neither the pre nor the post window and gets its own
    dummy in the models. ``season_start`` .. ``pre_start`` - 1 is the seasonal pre-period
    (whole 12-month blocks), used only to estimate month-of-year effects; ``None`` if there is
    none.
    """

    event_date: pd.Timestamp
    first_post: pd.Timestamp
    transition: tuple[pd.Timestamp, ...]
    pre_start: pd.Timestamp
    post_end: pd.Timestamp
    season_start: pd.Timestamp | None

    @property
    def pre_end(self) -> pd.Timestamp:
        return _shift(self.first_post, -len(self.transition) - 1)

    @property
    def n_pre(self) -> int:
        return len(pd.date_range(self.pre_start, self.pre_end, freq="MS"))

    @property
    def n_post(self) -> int:
        return len(pd.date_range(self.first_post, self.post_end, freq="MS"))

    @property
    def n_season(self) -> int:
        if self.season_start is None:
            return 0
        return len(pd.date_range(self.season_start, _shift(self.pre_start, -1), freq="MS"))

    @property
    def start(self) -> pd.Timestamp:
        """First month any model uses (the seasonal pre-period's, else the pre window's)."""
        return self.season_start if self.season_start is not None else self.pre_start

    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.post_end, freq="MS")

    def pre_months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.pre_start, self.pre_end, freq="MS")

    def post_months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.first_post, self.post_end, freq="MS")

    def describe(self) -> str:
        def ym(m):
            return m.strftime("%Y-%m")
        parts = [f"pre {ym(self.pre_start)}..{ym(self.pre_end)} ({self.n_pre} months)"]
        if self.transition:
            parts.append(f"event month {', '.join(ym(m) for m in self.transition)} left out")
        parts.append(f"post {ym(self.first_post)}..{ym(self.post_end)} ({self.n_post} months)")
        if self.n_season:
            parts.append(f"seasonal pre-period {ym(self.season_start)}.."
                         f"{ym(_shift(self.pre_start, -1))} ({self.n_season} months)")
        return "; ".join(parts)


def event_window(event_date, *, months_before: int = 12, months_after: int = 12,
                 season_months: int = 36, date_precision: str = "day",
                 first_month=None, last_month=None, min_pre: int = 6,
                 min_post: int = 3) -> EventWindow:
    """The window of an event dated ``event_date``.

    The first post month is the event month if the event is dated the 1st of it (and
    ``date_precision`` is ``"day"``), else the month after; in the latter case the event
    month is a transition month. The pre and post windows are cut to the data available
    (``first_month``/``last_month``), and must keep at least ``min_pre``/``min_post`` months.
    The seasonal pre-period is the whole 12-month blocks, up to ``season_months``, that fit
    between ``first_month`` and the pre window.
    """
    if date_precision not in ("day", "month"):
        raise ValueError(f"date_precision must be 'day' or 'month', not {date_precision!r}")
    event_date = pd.Timestamp(event_date)
    event_month = month_start(event_date)
    if date_precision == "day" and event_date.day == 1:
        first_post, transition = event_month, ()
    else:
        first_post, transition = _shift(event_month, 1), (event_month,)
    pre_end = _shift(event_month, -1) if transition else _shift(first_post, -1)
    pre_start = _shift(pre_end, -(months_before - 1))
    post_end = _shift(first_post, months_after - 1)
    first = month_start(first_month) if first_month is not None else None
    last = month_start(last_month) if last_month is not None else None
    if first is not None and pre_start < first:
        pre_start = first
    if last is not None and post_end > last:
        post_end = last
    n_pre = len(pd.date_range(pre_start, pre_end, freq="MS"))
    n_post = len(pd.date_range(first_post, post_end, freq="MS"))
    if n_pre < min_pre or n_post < min_post:
        raise ValueError(f"event {event_date.date()}: {n_pre} pre and {n_post} post months in "
                         f"the data; need at least {min_pre} and {min_post}")
    blocks = season_months // 12
    if first is not None:
        available = len(pd.date_range(first, _shift(pre_start, -1), freq="MS")) \
            if first < pre_start else 0
        blocks = min(blocks, available // 12)
    season_start = _shift(pre_start, -12 * blocks) if blocks > 0 else None
    return EventWindow(event_date=event_date, first_post=first_post, transition=transition,
                       pre_start=pre_start, post_end=post_end, season_start=season_start)
