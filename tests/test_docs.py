from __future__ import annotations

import pytest

from geodata.schema import INCIDENT_COLUMNS, INPUT_FIELDS, TAGS
from geodata.settings import PROJECT_ROOT
from geodata.validate import REASONS

SCHEMA_DOC = (PROJECT_ROOT / "docs" / "schema.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [*INCIDENT_COLUMNS, *INPUT_FIELDS, *TAGS, *REASONS])
def test_every_column_field_tag_and_reason_is_documented(name):
    assert f"`{name}`" in SCHEMA_DOC
