"""Dutch and English: the interface language, its messages and its number and date formats.

Messages are gettext catalogs (``dashboard/locale/<lang>/LC_MESSAGES/messages.po``, compiled
to ``messages.mo`` with Babel: ``make messages``); numbers and dates are formatted by Babel
from the CLDR data of the language (Dutch ``240.021``, ``35,7%``, ``3 juni 2025``).

The language of a session comes from, in this order: the sidebar switch (once used), the
link's ``?lang=nl|en``, the browser's Accept-Language, English. A language chosen with the
switch or given in the link stays in the URL, so every permalink keeps it; a first load
without one leaves the URL clean.

Messages are looked up when they are shown (``_()`` at run time, never in a module-level
constant), so one process serves both languages.
"""
from __future__ import annotations

import datetime as dt
import gettext
import threading
from functools import cache
from pathlib import Path

import babel.numbers
from babel.dates import format_date
import streamlit as st

LANGS = {"en": "English", "nl": "Nederlands"}
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
KEY = "lang"            # session-state key of the sidebar switch
EXPLICIT = "_lang_explicit"  # the language was chosen (switch or link): keep it in the URL
_DATE_PATTERN = {"en": "d MMM y", "nl": "d MMMM y"}  # 3 Jun 2025 · 3 juni 2025
_BILLION = {"en": "bn", "nl": "mld"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _in_script() -> bool:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return get_script_run_ctx(suppress_warning=True) is not None
    except Exception:  # pragma: no cover - outside a Streamlit runtime
        return False


class _Forced(threading.local):
    langs: list[str]

    def __init__(self):
        self.langs = []


# a language set outside a Streamlit run (tests, exports), for the thread that set it: a
# download made in a server thread must not change the language of the pages being drawn
_forced = _Forced()


def current() -> str:
    if _forced.langs:
        return _forced.langs[-1]
    if _in_script():
        lang = st.session_state.get(KEY)
        if lang in LANGS:
            return lang
    return DEFAULT


class use:
    """``with i18n.use("nl"): ...`` — the language outside a Streamlit run (tests)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __enter__(self):
        _forced.langs.append(self.lang)

    def __exit__(self, *exc):
        _forced.langs.pop()


def deferred(make, lang: str | None = None):
    """``make`` as a download's deferred data: Streamlit calls it when the button is
    clicked, in a server thread outside the page's run, where the page's language is not
    known; it runs in ``lang`` (default: the language now)."""
    lang = lang or current()

    def run():
        with use(lang):
            return make()

    return run


def _(message: str) -> str:
    return translations(current()).gettext(message)


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; translate it with ``_`` where it
    is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


# --------------------------------------------------------------------------- the language
def from_accept_language(header: str | None) -> str | None:
    """The first of our languages in an Accept-Language header, by the header's q order."""
    if not header:
        return None
    prefs = []
    for i, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        prefs.append((-q, i, tag.strip().lower()))
    for _q, _i, tag in sorted(prefs):
        lang = tag.split("-")[0]
        if lang in LANGS:
            return lang
    return None


def _browser_language() -> str | None:
    ctx = st.context
    locale = getattr(ctx, "locale", None)  # navigator.language (Streamlit >= 1.46)
    lang = from_accept_language(locale) if locale else None
    if lang is None:
        try:
            lang = from_accept_language(ctx.headers.get("Accept-Language"))
        except Exception:
            lang = None
    return lang


def _chosen() -> None:
    st.session_state[EXPLICIT] = True


def setup() -> str:
    """Decide this run's language and draw the sidebar switch; call once, before the
    navigation (its page titles are translated)."""
    ss = st.session_state
    if ss.get(KEY) not in LANGS:
        linked = st.query_params.get("lang")
        if linked in LANGS:
            ss[KEY], ss[EXPLICIT] = linked, True
        else:
            ss[KEY] = _browser_language() or DEFAULT
    st.sidebar.radio("Taal · Language", list(LANGS), key=KEY, format_func=LANGS.get,
                     horizontal=True, on_change=_chosen)
    keep_in_url()
    return ss[KEY]


def url_params() -> dict[str, str]:
    """The language part of every permalink: ``{'lang': ...}`` once chosen, else nothing."""
    if _in_script() and st.session_state.get(EXPLICIT):
        return {"lang": current()}
    return {}


def keep_in_url() -> None:
    params = url_params()
    if params and st.query_params.get("lang") != params["lang"]:
        st.query_params["lang"] = params["lang"]


# ------------------------------------------------------------------------------- formats
def locale() -> str:
    return current()


def separators() -> str:
    """Plotly's ``separators``: decimal mark then thousands separator ('.,' or ',.')."""
    loc = locale()
    return (babel.numbers.get_decimal_symbol(loc) + babel.numbers.get_group_symbol(loc))


def number(value: float, digits: int = 0) -> str:
    """240,021 · 240.021 (``digits`` decimals)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel.numbers.format_decimal(value, pattern, locale=locale())


def signed(value: float, digits: int = 0) -> str:
    """+625 · -141,298 (an explicit sign)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel.numbers.format_decimal(value, f"+{pattern};-{pattern}", locale=locale())


def percent(value: float, digits: int = 1, *, sign: bool = False) -> str:
    """35.7% · 35,7% (``value`` a fraction; Babel's CLDR percent sign and spacing)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return babel.numbers.format_percent(value, pattern, locale=locale())


def billions(value: float, digits: int = 2, *, sign: bool = False) -> str:
    """17.04 bn · 17,04 mld."""
    text = signed(value / 1e9, digits) if sign else number(value / 1e9, digits)
    return f"{text} {_BILLION[locale()]}"


def date(value) -> str:
    """3 Jun 2025 · 3 juni 2025."""
    if not isinstance(value, dt.date):
        import pandas as pd

        value = pd.Timestamp(value).date()
    return format_date(value, _DATE_PATTERN[locale()], locale=locale())


def pyformat(value: float, spec: str) -> str:
    """``format(value, spec)`` with the language's decimal mark and thousands separator
    (``spec`` a Python format such as ",.0f", ",d" or ".1%")."""
    text = format(value, spec)
    if babel.numbers.get_decimal_symbol(locale()) == ",":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def month_abbr(value) -> str:
    """Jan · jan. (a month's short name)."""
    import pandas as pd

    return format_date(pd.Timestamp(value).date(), "LLL", locale=locale())


def month_year(value) -> str:
    """Jun 2016 · jun 2016 (a month of a year)."""
    import pandas as pd

    return format_date(pd.Timestamp(value).date(), "MMM y", locale=locale())
