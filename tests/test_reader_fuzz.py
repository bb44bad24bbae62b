"""Fuzz tests of the cable reader: whatever the input, only CableError escapes.

Random text, mutations of the real seed cable (truncation, lost or doubled
lines, NUL bytes, random bytes), other encodings and line endings, and files
that cannot be read at all.
"""

from __future__ import annotations

import codecs
import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cables.index.reader import CableError, decode, read_cable, read_file
from tests.conftest import SEEDS

SEED_PATH = SEEDS / "09OTTAWA265.txt"
SEED_TEXT = SEED_PATH.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.split("\n")

FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read_or_cable_error(text: str) -> None:
    """Parse ``text``; a CableError is fine, any other exception fails the test."""
    with contextlib.suppress(CableError):
        read_cable(text, "fuzz")


@FUZZ
@given(st.text())
def test_random_text_only_raises_cable_error(text: str) -> None:
    _read_or_cable_error(text)


@FUZZ
@given(st.lists(st.sampled_from(SEED_LINES + ["", "1. (C)", "¶2.", "REF:", "SUBJECT:", "Classified By:"]), max_size=120))
def test_random_lines_of_cable_text_only_raise_cable_error(lines: list[str]) -> None:
    _read_or_cable_error("\n".join(lines))


@FUZZ
@given(st.integers(min_value=0, max_value=len(SEED_TEXT)))
def test_truncated_seed_only_raises_cable_error(cut: int) -> None:
    _read_or_cable_error(SEED_TEXT[:cut])


@FUZZ
@given(st.data())
def test_seed_with_lines_deleted_or_duplicated_only_raises_cable_error(data: st.DataObject) -> None:
    lines = list(SEED_LINES)
    for _ in range(data.draw(st.integers(min_value=1, max_value=10))):
        index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[index]
        else:
            lines.insert(index, lines[index])
        if len(lines) < 2:
            break
    _read_or_cable_error("\n".join(lines))


@FUZZ
@given(st.data())
def test_seed_with_random_text_inserted_only_raises_cable_error(data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(SEED_TEXT)))
    junk = data.draw(st.text(max_size=40))
    _read_or_cable_error(SEED_TEXT[:position] + junk + SEED_TEXT[position:])


@FUZZ
@given(st.integers(min_value=0, max_value=len(SEED_TEXT)))
def test_nul_byte_anywhere_raises_cable_error(position: int) -> None:
    with pytest.raises(CableError):
        read_cable(SEED_TEXT[:position] + "\x00" + SEED_TEXT[position:], "nul")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_decode_and_read_only_raise_cable_error(data: bytes) -> None:
    try:
        text = decode(data, "bytes")
    except CableError:
        return
    _read_or_cable_error(text)


@FUZZ
@given(st.data())
def test_seed_bytes_with_random_bytes_inserted_only_raise_cable_error(data: st.DataObject) -> None:
    raw = SEED_TEXT.encode("utf-8")
    position = data.draw(st.integers(min_value=0, max_value=len(raw)))
    junk = data.draw(st.binary(min_size=1, max_size=8))
    try:
        text = decode(raw[:position] + junk + raw[position:], "bytes")
    except CableError:
        return
    _read_or_cable_error(text)


def test_seed_reads() -> None:
    """The unmutated seed is a valid cable (so the mutations above start from one)."""
    assert read_cable(SEED_TEXT).id == "09OTTAWA265"


def test_crlf_line_endings_read_the_same() -> None:
    assert read_cable(SEED_TEXT.replace("\n", "\r\n")) == read_cable(SEED_TEXT)


def test_carriage_return_line_endings_read_the_same() -> None:
    """A file saved with classic Mac line ends (carriage returns alone) was skipped as "ends inside the header"."""
    assert read_cable(SEED_TEXT.replace("\n", "\r")) == read_cable(SEED_TEXT)


@pytest.mark.parametrize("year", ["0001", "1899", "2100", "9999"])
def test_a_created_year_no_telegram_has_is_a_cable_error(year: str) -> None:
    """A year 0001 or 9999 is a damaged header: it was indexed, and stretched `timeline` over 9,999 lines."""
    created = read_cable(SEED_TEXT).created.strftime("%Y-%m-%d %H:%M:%S")
    with pytest.raises(CableError, match=":6: the created date's year"):
        read_cable(SEED_TEXT.replace(created, year + created[4:], 1))


def test_utf8_bom_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + SEED_TEXT.encode("utf-8"))
    assert read_file(path).cable == read_file(SEED_PATH).cable


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_reads_the_same_as_utf8(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "utf16.txt"
    data = SEED_TEXT.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)
    assert read_file(path).cable == read_file(SEED_PATH).cable


def test_latin1_with_non_ascii_raises_cable_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(SEED_TEXT.replace("Canada,s", "Canadá,s").encode("latin-1"))
    with pytest.raises(CableError) as caught:
        read_file(path)
    assert str(path) in str(caught.value)


def test_empty_file_raises_cable_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(CableError) as caught:
        read_file(path)
    assert str(path) in str(caught.value)


def test_directory_named_like_a_cable_raises_cable_error(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.mkdir()
    with pytest.raises(CableError) as caught:
        read_file(path)
    assert str(path) in str(caught.value)


def test_missing_file_raises_cable_error(tmp_path: Path) -> None:
    with pytest.raises(CableError):
        read_file(tmp_path / "absent.txt")


def test_dangling_symlink_raises_cable_error(tmp_path: Path) -> None:
    """A symlink to nothing fails even for root (tests run as root, so chmod 000 proves nothing)."""
    path = tmp_path / "dangling.txt"
    os.symlink(tmp_path / "nowhere.txt", path)
    with pytest.raises(CableError) as caught:
        read_file(path)
    assert str(path) in str(caught.value)


def test_symlink_loop_raises_cable_error(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    os.symlink(second, first)
    os.symlink(first, second)
    with pytest.raises(CableError) as caught:
        read_file(first)
    assert str(first) in str(caught.value)
