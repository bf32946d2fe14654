"""Read a CSV as people save it: detect its encoding and delimiter, and name a broken layout.

A file is decoded block by block (UTF-16/32 by their byte-order mark, else UTF-8, else cp1251),
its delimiter sniffed from the head, and two layouts that would make every row fail for the
wrong reason are refused with a message: records on one line, and lines that mix delimiters.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pandas as pd

from geodata.errors import DataError, first_line

FALLBACK_ENCODING = "cp1251"
DELIMITERS = ",;\t"
#: Lines of the head checked for a mixed layout.
_SNIFF_LINES = 200
#: Bytes read at a time when checking the encoding (and the head sniffed for a delimiter).
_BLOCK_BYTES = 1 << 20


def read_csv_cells(
    path: Path, encoding: str | None, delimiter: str | None
) -> tuple[pd.DataFrame, str, str]:
    """Every cell of a CSV as text, with the encoding and delimiter used (given or detected)."""
    used = _encoding_of(path, encoding)
    sep = delimiter or _sniff_delimiter(path, used)
    if sep == "\\t":
        sep = "\t"
    _check_layout(path, used, sep)
    try:
        frame = pd.read_csv(
            path,
            encoding=used,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataError(
            f"{path}: not a readable CSV with delimiter {sep!r}: {first_line(exc)}"
        ) from exc
    return frame, used, sep


def _encoding_of(path: Path, encoding: str | None) -> str:
    """The encoding the whole file decodes with: the given one, else by BOM, UTF-8 or cp1251.

    Decoded a block at a time and thrown away: holding a large file as text (and pandas a
    second copy of it) doubled the reader's peak memory.
    """
    candidates = [encoding] if encoding else _likely_encodings(path)
    for candidate in candidates:
        try:
            decoder = codecs.getincrementaldecoder(candidate)()
        except LookupError as exc:
            raise DataError(f"--encoding: unknown encoding '{encoding}'") from exc
        fed = start = 0  # bytes given to the decoder; file offset of its current input
        try:
            with path.open("rb") as handle:
                while block := handle.read(_BLOCK_BYTES):
                    start = fed - len(decoder.getstate()[0])  # it holds a split character
                    decoder.decode(block)
                    fed += len(block)
                start = fed - len(decoder.getstate()[0])
                decoder.decode(b"", final=True)
            return candidate
        except UnicodeDecodeError as exc:
            if encoding or len(candidates) == 1:
                raise DataError(
                    f"{path}: cannot decode as {candidate} at byte {start + exc.start}; "
                    "try --encoding utf-8 or --encoding cp1251"
                ) from exc
    raise DataError(f"{path}: neither UTF-8 nor cp1251; pass --encoding")  # pragma: no cover


def _likely_encodings(path: Path) -> list[str]:
    """Encodings to try, in order: a byte-order mark decides; NUL bytes mean UTF-16 without one.

    Without this a UTF-16 file (as Excel saves "Unicode text") decoded as cp1251 into rows of
    NUL-separated garbage that were all rejected for the wrong reasons.
    """
    with path.open("rb") as handle:
        head = handle.read(_BLOCK_BYTES)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return ["utf-32"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    if b"\x00" in head:
        raise DataError(
            f"{path}: holds NUL bytes, as UTF-16 without a byte-order mark does; "
            "pass --encoding utf-16-le (or utf-16-be), or save the file as UTF-8"
        )
    return ["utf-8-sig", FALLBACK_ENCODING]


def _sniff_delimiter(path: Path, encoding: str) -> str:
    with path.open("rb") as handle:
        head = handle.read(_BLOCK_BYTES).decode(encoding, errors="ignore")
    sample = "\n".join(head.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _check_layout(path: Path, encoding: str, sep: str) -> None:
    """Name the two layouts that made every row fail for the wrong reason.

    A file whose records are not on lines of their own reads as a header and nothing else;
    a file whose lines use different delimiters reads as rows of one merged column.
    """
    with path.open("rb") as handle:
        raw = handle.read(_BLOCK_BYTES)
    head, truncated = raw.decode(encoding, errors="ignore"), len(raw) < path.stat().st_size
    lines = head.splitlines()
    if len(lines) == 1 and head.rstrip("\r\n") == head and not truncated:
        raise DataError(
            f"{path}: one line with no line break: a header and no records, or records not "
            "separated by new lines"
        )
    complete = lines[:-1] if truncated and len(lines) <= _SNIFF_LINES else lines[:_SNIFF_LINES]
    if not complete:
        return
    width = _fields(complete[0], sep)
    odd = [
        (number, other)
        for number, line in enumerate(complete[1:], start=2)
        if line.strip() and _fields(line, sep) != width
        for other in DELIMITERS.replace(sep, "")[:2]
        if _fields(line, other) == width > 1
    ]
    if odd:
        shown = ", ".join(f"row {n} uses {d!r}" for n, d in odd[:5])
        raise DataError(
            f"{path}: mixed delimiters: the header uses {sep!r} but {shown}; "
            "save the file with one delimiter"
        )


def _fields(line: str, sep: str) -> int:
    return len(next(csv.reader([line], delimiter=sep), []))
