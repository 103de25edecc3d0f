"""Fetch against a misbehaving local HTTP server (127.0.0.1, in a thread; no network).

Nothing here asserts on elapsed time: the deadlines are set small through the documented
settings and the tests assert on what the fetch says and does."""
from __future__ import annotations

import argparse
import http.server as httpserver
import socket
import threading

import pytest
import requests

from etl import cli, http


class Handler(httpserver.BaseHTTPRequestHandler):
    """SYNTHETIC answers, one behaviour per path."""

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/busy":
            self.send_response(503)
            self.send_header("Retry-After", "86400")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100000):  # one byte at a time until the client hangs up
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    self.server.dripped.wait(0.05)
            except OSError:
                pass
        elif self.path == "/ok":
            body = b"synthetic body"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture(scope="module")
def server():
    srv = httpserver.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.dripped = threading.Event()  # never set: a pause the drip waits on
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (a dead server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock.getsockname()[1]
    sock.close()


def test_retry_after_of_a_day_is_capped(server):
    """Broke #5: `Retry-After: 86400` made a fetch sleep for days."""
    waits = []
    with pytest.raises(http.FetchError) as caught:
        http.get(f"{server}/busy", retries=2, sleep=waits.append)
    assert waits == [60.0, 60.0]
    assert caught.value.problem == "HTTP 503 Service Unavailable (after 3 attempts)"


def test_slow_drip_meets_the_overall_deadline(server, monkeypatch):
    """Broke #5: one byte every few seconds never timed out (no overall deadline)."""
    monkeypatch.setenv("MIGFLOWS_HTTP_URL_DEADLINE", "1")
    with pytest.raises(http.FetchError) as caught:
        http.get(f"{server}/drip", retries=0)
    assert caught.value.problem.startswith("the download did not finish within the URL's 1 s "
                                           "deadline (")


def test_a_dead_server_costs_the_deadline_not_minutes(silent_port, monkeypatch):
    """Broke #5: a dead server cost 487 s per URL. Here it answers nothing at all."""
    monkeypatch.setenv("MIGFLOWS_HTTP_READ_TIMEOUT", "0.5")
    monkeypatch.setenv("MIGFLOWS_HTTP_URL_DEADLINE", "2")
    waits = []
    with pytest.raises(http.FetchError) as caught:
        http.get(f"http://127.0.0.1:{silent_port}/", retries=50, backoff=0, sleep=waits.append)
    assert "read timeout" in caught.value.problem
    assert len(waits) < 50  # the deadline ended the tries, not the retry count
    assert "\n" not in str(caught.value)


def test_a_refused_connection_is_one_line(monkeypatch):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(http.FetchError) as caught:
        http.get(f"http://127.0.0.1:{port}/", retries=1, backoff=0, sleep=lambda s: None)
    assert caught.value.problem.startswith("ConnectionError: ")
    assert "\n" not in str(caught.value)


def test_redirect_loop_is_a_one_line_error(server):
    """Broke #6: an uncaught TooManyRedirects traceback."""
    with pytest.raises(http.FetchError) as caught:
        http.get(f"{server}/loop")
    assert caught.value.problem == "too many redirects (a redirect loop?)"


def test_every_requests_exception_becomes_a_fetch_error():
    for exc in (requests.TooManyRedirects("x"), requests.ConnectionError("x"),
                requests.exceptions.InvalidURL("x"), requests.exceptions.SSLError("x"),
                requests.exceptions.ChunkedEncodingError("x"), requests.RequestException("x")):
        mapped = http.as_fetch_error(exc, "https://example.org/")
        assert isinstance(mapped, http.FetchError) and "\n" not in str(mapped)


def test_a_failing_source_does_not_stop_the_next(server, monkeypatch, capsys):
    """Broke #6: after the redirect loop the remaining sources were never tried."""
    from etl.sources import frontex, worldbank

    tried = []
    monkeypatch.setattr(frontex, "SOURCE_PAGE", f"{server}/loop")

    def worldbank_fetch(**kwargs):
        tried.append("worldbank")
        http.get(f"{server}/ok")
        return []

    monkeypatch.setattr(worldbank, "fetch", worldbank_fetch)
    monkeypatch.setitem(cli.SOURCES, "frontex", frontex)
    monkeypatch.setitem(cli.SOURCES, "worldbank", worldbank)
    rc = cli.cmd_fetch(argparse.Namespace(sources=["frontex", "worldbank"], no_build=True))
    err = capsys.readouterr().err
    assert rc == 1
    assert tried == ["worldbank"]
    assert f"frontex: FAILED, staging left unchanged: {server}/loop: too many redirects" in err
    assert "error: frontex failed" in err
    assert "Traceback" not in err


def test_the_source_deadline_covers_all_its_urls(server, monkeypatch):
    with http.source_deadline("synthetic", 0):
        with pytest.raises(http.FetchError) as caught:
            http.get(f"{server}/ok")
    assert "synthetic's 0 s deadline" in caught.value.problem
