"""Whether a column taken by its name holds what the field means (pure but for the gazetteer).

A file's own ``region`` column may hold city names: taken by name, it made every row fail as an
unknown region, a reason that was not the rows' fault. A column named like a field is used only
when at least half of its distinct values pass that field's test (judged from three
distinct values up); an explicit ``--map`` always
wins.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from geodata.geocoding import Gazetteer

#: Share of a column's distinct values that must pass for it to be taken by name.
FIT_SHARE = 0.5
#: Fewer distinct values than this are not judged: one typo is the row's problem, not the column's.
MIN_DISTINCT = 3
#: Distinct values tested per column (enough to judge; a million-row file stays quick).
SAMPLE = 500


#: The test of each optional field whose column, when it means something else, is better
#: left out than read: rows then fall back to the city. Other fields are not judged: their
#: rows are rejected with the reason, which says more than a column silently left out.
TESTS: dict[str, Callable[[pd.Series, Gazetteer], pd.Series]] = {
    "region": lambda v, g: v.map(lambda h: g.resolve_region(h) is not None),
}


def unfit_columns(
    frame: pd.DataFrame, taken: dict[str, str], gazetteer: Gazetteer
) -> dict[str, str]:
    """For each field taken by name whose column fails its test: a notice saying so."""
    notices = {}
    for field_name, column in taken.items():
        test = TESTS.get(field_name)
        values = pd.Series(frame[column].dropna().unique()[:SAMPLE], dtype="object")
        if test is None or len(values) < MIN_DISTINCT:
            continue
        passed = test(values, gazetteer).fillna(False).astype(bool)
        if passed.mean() >= FIT_SHARE:
            continue
        examples = ", ".join(repr(v) for v in values[~passed].head(3))
        notices[field_name] = (
            f"column '{column}' not used as {field_name}: {int((~passed).sum())} of "
            f"{len(values)} distinct values are not one (e.g. {examples}); "
            f"--map {field_name}={column} uses it anyway"
        )
    return notices
