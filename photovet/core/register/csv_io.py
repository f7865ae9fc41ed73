"""Reading a CSV file exported from the MIS: UTF-8 (with or without BOM), UTF-16 with BOM,
Windows-1252 (Excel); comma, semicolon or tab separated. Lines are numbered as a spreadsheet
numbers them (the header is line 1)."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from photovet.core.errors import RegisterImportError


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise RegisterImportError(f"the file is damaged UTF-16 text ({exc.reason})",
                                      path=path) from exc
    if b"\x00" in raw[:4096]:
        raise RegisterImportError("this is not a CSV text file (it contains binary data); "
                                  "export the register as CSV from your MIS", path=path)
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise RegisterImportError(
            f"the file is not UTF-8 or Windows-1252 text (byte 0x{raw[exc.start]:02x} at "
            f"position {exc.start})", path=path,
            hint="Save it from Excel as 'CSV UTF-8 (Comma delimited)'.") from exc


def _read_bytes(path: Path, what: str = "register file") -> bytes:
    if not path.exists():
        raise RegisterImportError(f"the {what} was not found", path=path)
    if path.is_dir():
        raise RegisterImportError(f"that is a folder, not a {what}", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegisterImportError(f"the {what} could not be read ({exc.strerror or exc})",
                                  path=path) from exc


def read_table(path: str | Path, what: str = "register file"
               ) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """(headers, [(line, cells)], encoding, sha256). Lines as a spreadsheet numbers them."""
    path = Path(path)
    raw = _read_bytes(path, what)
    if not raw.strip():
        raise RegisterImportError(f"the {what} is empty", path=path)
    text, encoding = _decode(raw, path)
    first = text.split("\n", 1)[0]
    delim = max([",", ";", "\t"], key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    prev = 0
    try:
        for cells in reader:
            start = prev + 1
            prev = reader.line_num
            if not cells or not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.replace("\ufeff", "").strip() for c in cells]
                continue
            rows.append((start, cells))
    except csv.Error as exc:
        raise RegisterImportError(f"the CSV is malformed near line {prev + 1} ({exc})",
                                  path=path) from exc
    if headers is None:
        raise RegisterImportError(f"the {what} has no header row", path=path)
    return headers, rows, encoding, hashlib.sha256(raw).hexdigest()


__all__ = ["read_table"]
