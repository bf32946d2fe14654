"""docs/security.md names, for each promise, tests that exist."""

import re

from geodata.settings import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "security.md").read_text(encoding="utf-8")
TESTS = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "tests").rglob("*.py"))


def test_every_test_the_security_doc_names_exists():
    named = set(re.findall(r"`(test_\w+)`", DOC))
    assert len(named) >= 20
    missing = sorted(n for n in named if f"def {n}(" not in TESTS)
    assert missing == []
