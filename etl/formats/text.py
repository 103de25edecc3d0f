"""Text decoding, CSV records with line numbers, and the HTML-instead-of-data guard."""
from __future__ import annotations

import csv
import gzip
import io

from etl import errors, http

BOM = b"\xef\xbb\xbf"
HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")


def decode(content: bytes, file_name: str, *, latin1_ok: bool = False) -> str:
    """UTF-8 text (a BOM dropped). With ``latin1_ok`` (files a publisher wrote in a Windows
    code page, e.g. the 2017 Data Explorer exports) non-UTF-8 bytes are read as cp1252, or
    Latin-1 where cp1252 has no character; otherwise a wrong encoding is said as such."""
    body = content.removeprefix(BOM)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if latin1_ok:
            try:
                return body.decode("cp1252")
            except UnicodeDecodeError:
                return body.decode("latin-1")
        line = body[: exc.start].count(b"\n") + 1
        offset = exc.start + len(content) - len(body)
        raise errors.ParseError(f"{file_name}: line {line}: not UTF-8 (wrong encoding): byte "
                                f"{body[exc.start:exc.start + 1]!r} at offset {offset}") from exc


def gunzip(content: bytes) -> bytes:
    """The content, decompressed if it is gzip (within the unpacked-size cap)."""
    if content[:2] != b"\x1f\x8b":
        return content
    from etl.formats import rfiles  # noqa: PLC0415  (the one bounded decompressor)

    unpacked = rfiles.unpack(content, "gzip stream")  # ParseError above the unpacked cap
    if not unpacked:
        raise EOFError("gzip stream is damaged or cut off")
    return unpacked


def csv_rows(text: str, **kwargs) -> list[tuple[int, list[str]]]:
    """Every CSV record with the line number it ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), **kwargs)
    return [(reader.line_num, row) for row in reader]


def data_rows(rows: list[tuple[int, list[str]]], header: list[str], file_name: str):
    """The records after the header, blank lines skipped, each as wide as the header."""
    for line, row in rows[1:]:
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            raise errors.ParseError(f"{file_name}: line {line}: {len(row)} fields, the header "
                                    f"has {len(header)}")
        yield line, row


def is_html(content: bytes) -> bool:
    return content[:512].lstrip().lower().startswith(HTML_STARTS)


def refuse_html(content: bytes, where: str, expected: str) -> None:
    """Raise FetchError when a download is empty or a web page rather than ``expected``."""
    if not content.strip():
        raise http.FetchError(where, f"empty body, expected {expected}")
    if is_html(content):
        raise http.FetchError(where, f"got an HTML/XML page instead of {expected}")


def records(body: str, file_name: str, expected: list[str], **kwargs):
    """(line, record) after a header that must be exactly ``expected``; blank lines skipped."""
    rows = csv_rows(body, **kwargs)
    header = rows[0][1] if rows else []
    if header != expected:
        raise errors.ParseError(f"{file_name}: line 1: unexpected header {header!r} "
                                f"(expected {expected!r})")
    yield from data_rows(rows, header, file_name)


LFS_POINTER = b"version https://git-lfs.github.com/spec/"
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".gz", ".xlsx", ".rda", ".rdata", ".rds"}


def damage(content: bytes, file_name: str) -> str | None:
    """Why a file of a data format (by its suffix) cannot hold data at all — empty, a web
    page, a Git LFS pointer, a broken gzip, R or xlsx container — or None when it may.

    Import uses it for a file no source recognises: a damaged data file is refused (the
    import fails), an intact one of another kind is only skipped."""
    from etl.formats import rfiles  # noqa: PLC0415  (rfiles imports this module's package)

    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in DATA_SUFFIXES:
        return None
    if not content.strip():
        return "empty file"
    if content.startswith(LFS_POINTER):
        return "a Git LFS pointer, not the file itself (run `git lfs pull`)"
    if is_html(content):
        return f"an HTML/XML page saved as {suffix}"
    if suffix == ".xlsx":
        import zipfile  # noqa: PLC0415
        if not content.startswith(b"PK\x03\x04"):
            return f"not an xlsx workbook (starts with {content[:8]!r})"
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                zf.getinfo("xl/workbook.xml")
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
            return f"truncated or damaged xlsx ({len(content):,} bytes): {exc}"
    if suffix == ".gz" or content[:2] == b"\x1f\x8b":
        if rfiles.unpacked_size(content, file_name) is None:
            return "gzip stream damaged or cut off"
    if suffix in {".rda", ".rdata", ".rds"}:
        if not rfiles.is_r_file(content) or rfiles.unpacked_size(content, file_name) is None:
            return "not a readable R data file (damaged or cut off)"
    return None
