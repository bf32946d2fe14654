from __future__ import annotations

import pandas as pd
import pytest

from geodata.errors import DataError
from geodata.personal import FULL_NAME, holds_full_names
from tests.test_ingest import run, write_csv


@pytest.mark.parametrize(
    ("text", "is_name"),
    [
        ("Иванов Иван Иванович", True),
        ("Иван Иванович Иванов", True),
        ("Петрова-Водкина Анна Сергеевна", True),
        ("Иванов И. И.", True),
        ("И.И. Иванов", True),
        ("Ivanov Ivan Ivanovich", True),
        ("Нижний Новгород", False),
        ("Пушкинская площадь", False),
        ("ОВД Тверской", False),
        ("Moscow City Court", False),
        ("улица Героев Панфиловцев", False),
    ],
)
def test_full_names_are_recognised(text, is_name):
    assert bool(FULL_NAME.fullmatch(text)) is is_name


def test_a_column_is_judged_by_most_of_its_values():
    names = pd.Series(["Иванов Иван Иванович", "Петрова Анна Сергеевна", None, "Москва"])
    assert holds_full_names(names)
    assert not holds_full_names(pd.Series(["Москва", "Пермь", "Омск", "Иванов Иван Иванович"]))


HEADER = "kind,date,city,detained,source_url,Задержанный"
ROWS = [
    "detention,2022-09-21,Perm,1,https://t.example/1,Тестов Тест Тестович",
    "detention,2022-09-21,Perm,1,https://t.example/2,Пробная Проба Пробовна",
    "detention,2022-09-22,Omsk,99999999999,https://t.example/3,Образцов Образ Образович",
]


def test_a_column_of_full_names_is_refused_unless_dropped_and_never_copied(
    tmp_path, data_dir, regions, gazetteer
):
    path = write_csv(tmp_path, *ROWS, header=HEADER)
    with pytest.raises(DataError, match="Задержанный look like personal data"):
        run(path, data_dir, regions, gazetteer)
    result = run(path, data_dir, regions, gazetteer, drop=("Задержанный",))
    assert result.accepted == 2
    assert result.rejected["reason"].tolist() == ["count_too_large"]
    assert "Задержанный" not in result.rejected.columns
    written = result.rejected.to_csv(index=False)
    assert "Образцов" not in written
    spill_leftovers = [p for p in data_dir.iterdir() if p.name.startswith(".")]
    assert spill_leftovers == []


def test_free_text_naming_a_person_is_a_warning_with_rows(tmp_path, data_dir, regions, gazetteer):
    path = write_csv(
        tmp_path,
        "detention,2022-09-21,Perm,1,https://t.example/1,Picket at the square",
        "detention,2022-09-21,Perm,2,https://t.example/2,Задержан Тестов Тест Тестович",
        header="kind,date,city,detained,source_url,description",
    )
    result = run(path, data_dir, regions, gazetteer)
    assert result.accepted == 2
    (warning,) = result.notices
    assert warning.startswith("warning: description may name a person in 1 row(s): 3;")
