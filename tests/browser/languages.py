"""The page tests' languages: every page is checked in English and in Russian."""

from __future__ import annotations

from core.i18n import LANGUAGES

__all__ = ["LANGUAGES", "in_language"]


def in_language(url: str, lang: str) -> str:
    """``url`` asking for ``lang`` (English, the default, is asked for by leaving it out)."""
    if lang == "en":
        return url
    return url + ("&" if "?" in url else "?") + f"lang={lang}"
