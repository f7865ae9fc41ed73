"""Reading a CSV file exported from the MIS: UTF-8 (with or without BOM), UTF-16 (with a BOM, or
without one when every other byte is zero), Windows-1252 (Excel), or UTF-8 with some lines in
Windows-1252 (each line read in its own kind, said as a warning by the import); comma, semicolon or tab
separated, or as Excel's first line "sep=;" says. Lines are numbered as a spreadsheet numbers
them (the header is line 1, or below a report's title rows: ``read_titled_table``).

A quotation mark that opens a cell and never closes would take the rest of the file as one
cell (rows that withdraw consent among them): the whole file is refused, naming the line."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from photovet.core.errors import RegisterImportError, not_there

#: Excel's first line naming the separator ("sep=;"), written by some exports
_SEP_LINE = re.compile(r"(?i)sep=(\\t|[,;|\t])")


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    kind = _document_kind(raw)
    if kind:
        # s51: an office's MIS report is often saved as a workbook; said as what it is, with
        # how to make the CSV (it said "it contains binary data")
        raise RegisterImportError(
            f"this is {kind}, not a CSV file", path=path,
            hint="Open it and save it as 'CSV UTF-8 (Comma delimited)' (in Excel: File > Save "
                 "As), or export the register as CSV from your MIS, then import that file."
            if "PDF" not in kind else "Export the register as CSV from your MIS, then import "
                                      "that file.")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise RegisterImportError(f"the file is damaged UTF-16 text ({exc.reason})",
                                      path=path) from exc
    utf16 = _utf16_without_bom(raw)
    if utf16:
        try:
            return raw.decode(utf16), "UTF-16 (no byte-order mark)"
        except UnicodeDecodeError as exc:
            raise RegisterImportError(
                f"the file looks like UTF-16 text saved without a byte-order mark, and it is "
                f"damaged ({exc.reason})", path=path,
                hint="Save it from Excel as 'CSV UTF-8 (Comma delimited)'.") from exc
    if b"\x00" in raw[:4096]:
        raise RegisterImportError("this is not a CSV text file (it contains binary data); "
                                  "export the register as CSV from your MIS", path=path)
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8(raw, path)
    if mixed is not None:
        return mixed
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise RegisterImportError(
            f"the file is not UTF-8 or Windows-1252 text (byte 0x{raw[exc.start]:02x} at "
            f"position {exc.start})", path=path,
            hint="Save it from Excel as 'CSV UTF-8 (Comma delimited)'.") from exc


#: how ``_decode`` names a file read line by line (UTF-8, some lines Windows-1252)
MIXED_ENCODING = "UTF-8, with Windows-1252 on"


def _mixed_utf8(raw: bytes, path: Path) -> tuple[str, str] | None:
    """A file that is UTF-8 with accented letters, but with some lines in Windows-1252 (a row
    added or edited in another program): each line read in its own kind, or None when no
    line is UTF-8 with an accented letter (then it is all Windows-1252). s65: the whole file
    was read as Windows-1252, every UTF-8 name garbled ("Renée" read as "RenÃ©e") in the
    register and in the names the caption and badge checks look for (found only as a
    misspelling, if at all), without a word."""
    lines = raw.splitlines(keepends=True)
    kinds: list[str] = []
    for ln in lines:
        try:
            ln.decode("utf-8")
            kinds.append("utf-8" if any(b >= 0x80 for b in ln) else "ascii")
        except UnicodeDecodeError:
            kinds.append("cp1252")
    if "utf-8" not in kinds:
        return None
    odd = [n for n, kind in enumerate(kinds, start=1) if kind == "cp1252"]
    parts = []
    for n, (ln, kind) in enumerate(zip(lines, kinds), start=1):
        try:
            parts.append(ln.decode("cp1252" if kind == "cp1252" else "utf-8"))
        except UnicodeDecodeError as exc:
            raise RegisterImportError(
                f"line {n} is not UTF-8 or Windows-1252 text (byte 0x{ln[exc.start]:02x})",
                path=path, hint="Save it from Excel as 'CSV UTF-8 (Comma delimited)'.") from exc
    shown = ", ".join(str(n) for n in odd[:10]) + (" ..." if len(odd) > 10 else "")
    return "".join(parts), f"{MIXED_ENCODING} {'line' if len(odd) == 1 else 'lines'} {shown}"


def _document_kind(raw: bytes) -> str:
    """What a file given as the register is when it is a spreadsheet or document saved in
    its own format ('an Excel workbook (.xlsx)', ...), '' when it is not one of those."""
    head = raw[:4096]
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in raw[:1 << 16] or b"[Content_Types].xml" in head:
            return "an Excel workbook (.xlsx)"
        if b"opendocument.spreadsheet" in head:
            return "a LibreOffice or OpenOffice spreadsheet (.ods)"
        if b"word/" in raw[:1 << 16]:
            return "a Word document (.docx)"
        return "a zip archive"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an Excel workbook or Office document of the older kind (.xls)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    return ""


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text written without a byte-order mark (some
    exports do): mostly Latin text, so every other byte is zero; None otherwise."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    sample = sample[:len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    zero_even, zero_odd = even.count(0), odd.count(0)
    if zero_odd >= 0.9 * half and zero_even <= 0.02 * half:
        return "utf-16-le"
    if zero_even >= 0.9 * half and zero_odd <= 0.02 * half:
        return "utf-16-be"
    return None


def _unclosed_quote(text: str, delim: str) -> bool:
    """Does the text end inside a quoted cell (a quotation mark that opens a cell and never
    closes)? The lenient reader takes everything after such a mark, to the end of the file, as
    one cell; the strict one says "unexpected end of data" (its other complaints, a character
    after a closing quote, are read past: the lenient reader keeps those cells)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    while True:
        try:
            next(reader)
        except StopIteration:
            return False
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return True


def _read_bytes(path: Path, what: str = "register file") -> bytes:
    if not path.exists():
        if path.is_symlink():   # s65: a link to nowhere (or in a loop) was "not found"
            raise RegisterImportError(f"this is a shortcut (link) to a file that is not there; "
                                      f"give the {what} itself", path=path)
        raise RegisterImportError(not_there(path, f"the {what} was not found"), path=path)
    if path.is_dir():
        article = "an" if what[:1].lower() in "aeiou" else "a"   # s65: "not a enrolment CSV"
        raise RegisterImportError(f"that is a folder, not {article} {what}", path=path)
    try:
        return path.read_bytes()
    except PermissionError as exc:   # s65: was "could not be read (Permission denied)"
        raise RegisterImportError(f"PhotoVet is not allowed to read the {what} (permission "
                                  "denied)", path=path,
                                  hint="Ask IT to give your account access to it, or save "
                                       "the export from your MIS again, in a folder of your "
                                       "own.") from exc
    except OSError as exc:
        raise RegisterImportError(f"the {what} could not be read ({exc.strerror or exc})",
                                  path=path) from exc


#: a row above the header with one cell filled in ("Photo consent report 05/12/2026"), when a
#: row with at least this many cells filled in follows within ``_TITLE_LOOK`` rows, is the
#: report's title, not its header (s62: such a file was refused, "the header has: Photo
#: consent report 05/12/2026")
_HEADER_MIN_CELLS = 3
_TITLE_LOOK = 5


def _filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c.strip())


def _header(cells: list[str]) -> list[str]:
    return [c.replace("\ufeff", "").strip() for c in cells]


def read_table(path: str | Path, what: str = "register file"
               ) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """(headers, [(line, cells)], encoding, sha256). Lines as a spreadsheet numbers them."""
    headers, rows, encoding, sha, _titles, _line = read_titled_table(path, what)
    return headers, rows, encoding, sha


def read_titled_table(path: str | Path, what: str = "register file"
                      ) -> tuple[list[str], list[tuple[int, list[str]]], str, str,
                                 list[tuple[int, str]], int]:
    """``read_table``, the title rows above the header it skipped, as (line, text): rows
    with one cell filled in, followed within a few rows by one with several (a report's title
    and date above its columns; anything else is taken for the header as before), and the
    header's own line."""
    path = Path(path)
    raw = _read_bytes(path, what)
    if not raw.strip():
        raise RegisterImportError(f"the {what} is empty", path=path)
    text, encoding = _decode(raw, path)
    first = text.split("\n", 1)[0]
    said = _SEP_LINE.fullmatch(first.strip("\r\n "))
    if said:
        # Excel's "sep=;" line says the separator and is not shown as a row (so the header
        # is still line 1): s61, the file was refused as having no UPN column ("sep=,")
        delim = "\t" if said.group(1) == "\\t" else said.group(1)
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        # from the first line with a separator in it (a report's title above the header may
        # have none: s62)
        lines = [ln for ln in text.split("\n", _TITLE_LOOK + 2)[:_TITLE_LOOK + 1] if ln.strip()]
        first = next((ln for ln in lines if any(d in ln for d in ",;\t")), first)
        delim = max([",", ";", "\t"], key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    # rows before the header with one cell filled in: a title, if a fuller row follows
    above: list[tuple[int, list[str]]] = []
    titles: list[tuple[int, str]] = []
    header_line = 1
    prev = 0
    last: tuple[int, list[str]] | None = None
    try:
        for cells in reader:
            start = prev + 1
            prev = reader.line_num
            if cells:
                last = (start, cells)
            if not cells or not any(c.strip() for c in cells):
                continue
            if headers is None:
                if _filled(cells) == 1 and len(above) < _TITLE_LOOK:
                    above.append((start, cells))
                    continue
                if above and _filled(cells) >= _HEADER_MIN_CELLS:
                    titles = [(line, " ".join(c.strip() for c in t if c.strip()))
                              for line, t in above]
                    headers, header_line = _header(cells), start
                elif above:   # no fuller row after them: the first is the header, as ever
                    headers, header_line = _header(above[0][1]), above[0][0]
                    rows.extend(above[1:])
                    rows.append((start, cells))
                else:
                    headers, header_line = _header(cells), start
                above = []
                continue
            rows.append((start, cells))
    except csv.Error as exc:
        raise RegisterImportError(f"the CSV is malformed near line {prev + 1} ({exc})",
                                  path=path) from exc
    if headers is None and above:   # only rows of one cell: the first is the header
        headers, header_line = _header(above[0][1]), above[0][0]
        rows.extend(above[1:])
    if last is not None and _unclosed_quote(text, delim):
        # the last cell ran to the end of the file: a stray quotation mark swallowed every line
        # after it (and with them, rows that may withdraw consent): refuse the whole file
        start, cells = last
        opened = start + sum(c.count("\n") for c in cells[:-1])
        col = headers[len(cells) - 1] if headers and len(cells) <= len(headers) else ""
        cell = f"the {col} cell" if col else "the cell"
        nothing = {"register file": "Nothing was imported",
                   "enrolment CSV": "Nothing was enrolled"}.get(what, "Nothing was used")
        swallowed = (f"so lines {opened}-{prev} were read as one cell" if prev > opened
                     else "it runs to the end of the file")
        raise RegisterImportError(
            f"line {opened}: a quotation mark (\") opens a cell that never closes, {swallowed}. "
            f"{nothing}", path=path,
            hint=f"Open the file in Excel, fix {cell} on line {opened} (remove the quotation "
                 "mark, or close it), and save it as CSV again.")
    if headers is None:
        raise RegisterImportError(f"the {what} has no header row", path=path)
    return headers, rows, encoding, hashlib.sha256(raw).hexdigest(), titles, header_line


__all__ = ["read_table", "read_titled_table"]
