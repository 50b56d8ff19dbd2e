"""Untrusted XML and zip files are refused with the file, the entry and the reason."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

import pytest

from claimdesk.core.formats import safe_files
from claimdesk.core.formats.base import FormatError
from claimdesk.core.formats.safe_files import (
    check_xml_prolog,
    load_json,
    open_zip,
    parse_xml,
    read_regular,
    walk_folder,
    xml_text,
)

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<r>&secret;</r>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;">]>
<r>&c;</r>"""
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://evil.example/x.dtd"><r/>'
PARAMETER = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://e.example/p">%p;]><r/>'


@pytest.mark.parametrize("data", [XXE, LAUGHS, EXTERNAL_DTD, PARAMETER])
@pytest.mark.parametrize("check", [parse_xml, check_xml_prolog])
def test_xml_with_entities_is_refused_naming_the_file(data: bytes, check: object) -> None:
    with pytest.raises(FormatError) as caught:
        check(data, Path("/somewhere/project.qde"), "entry project.qde")  # type: ignore[operator]
    message = str(caught.value)
    assert message.startswith("project.qde: entry project.qde: XML with external entities")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_entities_are_refused_in_other_encodings_too(encoding: str) -> None:
    name = encoding.upper().removesuffix("-BE")
    data = XXE.decode().replace('version="1.0"', f'version="1.0" encoding="{name}"')
    with pytest.raises(FormatError, match="external entities"):
        check_xml_prolog(data.encode(encoding), "a.xmi")


def test_secret_file_content_never_appears() -> None:
    with pytest.raises(FormatError) as caught:
        parse_xml(XXE, "a.xml")
    assert "root:" not in str(caught.value)


def test_ordinary_xml_parses_with_escaped_markup_kept_as_text() -> None:
    root = parse_xml(b'<r a="&lt;b&gt;">=SUM(A1)&amp;</r>', "a.xml")
    assert root.get("a") == "<b>"
    assert root.text == "=SUM(A1)&"
    check_xml_prolog(b"<r/>", "a.xml")  # no DOCTYPE: nothing to refuse


def test_malformed_xml_names_the_file_and_line() -> None:
    with pytest.raises(FormatError) as caught:
        parse_xml(b"<r>\n<a></r>", "bad.xml")
    assert str(caught.value).startswith("bad.xml: malformed XML")
    assert "line 2" in str(caught.value)


def test_xml_text_replaces_only_what_xml_cannot_hold() -> None:
    assert xml_text("a\x0cb\x00c\r\n\t😀") == "a\ufffdb\ufffdc\r\n\t😀"


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "climbs out of the archive"),
        ("sources/../../evil.txt", "climbs out of the archive"),
        ("/etc/cron.d/evil", "absolute path"),
        ("C:/Windows/evil.txt", "drive letter or a colon"),
        ("..\\evil.txt", "backslash"),
    ],
)
def test_zip_slip_entries_are_refused_naming_the_entry(
    tmp_path: Path, name: str, reason: str
) -> None:
    path = _zip(tmp_path / "hostile.qdpx", {"project.qde": b"<r/>", name: b"x"})
    with pytest.raises(FormatError) as caught:
        open_zip(path)
    message = str(caught.value)
    assert message.startswith(f"hostile.qdpx: entry {name}: refused")
    assert reason in message


def test_symlink_entries_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    info = zipfile.ZipInfo("sources/link.txt")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(
        FormatError, match=re.escape("entry sources/link.txt: refused: it is a symbolic link")
    ):
        open_zip(path)


def test_zip_bomb_by_ratio_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", {"sources/a.txt": b"\0" * (20 * 1024**2)})
    assert path.stat().st_size < 100_000
    with pytest.raises(FormatError) as caught:
        open_zip(path)
    assert "entry sources/a.txt" in str(caught.value)
    assert "zip bomb" in str(caught.value)


def test_too_many_entries_and_too_large_a_total_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"s/{i}.txt": b"abc" * 100 for i in range(30)})
    with pytest.raises(FormatError, match="30 entries"):
        open_zip(path, max_entries=20)
    with pytest.raises(FormatError, match="zip bomb"):
        open_zip(path, max_total=5_000)
    with open_zip(path) as archive:
        assert len(archive.names()) == 30
        assert archive.read("s/3.txt") == b"abc" * 100


def test_an_archive_declaring_too_many_entries_is_refused_before_its_directory_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _zip(tmp_path / "many.qdpx", {f"s/{i}.txt": b"x" for i in range(30)})

    def listing(*_args: object) -> None:
        raise AssertionError("the central directory was read")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", listing)
    with pytest.raises(FormatError, match=r"many\.qdpx: the archive has 30 entries"):
        open_zip(path, max_entries=20)


def test_damaged_entry_and_non_zip_are_reported(tmp_path: Path) -> None:
    path = _zip(tmp_path / "damaged.zip", {"a.txt": b"hello world " * 50})
    data = bytearray(path.read_bytes())
    offset = data.index(b"a.txt") + len(b"a.txt") + 5  # inside the compressed bytes
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with (
        open_zip(path) as archive,
        pytest.raises(FormatError, match=re.escape("entry a.txt: damaged")),
    ):
        archive.read("a.txt")
    not_zip = tmp_path / "text.qdpx"
    not_zip.write_text("just text")
    with pytest.raises(FormatError, match=re.escape("text.qdpx: is not a readable zip archive")):
        open_zip(not_zip)


# -- regular files, bounded reads, JSON -------------------------------------------------------


@pytest.mark.timeout(60)
def test_only_regular_files_are_read_and_nothing_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match=r"^pipe\.json: is a named pipe \(FIFO\); only regular"):
        read_regular(fifo, 100)
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(FormatError, match=r"^zero\.json: is a device; only regular files"):
        read_regular(link, 100)
    with pytest.raises(FormatError, match=r"^zero\.json: is a device"):
        open_zip(link)
    with pytest.raises(FormatError, match=r"^pipe\.json: is a named pipe \(FIFO\); only regular"):
        open_zip(fifo)
    with pytest.raises(FormatError, match=r"^pipe\.json: entry a: is a folder"):
        read_regular(tmp_path, 100, fifo, "entry a")


def test_a_file_over_the_limit_is_refused_with_sizes_that_differ(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * (3 * 1024**2 + 300 * 1024))
    with pytest.raises(FormatError, match=r"^big\.json: is 3\.3 MB; the limit is 3 MB$"):
        read_regular(path, 3 * 1024**2)
    path.write_bytes(b"x" * (3 * 1024**2 + 1))  # MB rounding would say "3 MB; the limit is 3 MB"
    with pytest.raises(
        FormatError, match=r"is 3,145,729 bytes; the limit is 3,145,728 bytes, 3 MB$"
    ):
        read_regular(path, 3 * 1024**2)
    assert read_regular(path, 4 * 1024**2) == b"x" * (3 * 1024**2 + 1)


def test_json_errors_become_sentences_with_the_line() -> None:
    with pytest.raises(FormatError, match=r"^t\.json: line 2: not valid JSON"):
        load_json(b"[1,\n oops]", Path("t.json"))
    with pytest.raises(FormatError, match=r"^t\.json: the JSON is nested too deeply to read$"):
        load_json(b"[" * 100_000 + b"]" * 100_000, Path("t.json"))
    with pytest.raises(FormatError, match=r"^t\.json: line 3: holds a number with thousands"):
        load_json(b"[\n0,\n" + b"7" * 5000 + b"]", Path("t.json"))
    with pytest.raises(FormatError, match=r"^t\.json: line 1: is not UTF-8 text \(byte 3\)"):
        load_json(b'["\xff"]', Path("t.json"))
    with pytest.raises(FormatError, match=r"^t\.json: holds 7 JSON items; the limit is 3$"):
        load_json(b"[[], [], []]", Path("t.json"), max_items=3)
    assert load_json(b'\xef\xbb\xbf{"a": [1]}', Path("t.json")) == {"a": [1]}


def test_too_many_xml_elements_are_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(safe_files, "MAX_XML_ELEMENTS", 10)
    with pytest.raises(FormatError, match=r"^p\.qde: entry p: holds 22 XML tags; the limit is 10"):
        parse_xml(b"<r>" + b"<a/>" * 20 + b"</r>", Path("p.qde"), "entry p")


def test_unknown_compression_and_corrupt_streams_are_named(tmp_path: Path) -> None:
    path = _zip(tmp_path / "odd.zip", {"a.txt": b"hello " * 100})
    data = bytearray(path.read_bytes())
    for marker, field in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(marker) + field
        data[at : at + 2] = (98).to_bytes(2, "little")  # PPMd
    path.write_bytes(bytes(data))
    with pytest.raises(FormatError, match=r"entry a\.txt: refused: it uses compression method 98"):
        open_zip(path)
    corrupt = _zip(tmp_path / "bad.zip", {"a.txt": b"hello " * 100})
    data = bytearray(corrupt.read_bytes())
    start = data.index(b"a.txt") + len(b"a.txt")
    data[start : start + 6] = b"\xff" * 6
    corrupt.write_bytes(bytes(data))
    with (
        open_zip(corrupt) as archive,
        pytest.raises(FormatError, match=r"entry a\.txt: damaged entry: the compressed data is"),
    ):
        archive.read("a.txt")


def test_an_entry_over_the_callers_limit_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = _zip(tmp_path / "a.zip", {"big.txt": b"x" * 5000})
    with open_zip(path) as archive:
        with pytest.raises(FormatError, match=r"entry big\.txt: it is 5,000 bytes; the limit is"):
            archive.read("big.txt", limit=4000)
        assert archive.read("big.txt", limit=5000) == b"x" * 5000


def test_a_walk_is_bounded_in_depth_without_recursion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "root"
    folder = deep
    for _ in range(40):
        folder = folder / "d"
    folder.mkdir(parents=True)
    with pytest.raises(FormatError, match=r"^root: entry d/d/.*: its folders are nested more"):
        list(walk_folder(deep))
    monkeypatch.setattr(safe_files, "MAX_FOLDER_DEPTH", 50)
    monkeypatch.setattr(safe_files, "MAX_FOLDER_ENTRIES", 10)
    with pytest.raises(FormatError, match=r"^root: holds more than 10 files and folders"):
        list(walk_folder(deep))
