"""Codebook files: the bundled ones load; a bad file is refused by name with the reason."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from claimdesk.core.codebook import MAX_BYTES, VERSION, Codebook, CodebookError, load_codebook
from claimdesk.core.paths import resources_dir, seeds_dir
from claimdesk.core.store.project import Project

COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def bundled_codebooks() -> list[Path]:
    return [seeds_dir() / "codebook.json", resources_dir() / "default-codebook.json"]


def raw_labels(path: Path) -> list[dict[str, Any]]:
    labels: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["labels"]
    return labels


def write(tmp_path: Path, labels: list[dict[str, Any]], **top: Any) -> Path:
    data = {"format": "claimdesk-codebook", "version": VERSION, "name": "Test", **top}
    data["labels"] = labels
    path = tmp_path / "my codebook.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    """Load a file that must be refused; return the message a user would read."""
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert path.name in message
    return message


# -- the bundled codebooks ------------------------------------------------------------------------


@pytest.mark.parametrize("path", bundled_codebooks(), ids=lambda p: p.name)
def test_bundled_codebook_loads_as_written(path: Path) -> None:
    codebook = load_codebook(path)
    raw = raw_labels(path)
    assert codebook.name == json.loads(path.read_text(encoding="utf-8"))["name"]
    assert [label.name for label in codebook.labels] == [entry["name"] for entry in raw]
    assert [label.colour for label in codebook.labels] == [entry["colour"].lower() for entry in raw]
    assert all(COLOUR.match(label.colour) for label in codebook.labels)
    assert [label.parent for label in codebook.labels] == [entry.get("parent") for entry in raw]


@pytest.mark.parametrize("path", bundled_codebooks(), ids=lambda p: p.name)
def test_bundled_shortcuts_are_unique_digits(path: Path) -> None:
    keys = [label.shortcut for label in load_codebook(path).labels if label.shortcut]
    assert keys, "a bundled codebook binds at least one key"
    assert len(keys) == len(set(keys))
    assert set(keys) <= set("123456789")


@pytest.mark.parametrize("path", bundled_codebooks(), ids=lambda p: p.name)
def test_bundled_parents_name_an_earlier_label(path: Path) -> None:
    seen: set[str] = set()
    for label in load_codebook(path).labels:
        if label.parent is not None:
            assert label.parent in seen
        seen.add(label.name)


def test_seed_codebook_has_groups() -> None:
    labels = load_codebook(seeds_dir() / "codebook.json").labels
    groups = {label.parent for label in labels if label.parent}
    assert groups, "the seed codebook groups its labels"
    # A group is itself a label, without a key of its own.
    assert all(next(lab for lab in labels if lab.name == g).shortcut is None for g in groups)


@pytest.mark.parametrize("path", bundled_codebooks(), ids=lambda p: p.name)
def test_project_created_with_codebook_has_its_labels_and_groups(
    path: Path, tmp_path: Path
) -> None:
    codebook = load_codebook(path)
    with Project.create(tmp_path / "p.claimdesk", codebook=codebook) as project:
        labels = project.labels()
    assert [(lab.name, lab.colour, lab.shortcut) for lab in labels] == [
        (entry.name, entry.colour, entry.shortcut) for entry in codebook.labels
    ]
    by_id = {label.id: label.name for label in labels}
    assert [by_id.get(label.parent_id) if label.parent_id else None for label in labels] == [
        entry.parent for entry in codebook.labels
    ]
    assert [label.position for label in labels] == sorted(label.position for label in labels)


def test_project_keeps_labels_after_reopening(tmp_path: Path) -> None:
    codebook = load_codebook(seeds_dir() / "codebook.json")
    path = tmp_path / "p.claimdesk"
    with Project.create(path, codebook=codebook) as project:
        before = project.labels()
    with Project.open(path) as project:
        assert project.labels() == before


# -- labels as people write them ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "<b>Bold</b> & <img src=x onerror=alert(1)>",
        "Claim 🧪 with emoji 🇷🇺",
        "主张 / 𠀀 rare CJK",
        "Ünïcödé café",
    ],
)
def test_unusual_label_names_load_and_store_as_given(name: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            {"name": "Group", "colour": "#000000"},
            {"name": name, "colour": "#ABCDEF", "shortcut": "1", "parent": "Group"},
        ],
    )
    codebook = load_codebook(path)
    assert codebook.labels[1].name == name
    assert codebook.labels[1].colour == "#abcdef"
    with Project.create(tmp_path / "p.claimdesk", codebook=codebook) as project:
        stored = {label.name: label for label in project.labels()}
    assert stored[name].parent_id == stored["Group"].id


def test_american_color_spelling_and_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    data = {
        "format": "claimdesk-codebook",
        "version": VERSION,
        "labels": [{"name": "Claim", "color": "#1F77B4", "shortcut": "Q"}],
    }
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode("utf-8"))
    codebook = load_codebook(path)
    assert codebook.labels[0].colour == "#1f77b4"
    assert codebook.labels[0].shortcut == "q"
    assert codebook.name == "bom"  # no name in the file: the file name


def test_name_white_space_is_tidied(tmp_path: Path) -> None:
    path = write(tmp_path, [{"name": "  Arms\n  embargo\t", "colour": "#000000"}])
    assert load_codebook(path).labels[0].name == "Arms embargo"


def test_codebook_is_a_plain_value() -> None:
    codebook = load_codebook(seeds_dir() / "codebook.json")
    assert isinstance(codebook, Codebook)
    assert codebook == load_codebook(seeds_dir() / "codebook.json")


# -- malformed files ------------------------------------------------------------------------------


def test_not_json_is_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "claimdesk-codebook",\n "version": 1,\n "labels": [,]}\n')
    message = refused(path)
    assert "not valid JSON" in message
    assert "line 3" in message


def test_deeply_nested_json_is_refused_not_crashing(tmp_path: Path) -> None:
    path = tmp_path / "nested.json"
    path.write_text('{"labels": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert "nested" in refused(path)


@pytest.mark.parametrize(
    "content",
    [
        {"format": "brat", "version": 1, "labels": []},
        {"version": 1, "labels": [{"name": "a", "colour": "#000000"}]},
        [{"name": "a", "colour": "#000000"}],
    ],
    ids=["other-format", "no-marker", "bare-list"],
)
def test_wrong_format_marker_is_refused(content: Any, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps(content))
    assert "not a Claimdesk codebook" in refused(path)


def test_newer_version_is_refused_asking_for_an_update(tmp_path: Path) -> None:
    path = write(tmp_path, [{"name": "a", "colour": "#000000"}], version=VERSION + 1)
    message = refused(path)
    assert "newer" in message
    assert str(VERSION + 1) in message


@pytest.mark.parametrize("version", [0, -1, True, "1", None, 1.5])
def test_nonsense_version_is_refused(version: Any, tmp_path: Path) -> None:
    path = write(tmp_path, [{"name": "a", "colour": "#000000"}], version=version)
    assert "version" in refused(path)


@pytest.mark.parametrize(
    ("labels", "problem"),
    [
        ([], "non-empty"),
        ([{"name": "Claim", "colour": "#000000"}, {"name": "claim", "colour": "#111111"}], "twice"),
        ([{"name": "Claim", "colour": "red"}], "colour"),
        ([{"name": "Claim", "colour": "#12345"}], "colour"),
        ([{"name": "Claim"}], "colour"),
        ([{"name": "Claim", "colour": "#000000", "shortcut": "12"}], "single key"),
        ([{"name": "Claim", "colour": "#000000", "shortcut": ""}], "single key"),
        (
            [
                {"name": "Claim", "colour": "#000000", "shortcut": "q"},
                {"name": "Hedge", "colour": "#111111", "shortcut": "Q"},
            ],
            "reuses the shortcut",
        ),
        ([{"name": "Claim", "colour": "#000000", "parent": "Later"}], "parent"),
        (
            [
                {"name": "Child", "colour": "#000000", "parent": "Group"},
                {"name": "Group", "colour": "#111111"},
            ],
            "parent",
        ),
        ([{"name": "Self", "colour": "#000000", "parent": "Self"}], "parent"),
        ([{"name": "   ", "colour": "#000000"}], "no name"),
        (["Claim"], "not an object"),
        ([{"name": "Claim", "colour": "#000000", "description": 3}], "description"),
    ],
    ids=[
        "no-labels",
        "duplicate-name",
        "colour-word",
        "colour-short",
        "colour-missing",
        "shortcut-two-chars",
        "shortcut-empty",
        "shortcut-reused",
        "parent-unknown",
        "parent-later",
        "parent-self",
        "blank-name",
        "label-not-object",
        "description-not-text",
    ],
)
def test_bad_label_is_refused_naming_the_problem(
    labels: list[Any], problem: str, tmp_path: Path
) -> None:
    assert problem in refused(write(tmp_path, labels))


def test_refusal_names_the_offending_label(tmp_path: Path) -> None:
    labels = [{"name": "Claim", "colour": "#000000"}, {"name": "Evidence", "colour": "blue"}]
    message = refused(write(tmp_path, labels))
    assert "'Evidence'" in message
    assert "'blue'" in message


def test_non_utf8_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    text = json.dumps(
        {
            "format": "claimdesk-codebook",
            "version": 1,
            "labels": [{"name": "Café", "colour": "#0"}],
        },
        ensure_ascii=False,
    )
    path.write_bytes(text.encode("latin-1"))
    assert "UTF-8" in refused(path)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    assert "too large" in refused(path)


def test_too_many_labels_are_refused(tmp_path: Path) -> None:
    labels = [{"name": f"Label {i}", "colour": "#000000"} for i in range(1001)]
    assert "at most" in refused(write(tmp_path, labels))


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    assert "does not exist" in refused(tmp_path / "nowhere.json")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    refused(folder)


# -- hostile codebook files (issue 10) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ({"name": "x" * 100_000}, "label 1: the label name is 100,000 characters long"),
        ({"name": "Arms\x1b[2J"}, "label 1: the label name holds control characters"),
        ({"name": "a\u202egpj"}, "label 1: the label name holds right-to-left override"),
        ({"name": "Claim", "description": "y" * 20_001}, "the description is 20,001 characters"),
    ],
)
def test_names_and_descriptions_beyond_the_limits_are_refused(
    label: dict[str, Any], problem: str, tmp_path: Path
) -> None:
    message = refused(write(tmp_path, [{"colour": "#000000", **label}]))
    assert problem in message
    assert "\x1b" not in message and "\u202e" not in message


def test_lone_surrogates_from_json_escapes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "surrogates.json"
    path.write_text(
        '{"format": "claimdesk-codebook", "version": 1,'
        ' "labels": [{"name": "Claim \\ud800", "colour": "#000000"}]}'
    )
    assert "unpaired surrogate" in refused(path)
    path.write_text(
        '{"format": "claimdesk-codebook", "version": 1, "guidelines": "Read \\udfff",'
        ' "labels": [{"name": "Claim", "colour": "#000000"}]}'
    )
    assert "the guidelines text holds an unpaired surrogate (\\udfff)" in refused(path)


def test_a_5000_digit_number_is_refused_not_crashing(tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text('{"format": "claimdesk-codebook", "version": ' + "9" * 5000 + ', "labels": []}')
    assert "number too long" in refused(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_or_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    assert "not a codebook file" in refused(tmp_path / "pipe.json")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    assert "not a codebook file" in refused(tmp_path / "zero.json")
