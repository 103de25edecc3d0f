"""HTTP downloads for the fetchers: browser-like User-Agent, timeouts, bounded retries."""
from __future__ import annotations

import logging
import time

import requests

log = logging.getLogger(__name__)

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 migration-flows-etl"
)
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(RuntimeError):
    """A download failed or returned something that is not the expected file."""

    def __init__(self, url: str, problem: str, status: int | None = None):
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.status = status  # the HTTP status of a refused answer, when there was one


def get(
    url: str,
    *,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = (10.0, 120.0),
    retries: int = 3,
    backoff: float = 1.0,
    sleep=time.sleep,
) -> requests.Response:
    """GET ``url``; retry connection errors and 429/5xx answers up to ``retries`` times.

    Waits ``backoff * 2**attempt`` seconds between tries (or the server's Retry-After).
    Raises :class:`FetchError` naming the URL once the tries are spent or on any other
    non-2xx status.
    """
    session = session or requests.Session()
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    last_problem = "no attempt made"
    for attempt in range(retries + 1):
        try:
            response = session.get(url, headers=headers, timeout=timeout)
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            last_problem = f"truncated or interrupted download ({type(exc).__name__}: {exc})"
            wait = backoff * 2**attempt
        except (requests.ConnectionError, requests.Timeout) as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
            wait = backoff * 2**attempt
        else:
            if response.status_code < 400:
                return response
            last_problem = f"HTTP {response.status_code} {response.reason or ''}".strip()
            if response.status_code not in RETRY_STATUS:
                raise FetchError(url, last_problem, response.status_code)
            retry_after = response.headers.get("Retry-After", "")
            wait = float(retry_after) if retry_after.isdigit() else backoff * 2**attempt
        if attempt < retries:
            log.warning("%s: %s; retry %d of %d in %.1f s", url, last_problem, attempt + 1, retries, wait)
            sleep(wait)
    raise FetchError(url, f"{last_problem} (after {retries + 1} attempts)")
