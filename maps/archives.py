"""Zip archives from users: check the central directory before reading, then pick members.

Nothing is extracted to disk; members are read into memory only after the checks pass.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from .errors import GeodataError

SHAPEFILE_REQUIRED = (".shp", ".shx", ".dbf")
# Sidecar files GDAL reads with a Shapefile; others in the archive are ignored.
SHAPEFILE_SIDECARS = (".prj", ".cpg", ".qix")


@dataclass(frozen=True)
class ZipLimits:
    """How far an archive may expand before it counts as a zip bomb.

    The ratio limit applies only to members expanding past `ratio_floor` bytes, because a small
    .dbf padded with spaces compresses very well and is harmless.
    """

    max_members: int = 200
    max_uncompressed: int = 500 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_floor: int = 1024 * 1024


@dataclass(frozen=True)
class Shapefile:
    """One Shapefile found in an archive, repacked as a flat zip GDAL can open from memory."""

    name: str
    archive: bytes
    has_prj: bool
    has_cpg: bool


def open_checked_zip(data: bytes, limits: ZipLimits = ZipLimits()) -> zipfile.ZipFile:
    """Open a zip archive, refusing it if its central directory describes a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise GeodataError("corrupt_zip", detail=str(error) or type(error).__name__) from None
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise GeodataError("zip_bomb", rule="members", found=len(members), limit=limits.max_members)
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed:
        raise GeodataError("zip_bomb", rule="uncompressed_bytes", found=total, limit=limits.max_uncompressed)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise GeodataError("zip_bomb", rule="ratio", found=round(ratio), limit=limits.max_ratio,
                               member=member.filename)
        if member.flag_bits & 0x1:
            raise GeodataError("corrupt_zip", detail=f"{member.filename} is encrypted")
    return archive


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """Read one member, turning a damaged or unsupported member into GeodataError("corrupt_zip")."""
    try:
        # zipfile stops at the declared size, so a member cannot expand past what was checked.
        return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, ValueError) as error:
        raise GeodataError("corrupt_zip", detail=f"{member.filename}: {error}") from None


def stored_zip(members: dict[str, bytes]) -> bytes:
    """Pack members uncompressed into a new in-memory zip for GDAL's /vsizip/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shapefiles_in(archive: zipfile.ZipFile) -> list[Shapefile]:
    """Return each Shapefile in the archive (any folder), or raise if one is incomplete or none exists."""
    groups: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for member in _content_members(archive):
        path = PurePosixPath(member.filename)
        extension = path.suffix.lower()
        if extension in SHAPEFILE_REQUIRED + SHAPEFILE_SIDECARS:
            stem = str(path.with_suffix("")).lower()
            groups.setdefault(stem, {})[extension] = member
    shapefiles = []
    for stem, parts in sorted(groups.items()):
        if ".shp" not in parts:
            continue
        missing = [extension for extension in SHAPEFILE_REQUIRED if extension not in parts]
        if missing:
            raise GeodataError("incomplete_shapefile", name=PurePosixPath(stem).name, missing=", ".join(missing))
        name = PurePosixPath(parts[".shp"].filename).stem
        # GDAL opens a zip holding one Shapefile at its root; folders and other files would hide it.
        repacked = stored_zip({f"{name}{ext}": read_member(archive, member) for ext, member in parts.items()})
        shapefiles.append(Shapefile(name, repacked, has_prj=".prj" in parts, has_cpg=".cpg" in parts))
    if not shapefiles:
        raise GeodataError("no_shapefile")
    return shapefiles


def kml_in(archive: zipfile.ZipFile) -> bytes:
    """Return the KML document of a KMZ: doc.kml by convention, else the first .kml at the shallowest level."""
    documents = [member for member in _content_members(archive) if member.filename.lower().endswith(".kml")]
    if not documents:
        raise GeodataError("no_kml")
    documents.sort(key=lambda member: (member.filename.lower() != "doc.kml", member.filename.count("/")))
    return read_member(archive, documents[0])


def _content_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    # macOS Finder adds __MACOSX/._name resource forks that look like Shapefile parts.
    return [
        member
        for member in archive.infolist()
        if not member.is_dir()
        and not member.filename.startswith("__MACOSX/")
        and not PurePosixPath(member.filename).name.startswith("._")
    ]
