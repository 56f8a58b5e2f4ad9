"""Zip safety: an archive is judged by its central directory before any member is read."""
from __future__ import annotations

import zipfile

import pytest

from maps.archives import ZipLimits, open_checked_zip, shapefiles_in
from maps.errors import GeodataError
from maps.reading import read_boundary_file

from .files import frame, shapefile_members, shapefile_zip, zip_bytes


def refusal(data: bytes, **limits: int) -> GeodataError:
    with pytest.raises(GeodataError) as raised:
        open_checked_zip(data, ZipLimits(**limits))
    return raised.value


def test_a_highly_compressible_member_is_a_zip_bomb():
    bomb = zip_bytes({"khu.dbf": bytes(20 * 1024 * 1024)})

    error = refusal(bomb)

    assert error.code == "zip_bomb"
    assert error.params["rule"] == "ratio" and error.params["member"] == "khu.dbf"
    assert error.params["found"] > 1000


def test_a_small_member_may_compress_well():
    # A .dbf of padded text fields compresses far past 100:1 and is harmless at this size.
    assert open_checked_zip(zip_bytes({"khu.dbf": b" " * 100_000})).namelist() == ["khu.dbf"]


def test_more_than_200_members_is_a_zip_bomb():
    error = refusal(zip_bytes({f"part{n}.txt": b"x" for n in range(201)}))

    assert (error.code, error.params) == ("zip_bomb", {"rule": "members", "found": 201, "limit": 200})
    assert open_checked_zip(zip_bytes({f"part{n}.txt": b"x" for n in range(200)}))


def test_too_much_uncompressed_data_is_a_zip_bomb():
    members = {f"part{n}.bin": bytes(range(256)) * 8 for n in range(3)}  # 2 KiB each, barely compressible

    error = refusal(zip_bytes(members), max_uncompressed=6 * 1024 - 1)

    assert (error.code, error.params["rule"]) == ("zip_bomb", "uncompressed_bytes")
    assert open_checked_zip(zip_bytes(members), ZipLimits(max_uncompressed=6 * 1024))


def test_the_default_limits_are_those_of_the_issue():
    assert ZipLimits() == ZipLimits(max_members=200, max_uncompressed=500 * 1024 * 1024, max_ratio=100)


def test_a_bomb_uploaded_as_a_shapefile_is_refused_before_reading(hanoi_square, tmp_path):
    members = shapefile_members(frame([hanoi_square]), tmp_path) | {"padding.bin": bytes(20 * 1024 * 1024)}

    with pytest.raises(GeodataError) as raised:
        read_boundary_file(zip_bytes(members), "khu.zip")

    assert raised.value.code == "zip_bomb"


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", b"", b"plain text"],
    ids=["bad-header", "empty", "text"],
)
def test_corrupt_archives_are_refused(data):
    assert refusal(data).code == "corrupt_zip"


def test_a_truncated_archive_is_corrupt(hanoi_square, tmp_path):
    data = shapefile_zip(frame([hanoi_square]), tmp_path)

    with pytest.raises(GeodataError) as raised:
        read_boundary_file(data[: len(data) // 2], "khu.zip")

    assert raised.value.code == "corrupt_zip"


def test_a_member_with_a_bad_checksum_is_corrupt(hanoi_square, tmp_path):
    data = bytearray(zip_bytes(shapefile_members(frame([hanoi_square]), tmp_path), zipfile.ZIP_STORED))
    shp_at = data.index(b"\x00\x00\x27\x0a")  # magic number 9994 opens the .shp member (first by name)
    data[shp_at + 40] ^= 0xFF

    with pytest.raises(GeodataError) as raised:
        read_boundary_file(bytes(data), "khu.zip")

    assert raised.value.code == "corrupt_zip"


def test_an_encrypted_member_is_refused():
    data = bytearray(zip_bytes({"khu.shp": b"x"}, zipfile.ZIP_STORED))
    # Set the "encrypted" flag in the central directory entry, as a password-protected zip has.
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x01

    assert refusal(bytes(data)).code == "corrupt_zip"


@pytest.mark.parametrize(("missing", "named"), [(".shx", ".shx"), (".dbf", ".dbf")])
def test_a_shapefile_missing_a_required_part_is_named(missing, named, hanoi_square, tmp_path):
    data = shapefile_zip(frame([hanoi_square]), tmp_path, drop=(missing,))

    with pytest.raises(GeodataError) as raised:
        shapefiles_in(open_checked_zip(data))

    assert raised.value.code == "incomplete_shapefile"
    assert raised.value.params == {"name": "khu_cong_nghiep", "missing": named}


def test_a_zip_without_a_shapefile_says_so():
    with pytest.raises(GeodataError) as raised:
        read_boundary_file(zip_bytes({"readme.txt": b"ranh gioi"}), "khu.zip")

    assert raised.value.code == "no_shapefile"


def test_macos_resource_forks_are_not_taken_for_shapefile_parts(hanoi_square, tmp_path):
    members = shapefile_members(frame([hanoi_square]), tmp_path)
    forks = {f"__MACOSX/._{name}": b"\x00\x05\x16\x07" for name in members}

    (shapefile,) = shapefiles_in(open_checked_zip(zip_bytes(members | forks)))

    assert shapefile.name == "khu_cong_nghiep"
