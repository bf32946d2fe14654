"""`make lint` passes, so CI holds the code to it: ruff, ruff format, mypy over every package,
and the import-linter contracts (imports run downwards; see docs/architecture.md)."""

import shutil
import subprocess

from geodata.settings import PROJECT_ROOT


def test_make_lint_passes():
    done = subprocess.run(
        [shutil.which("make") or "make", "--no-print-directory", "lint"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout
