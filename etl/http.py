"""HTTP downloads for the fetchers: browser-like User-Agent, timeouts, deadlines, bounded retries.

Every download works within ``etl.limits``: a connect and a read timeout per attempt, an
overall deadline per URL (retries and waits included) and per source (``source_deadline``,
set by ``python -m etl fetch`` around each source), a cap on the body's size, and at most
``MIGFLOWS_HTTP_MAX_RETRY_AFTER`` seconds (60) of the server's ``Retry-After``. The body is
read as it arrives, so a server that drips one byte at a time still meets the deadline.
Every ``requests`` exception becomes a :class:`FetchError` with one line naming the URL.
"""
from __future__ import annotations

import contextlib
import contextvars
import email.utils
import logging
import math
import time

import requests
import urllib3

from etl import limits

log = logging.getLogger(__name__)

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 migration-flows-etl"
)
RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_BODY_BYTES = 512 * 1024 * 1024
_SOURCE_END: contextvars.ContextVar[tuple[float, str] | None] = contextvars.ContextVar(
    "source_end", default=None)


class FetchError(RuntimeError):
    """A download failed or returned something that is not the expected file."""

    def __init__(self, url: str, problem: str, status: int | None = None):
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.status = status  # the HTTP status of a refused answer, when there was one


@contextlib.contextmanager
def source_deadline(name: str, seconds: float | None = None):
    """Every ``get`` inside shares one deadline (``MIGFLOWS_HTTP_SOURCE_DEADLINE``)."""
    seconds = limits.http_source_deadline() if seconds is None else seconds
    token = _SOURCE_END.set((time.monotonic() + seconds, f"{name}'s {seconds:.0f} s"))
    try:
        yield
    finally:
        _SOURCE_END.reset(token)


def as_fetch_error(exc: BaseException, url: str = "download") -> BaseException:
    """A ``requests`` exception as a FetchError with one line (others unchanged)."""
    if not isinstance(exc, requests.RequestException) or isinstance(exc, FetchError):
        return exc
    where = getattr(getattr(exc, "request", None), "url", None) or url
    return FetchError(where, _problem(exc))


def _problem(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.TooManyRedirects):
        return "too many redirects (a redirect loop?)"
    if isinstance(exc, (requests.ConnectTimeout,)):
        return "no connection within the connect timeout"
    if isinstance(exc, requests.ReadTimeout):
        return "the server stopped answering (read timeout)"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS/SSL error"
    if isinstance(exc, requests.ConnectionError):
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return f"truncated or interrupted download ({type(exc).__name__}: {str(exc)[:200]})"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return f"not a URL that can be fetched ({type(exc).__name__})"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _retry_after(value: str) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date); None if unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _read_body(response: requests.Response, end: float, what: str, max_bytes: int) -> None:
    """Read the body as it arrives, within the deadline and the size cap."""
    chunks, total = [], 0
    raw = response.raw
    while True:
        if time.monotonic() > end:
            raise FetchError(response.url, f"the download did not finish within {what} deadline "
                             f"({total:,} bytes received)")
        try:
            chunk = (raw.read1(65536, decode_content=True) if hasattr(raw, "read1")
                     else raw.read(65536))
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.ReadTimeout(str(exc), request=response.request) from None
        except urllib3.exceptions.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(str(exc)) from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as exc:
            raise requests.exceptions.ChunkedEncodingError(str(exc)) from None
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(response.url, f"larger than the {max_bytes / limits.MB:,.0f} MB cap")
        chunks.append(chunk)
    response._content = b"".join(chunks)
    response._content_consumed = True


def get(
    url: str,
    *,
    session: requests.Session | None = None,
    timeout: tuple[float, float] | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    sleep=time.sleep,
    deadline: float | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> requests.Response:
    """GET ``url``; retry connection errors and 429/5xx answers up to ``retries`` times.

    Waits ``backoff * 2**attempt`` seconds between tries (or the server's Retry-After, at most
    60 s), never past the deadline (``deadline`` seconds for this URL, and the source's).
    Raises :class:`FetchError` naming the URL once the tries or the time are spent, on any
    other non-2xx status and on every ``requests`` error.
    """
    session = session or requests.Session()
    connect, read = timeout or (limits.http_connect_timeout(), limits.http_read_timeout())
    seconds = limits.http_url_deadline() if deadline is None else deadline
    end, what = time.monotonic() + seconds, f"the URL's {seconds:.0f} s"
    if (source := _SOURCE_END.get()) is not None and source[0] < end:
        end, what = source
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    last_problem = "no attempt made"
    cap = limits.http_max_retry_after()
    for attempt in range(retries + 1):
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"{last_problem}; gave up at {what} deadline")
        try:
            response = session.get(url, headers=headers, stream=True,
                                   timeout=(min(connect, remaining), min(read, remaining)))
            if response.status_code < 400:
                _read_body(response, end, what, max_bytes)
                return response
        except FetchError:
            raise
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
                requests.ConnectionError, requests.Timeout) as exc:
            last_problem = _problem(exc)
            wait = backoff * 2**attempt
        except requests.RequestException as exc:  # redirects, invalid URLs …: not retried
            raise FetchError(url, _problem(exc)) from None
        else:
            last_problem = f"HTTP {response.status_code} {response.reason or ''}".strip()
            response.close()
            if response.status_code not in RETRY_STATUS:
                raise FetchError(url, last_problem, response.status_code)
            asked = _retry_after(response.headers.get("Retry-After", ""))
            wait = backoff * 2**attempt if asked is None else min(asked, cap)
            if asked is not None and asked > cap:
                log.warning("%s: Retry-After %s s capped at %.0f s", url, f"{asked:.0f}", cap)
        if attempt < retries:
            wait = min(wait, max(0.0, end - time.monotonic()))
            log.warning("%s: %s; retry %d of %d in %.1f s", url, last_problem, attempt + 1,
                        retries, wait)
            sleep(wait)
    raise FetchError(url, f"{last_problem} (after {retries + 1} attempts)")
