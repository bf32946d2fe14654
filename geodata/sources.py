"""Read a source cell as people write it: several URLs with words around them (pure).

Real lists put two or three links in one cell ("https://ovdinfo.org/a, https://t.me/b"), leave
the scheme off ("ovdinfo.org/..."), or add a word ("see https://..., updated"). Every URL is
kept as a source of the row, and the words become its source note.
"""

from __future__ import annotations

import re

#: Parts of a cell, between white space (new lines too), commas and semicolons. A comma or
#: semicolon inside a URL ("...na-wojne,625992.html") is part of it: it separates only when
#: white space, the end or another URL follows.
_TOKEN = re.compile(r"(?:[^\s,;]|[,;](?!\s|$|https?://|www\.))+", re.IGNORECASE)
_SEPARATORS = " ,;-–—:"
_SCHEME = re.compile(r"^https?://\S+$", re.IGNORECASE)
#: A bare host with a dot and a letter TLD, and an optional path: "ovdinfo.org/news/1".
_BARE = re.compile(r"^(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]\S*)?$", re.IGNORECASE)
_WRAPPING = "()[]<>\"'«»“”"
_TRAILING = ".:!?"


def split_source_cell(cell: str) -> tuple[tuple[str, ...], str | None]:
    """The URLs in a source cell (scheme-less ones given https://) and the remaining words.

    >>> split_source_cell("see ovdinfo.org/a; https://t.me/b, updated")
    (('https://ovdinfo.org/a', 'https://t.me/b'), 'see updated')
    """
    urls: list[str] = []
    spans = []
    for match in _TOKEN.finditer(cell):
        token = match.group().strip(_WRAPPING).rstrip(_TRAILING)
        if _SCHEME.match(token):
            urls.append(token)
        elif _BARE.match(token) and not token.replace(".", "").isdigit():
            urls.append("https://" + token)
        else:
            continue
        spans.append(match.span())
    pieces, start = [], 0
    for begin, end in spans:
        pieces.append(cell[start:begin])
        start = end
    pieces.append(cell[start:])
    words = [" ".join(p.split()).strip(_SEPARATORS) for p in pieces]
    note = " ".join(w for w in words if w)
    return tuple(dict.fromkeys(urls)), note or None
