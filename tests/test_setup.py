"""`make setup` asks apt only for the Debian packages the machine lacks.

A fresh machine may have Node.js with its own npm; asking apt for Debian's npm beside it fails
with "held broken packages", so the setup leaves npm out whenever an `npm` command exists.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from geodata.settings import PROJECT_ROOT


def _apt_packages(tmp_path: Path, *, npm: bool, chromium: bool) -> list[str]:
    """What `make -n system-deps` would ask apt for, with or without npm and the other tools."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if npm:
        (bin_dir / "npm").write_text("#!/bin/sh\n")
        (bin_dir / "npm").chmod(0o755)
    browser = "/bin/sh" if chromium else str(tmp_path / "absent")
    paths = [f"{name}={browser}" for name in ("CHROMIUM", "CHROMEDRIVER", "NGINX", "REDIS")]
    recipe = subprocess.run(
        [shutil.which("make") or "make", "-n", "system-deps", *paths],
        cwd=PROJECT_ROOT,
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in recipe.splitlines() if "apt-get install" in line]
    return installs[0].split("-qq")[-1].split(">")[0].split() if installs else []


def test_npm_present_is_not_asked_of_apt(tmp_path: Path) -> None:
    assert _apt_packages(tmp_path, npm=True, chromium=False) == [
        "chromium",
        "chromium-driver",
        "nginx-light",
        "redis-server",
    ]


def test_npm_missing_is_installed_with_chromium(tmp_path: Path) -> None:
    assert _apt_packages(tmp_path, npm=False, chromium=False) == [
        "chromium",
        "chromium-driver",
        "nginx-light",
        "redis-server",
        "npm",
    ]


def test_nothing_missing_runs_no_apt(tmp_path: Path) -> None:
    assert _apt_packages(tmp_path, npm=True, chromium=True) == []
