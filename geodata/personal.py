"""Personal data about people: columns named for it, columns of full names, names in free text.

protestmap stores no names of detainees. A column whose name says it holds names, documents or
contacts, or whose values are mostly people's full names ("Иванов Иван Иванович", "Иванов И.
И."), is refused unless the user drops it. Free text that seems to name a person is only
reported: accounts often name public figures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Column names that suggest personal data about people: whole names, or telling fragments.
PERSONAL_NAMES = {
    "name",
    "names",
    "full name",
    "full_name",
    "fullname",
    "first_name",
    "first name",
    "last_name",
    "last name",
    "person",
    "имя",
    "фио",
}
PERSONAL_FRAGMENTS = re.compile(
    r"surname|passport|phone|birth|фамили|отчеств|паспорт|телефон|рождени|\bфио\b", re.IGNORECASE
)

_CAP_RU, _CAP_LAT = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?", r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_PATRONYMIC_RU = r"[А-ЯЁ][а-яё]+(?:ович|евич|ьич|овна|евна|ична|инична)"
_PATRONYMIC_LAT = r"[A-Z][a-z]+(?:ovich|evich|ovna|evna|ichna)"
_INITIALS_RU = r"[А-ЯЁ]\.\s?[А-ЯЁ]\."
#: A person's full name: surname, name and patronymic in either order, or a surname and initials.
FULL_NAME = re.compile(
    "|".join(
        [
            rf"{_CAP_RU}\s+{_CAP_RU}\s+{_PATRONYMIC_RU}",
            rf"{_CAP_RU}\s+{_PATRONYMIC_RU}\s+{_CAP_RU}",
            rf"{_CAP_RU}\s+{_INITIALS_RU}",
            rf"{_INITIALS_RU}\s?{_CAP_RU}",
            rf"{_CAP_LAT}\s+{_CAP_LAT}\s+{_PATRONYMIC_LAT}",
            rf"{_CAP_LAT}\s+{_PATRONYMIC_LAT}\s+{_CAP_LAT}",
        ]
    )
)
#: Share of a column's distinct values that must be full names for the column to be refused.
NAME_SHARE = 0.3
#: Distinct values looked at per column.
SAMPLE = 1000
#: Row numbers listed in a free-text warning.
SHOWN_ROWS = 10


def looks_personal(column: str) -> bool:
    """Whether a column name suggests it holds personal data (names, documents, contacts)."""
    return column.strip().lower() in PERSONAL_NAMES or bool(PERSONAL_FRAGMENTS.search(column))


def holds_full_names(values: pd.Series) -> bool:
    """Whether the column's values are mostly people's full names (judged on distinct values)."""
    distinct = pd.Series(values.dropna().unique()[:SAMPLE], dtype="object")
    if distinct.empty:
        return False
    whole = distinct.astype(str).str.strip().str.fullmatch(FULL_NAME)
    return bool(whole.mean() >= NAME_SHARE)


def personal_columns(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The columns among ``columns`` that look personal by their name or by their content."""
    return [c for c in columns if looks_personal(c) or holds_full_names(frame[c])]


def name_warnings(rows: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    """A warning per free-text field in which some rows seem to name a person."""
    warnings = []
    for name in fields:
        # Each distinct text is searched once, and no copy of a million texts is made.
        codes, distinct = pd.factorize(rows[name].astype("object"), use_na_sentinel=True)
        named = pd.Series(distinct, dtype="object").str.contains(FULL_NAME).to_numpy(bool)
        hits = pd.Series(np.append(named, False)[codes], index=rows.index)  # -1: empty
        if not hits.any():
            continue
        numbers = rows.loc[hits, "row"].astype(int).tolist()
        more = f" and {len(numbers) - SHOWN_ROWS} more" if len(numbers) > SHOWN_ROWS else ""
        warnings.append(
            f"warning: {name} may name a person in {len(numbers)} row(s): "
            f"{', '.join(map(str, numbers[:SHOWN_ROWS]))}{more}; protestmap stores no names "
            "of detainees (public figures are fine): check those rows"
        )
    return warnings
