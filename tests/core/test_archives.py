"""One set of rules for every zip from someone else: exercise, submission and dataset readers
refuse the same hostile entries with the same sentence, naming the file and the entry."""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from claimdesk.core.archives import ArchiveError, ArchiveLimits, name_problem, open_archive
from claimdesk.core.classroom.collect import read_submission
from claimdesk.core.classroom.exercise import read_exercise
from claimdesk.core.errors import ProjectError
from claimdesk.core.formats import registry
from claimdesk.core.limits import printable

READERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "exercise": (".claimdesk-exercise", read_exercise),
    "submission": (".claimdesk-submission", read_submission),
    "qdpx dataset": (".qdpx", registry.get("qdpx").read),
    "uima-xmi dataset": (".zip", registry.get("uima-xmi").read),
}

HOSTILE_NAMES = [
    ("../evil.txt", "its path climbs out of the archive ('..')"),
    ("sources/../../evil.txt", "its path climbs out of the archive ('..')"),
    ("/etc/cron.d/evil", "it has an absolute path"),
    ("C:/Windows/evil.txt", "its name holds a drive letter or a colon"),
    ("1:x", "its name holds a drive letter or a colon"),
    ("a//b.json", "its path has an empty or '.' part"),
    ("./a.json", "its path has an empty or '.' part"),
    ("a/./b.json", "its path has an empty or '.' part"),
    ("..\\evil.txt", "its name holds a backslash"),
    ("sources\\a.txt", "its name holds a backslash"),
    ("e\u0301.txt", "its name is not in Unicode normal form NFC"),
    ("a\x1b[2J.txt", "its name holds a control character"),
    ("a\u0085b.txt", "its name holds a control character"),
]


def _entry(name: str, kind: int = stat.S_IFREG) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (kind | 0o644) << 16
    return info


def _zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def _refused(
    reader: str, tmp_path: Path, hostile: list[tuple[zipfile.ZipInfo | str, bytes]]
) -> str:
    suffix, read = READERS[reader]
    path = _zip(tmp_path / f"hostile{suffix}", [("mimetype", b"x"), *hostile])
    with pytest.raises(ProjectError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"hostile{suffix}: ")
    assert "Traceback" not in message
    return message.removeprefix(f"hostile{suffix}: ")


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(("name", "reason"), HOSTILE_NAMES, ids=[n for n, _ in HOSTILE_NAMES])
def test_every_reader_refuses_the_same_hostile_names_with_the_same_sentence(
    tmp_path: Path, reader: str, name: str, reason: str
) -> None:
    message = _refused(reader, tmp_path, [(name, b"x")])
    assert message == f"entry {printable(name)}: refused: {reason}"
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (stat.S_IFLNK, "it is a symbolic link"),
        (stat.S_IFIFO, "it is a special file (a device, pipe or socket), not a file"),
        (stat.S_IFCHR, "it is a special file (a device, pipe or socket), not a file"),
    ],
    ids=["link", "fifo", "device"],
)
def test_every_reader_refuses_links_and_special_entries(
    tmp_path: Path, reader: str, kind: int, reason: str
) -> None:
    message = _refused(reader, tmp_path, [(_entry("data.json", kind), b"/etc/passwd")])
    assert message == f"entry data.json: refused: {reason}"


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_refuses_a_name_that_appears_twice(tmp_path: Path, reader: str) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        message = _refused(reader, tmp_path, [("data.json", b"{}"), ("data.json", b"[]")])
    assert message == "entry data.json: refused: the name appears twice"


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_refuses_a_zip_bomb(tmp_path: Path, reader: str) -> None:
    message = _refused(reader, tmp_path, [("data.json", b" " * (20 * 1024**2))])
    assert message.startswith("entry data.json: refused: it is compressed ")
    assert message.endswith(" times (limit 200): a zip bomb")


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_says_the_same_of_a_file_that_is_no_zip(tmp_path: Path, reader: str) -> None:
    suffix, read = READERS[reader]
    path = tmp_path / f"text{suffix}"
    path.write_text("just text")
    with pytest.raises(ProjectError) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"text{suffix}: is not ")  # "a Claimdesk exercise (not ..."
    assert "a readable zip archive" in message and "File is not a zip file" in message


@pytest.mark.parametrize(
    "name", ["mimetype", "sources/", "sources/a b.txt", "日本語/記事.txt", "e\u00e9.txt", "a.b..c"]
)
def test_ordinary_names_pass(name: str) -> None:
    assert name_problem(name) is None


def test_limits_are_per_kind_of_file_and_refusals_name_the_file(tmp_path: Path) -> None:
    path = _zip(tmp_path / "three.zip", [("a", b"1"), ("b", b"2"), ("c", b"3")])
    with pytest.raises(ArchiveError, match=r"^three\.zip: the archive has 3 entries \(limit 2\)$"):
        open_archive(path, ArchiveLimits(entries=2, total=3, entry=1))
    with pytest.raises(ArchiveError, match=r"^three\.zip: entry b: refused: the archive unpacks"):
        open_archive(path, ArchiveLimits(entries=3, total=1, entry=1))
    with open_archive(path, ArchiveLimits(entries=3, total=3, entry=1)) as archive:
        assert archive.names() == ["a", "b", "c"]
        with pytest.raises(ArchiveError, match=r"^three\.zip: entry c: it is 1 bytes; the limit"):
            archive.read("c", limit=0)
        assert archive.read("c") == b"3"


@pytest.mark.parametrize(
    ("reader", "what"), [("exercise", "exercise"), ("submission", "submission")]
)
def test_a_classroom_file_over_the_size_limit_says_so_like_every_other_file(
    tmp_path: Path, reader: str, what: str
) -> None:
    suffix, read = READERS[reader]
    path = tmp_path / f"big{suffix}"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024**2 + 1024)  # sparse: refused by its size, never read
    with pytest.raises(ProjectError) as caught:
        read(path)
    assert str(caught.value) == (
        f"big{suffix}: is too large for a Claimdesk {what} (100.001 MB; the limit is 100 MB)"
    )
