"""CSV cells that are safe to open in a spreadsheet (pure).

Downloads and Compare's CSV carry text from reports; the guard is here, below both, so every
CSV protestmap writes goes through the same one.
"""

from __future__ import annotations

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each text cell that starts like a formula prefixed by ``'`` (OWASP).

    A description, a place or a source title comes from reports; opened in a spreadsheet, a
    cell starting with ``=`` or ``@`` would run as a formula. Every text column is guarded
    (JSON sources included); number columns are written as numbers and cannot hold a
    formula, and quoting them would turn a negative longitude into text.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        try:  # in a mixed column, cells that are not text are never risky (na)
            risky = values.str.startswith(FORMULA_LEADS, na=False).to_numpy(dtype=bool)
        except AttributeError:  # an object column without any text
            continue
        if risky.any():
            out[column] = values.where(~risky, "'" + values[risky].astype(str))
    return out
