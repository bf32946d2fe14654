"""One period grammar: the map and Compare each read the other's spelling of a period."""

import datetime as dt

import pandas as pd
import pytest

from core import compare
from core.view import Filters, parse_query

D1, D2 = dt.date(2022, 9, 21), dt.date(2022, 9, 24)
BOUNDS = (dt.date(2022, 9, 1), dt.date(2022, 10, 31))


@pytest.mark.parametrize(
    "query", ["?from=2022-09-21&to=2022-09-24", "?start=2022-09-21&end=2022-09-24"]
)
def test_the_map_reads_both_spellings_and_prints_from_to(query):
    parsed, notices = parse_query(query)
    assert parsed == Filters(start=D1, end=D2) and notices == ()
    assert parsed.to_query() == "?from=2022-09-21&to=2022-09-24"


@pytest.mark.parametrize(
    "query",
    [
        "?places=RU-DA&from=2022-09-21&to=2022-09-24",
        "?places=RU-DA&start=2022-09-21&end=2022-09-24",
    ],
)
def test_compare_reads_both_spellings_and_prints_start_end(query):
    state, notices = compare.parse_query(query, pd.Index(["RU-DA"]), BOUNDS)
    assert (state.start, state.end, notices) == (D1, D2, [])
    assert "start=2022-09-21&end=2022-09-24" in state.to_query()


def test_a_bad_date_under_either_name_is_reported_by_the_name_given():
    _, notices = parse_query("?start=2022-13-01")
    assert notices == ("'start=2022-13-01' was ignored: expected a date as YYYY-MM-DD.",)
