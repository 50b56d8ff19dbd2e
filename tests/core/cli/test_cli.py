"""claimdesk-cli as a user runs it: the installed console script, in its own process."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import resources_dir, seeds_dir
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import DEFAULT_CLEANUP_RULES, MAX_FOLDER_DEPTH

CJK_TITLE = "中苏关系 𠀀 talks resume 🇷🇺🤝🇨🇳"


def cli_path() -> str:
    found = shutil.which("claimdesk-cli", path=str(Path(sys.executable).parent))
    assert found, "claimdesk-cli is not installed beside this Python (pip install -e .)"
    return found


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [cli_path(), *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def failed(result: subprocess.CompletedProcess[str], *names: str) -> str:
    """A refusal: exit code 1, a one-paragraph message on stderr naming each file, no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("claimdesk-cli: error: ")
    assert "Traceback" not in result.stderr
    for name in names:
        assert name in result.stderr
    return result.stderr


def digest(path: Path) -> str:
    wal = Path(f"{path}-wal")
    data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    return hashlib.sha256(data).hexdigest()


def write_articles(folder: Path) -> dict[str, str]:
    """Two articles in a folder; return file name -> title."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = {
        "one.txt": ("Troops leave Mongolia", "Soviet troops began to leave."),
        "two.md": (CJK_TITLE, "双方代表在北京会面。"),
    }
    for name, (title, body) in articles.items():
        (folder / name).write_text(f"{title}\n\nAdvertisement\n\n{body}\n", encoding="utf-8")
    return {name: title for name, (title, _) in articles.items()}


@pytest.fixture
def made(tmp_path: Path) -> Path:
    """A project made by the CLI with the default codebook."""
    ok(run("new", "p.claimdesk", cwd=tmp_path))
    return tmp_path / "p.claimdesk"


# -- new ------------------------------------------------------------------------------------------


def test_new_uses_the_default_codebook(tmp_path: Path) -> None:
    out = ok(run("new", "claims.claimdesk", "--name", "My claims", cwd=tmp_path))
    codebook = load_codebook(resources_dir() / "default-codebook.json")
    assert "claims.claimdesk" in out
    assert f"{len(codebook.labels)} labels from default-codebook.json" in out
    with Project.open(tmp_path / "claims.claimdesk") as project:
        assert project.name == "My claims"
        assert [lab.name for lab in project.labels()] == [lab.name for lab in codebook.labels]
        assert project.documents() == []


def test_new_with_a_codebook_file_keeps_its_groups(tmp_path: Path) -> None:
    codebook_path = seeds_dir() / "codebook.json"
    out = ok(run("new", "seeded.claimdesk", "--codebook", codebook_path, cwd=tmp_path))
    codebook = load_codebook(codebook_path)
    assert f"{len(codebook.labels)} labels from codebook.json" in out
    with Project.open(tmp_path / "seeded.claimdesk") as project:
        labels = project.labels()
        assert project.name == "seeded"
    names = {label.id: label.name for label in labels}
    assert [(lab.name, names.get(lab.parent_id) if lab.parent_id else None) for lab in labels] == [
        (entry.name, entry.parent) for entry in codebook.labels
    ]


def test_new_without_a_codebook_has_no_labels(tmp_path: Path) -> None:
    out = ok(run("new", "empty.claimdesk", "--no-codebook", cwd=tmp_path))
    assert "no codebook" in out
    with Project.open(tmp_path / "empty.claimdesk") as project:
        assert project.labels() == []


def test_new_refuses_an_existing_file_and_leaves_it_alone(made: Path) -> None:
    before = digest(made)
    failed(run("new", made.name, cwd=made.parent), made.name)
    assert digest(made) == before


def test_new_refuses_a_name_without_the_project_suffix(tmp_path: Path) -> None:
    stderr = failed(run("new", "claims.db", cwd=tmp_path), "claims.db")
    assert ".claimdesk" in stderr
    assert list(tmp_path.iterdir()) == []


def test_new_with_a_bad_codebook_creates_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"format": "claimdesk-codebook", "version": 99}')
    stderr = failed(run("new", "p.claimdesk", "--codebook", "bad.json", cwd=tmp_path), "bad.json")
    assert "newer" in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bad.json"]


def test_new_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    failed(run("new", "nowhere/p.claimdesk", cwd=tmp_path), "p.claimdesk", "nowhere")


def test_new_refuses_both_codebook_options(tmp_path: Path) -> None:
    codebook = seeds_dir() / "codebook.json"
    result = run("new", "p.claimdesk", "--codebook", codebook, "--no-codebook", cwd=tmp_path)
    assert result.returncode == 2
    assert "--no-codebook" in result.stderr
    assert list(tmp_path.iterdir()) == []


# -- import ---------------------------------------------------------------------------------------


def test_import_files_and_folders_lists_what_it_did(made: Path) -> None:
    folder = made.parent / "articles"
    titles = write_articles(folder)
    single = made.parent / "single.txt"
    single.write_text("Border talks\n\nThe frontier is calm.\n", encoding="utf-8")
    out = ok(run("import", made, folder, single, cwd=made.parent))
    for title in [*titles.values(), "Border talks"]:
        assert f"  {title}" in out
    assert out.count("imported  #") == 3
    assert "3 imported, 0 duplicate(s) skipped, 0 rejected." in out
    with Project.open(made) as project:
        documents = project.documents()
        assert sorted(doc.title for doc in documents) == sorted([*titles.values(), "Border talks"])
        assert all("Advertisement" not in project.document_text(doc.id) for doc in documents)


def test_import_twice_skips_and_reports_duplicates(made: Path) -> None:
    folder = made.parent / "articles"
    titles = write_articles(folder)
    ok(run("import", made, folder, cwd=made.parent))
    out = ok(run("import", made, folder, cwd=made.parent))
    assert out.count("skipped   ") == len(titles)
    for name, title in titles.items():
        assert f"{name}: same text as {title!r}" in out
    assert f"0 imported, {len(titles)} duplicate(s) skipped" in out
    with Project.open(made) as project:
        assert len(project.documents()) == len(titles)


def test_import_with_a_bad_file_changes_nothing(made: Path) -> None:
    folder = made.parent / "articles"
    write_articles(folder)
    (folder / "empty.txt").write_bytes(b"")
    before = digest(made)
    stderr = failed(run("import", made, folder, cwd=made.parent), "empty.txt")
    assert "Nothing was imported" in stderr
    assert "--skip-invalid" in stderr
    assert digest(made) == before
    with Project.open(made) as project:
        assert project.documents() == []


def test_import_skip_invalid_imports_the_rest(made: Path) -> None:
    folder = made.parent / "articles"
    titles = write_articles(folder)
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8)
    out = ok(run("import", made, folder, "--skip-invalid", cwd=made.parent))
    assert "rejected  " in out and "picture.txt" in out
    assert f"{len(titles)} imported, 0 duplicate(s) skipped, 1 rejected." in out
    with Project.open(made) as project:
        assert sorted(doc.title for doc in project.documents()) == sorted(titles.values())


def test_import_skip_invalid_with_every_file_invalid_says_none_could_be(made: Path) -> None:
    (made.parent / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8)
    (made.parent / "empty.txt").write_bytes(b"")
    before = digest(made)
    result = run("import", made, "bin.txt", "empty.txt", "--skip-invalid", cwd=made.parent)
    stderr = failed(result, "bin.txt", "empty.txt")
    head, *lines, tail = stderr.strip().splitlines()
    assert head == "claimdesk-cli: error: None of the 2 files could be imported:"
    assert [line.split(":")[0].strip() for line in lines] == ["bin.txt", "empty.txt"]
    assert all(line.split(":", 1)[1].strip() for line in lines)  # each with its problem
    assert tail == "The project is unchanged."
    assert "--skip-invalid" not in stderr  # it was given: suggesting it again would not help
    assert digest(made) == before
    with Project.open(made) as project:
        assert project.documents() == []


def test_import_no_clean_keeps_debris(made: Path) -> None:
    folder = made.parent / "articles"
    write_articles(folder)
    ok(run("import", made, folder / "one.txt", "--no-clean", cwd=made.parent))
    with Project.open(made) as project:
        (document,) = project.documents()
        assert "Advertisement" in project.document_text(document.id).split("\n")


def test_import_into_a_missing_project_is_refused(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles")
    failed(run("import", "gone.claimdesk", "articles", cwd=tmp_path), "gone.claimdesk")
    assert not (tmp_path / "gone.claimdesk").exists()


# -- list -----------------------------------------------------------------------------------------


def test_list_shows_ids_counts_and_titles(made: Path) -> None:
    titles = write_articles(made.parent / "articles")
    ok(run("import", made, made.parent / "articles", cwd=made.parent))
    with Project.open(made) as project:
        documents = {doc.title: doc.id for doc in project.documents()}
        annotator = project.ensure_annotator("Ana").id
        label = project.labels()[0].id
        target = documents[titles["two.md"]]
        project.add_annotation(target, label, annotator, 0, 4)
        project.add_annotation(target, label, annotator, 5, 6)
    out = ok(run("list", made, cwd=made.parent))
    rows = {line.split(None, 2)[2]: line.split()[:2] for line in out.splitlines()[1:-1]}
    assert rows == {
        title: [str(document_id), "2" if document_id == target else "0"]
        for title, document_id in documents.items()
    }
    assert CJK_TITLE in out
    assert out.splitlines()[-1] == f"{len(titles)} document(s), 2 annotation(s)."


def test_list_of_an_empty_project_says_how_to_import(made: Path) -> None:
    out = ok(run("list", made, cwd=made.parent))
    assert "no documents" in out
    assert "claimdesk-cli import" in out


def test_list_refuses_a_file_that_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "notes.claimdesk").write_text("just some notes\n")
    stderr = failed(run("list", "notes.claimdesk", cwd=tmp_path), "notes.claimdesk")
    assert "not a Claimdesk project" in stderr
    assert (tmp_path / "notes.claimdesk").read_text() == "just some notes\n"


def test_list_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    stderr = failed(run("list", "gone.claimdesk", cwd=tmp_path), "gone.claimdesk")
    assert "does not exist" in stderr
    assert not (tmp_path / "gone.claimdesk").exists()


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    ],
    ids=["ascii-output", "c-locale"],
)
def test_list_never_crashes_on_a_terminal_without_unicode(made: Path, env: dict[str, str]) -> None:
    write_articles(made.parent / "articles")
    ok(run("import", made, made.parent / "articles", cwd=made.parent))
    result = subprocess.run(
        [cli_path(), "list", str(made)],
        cwd=made.parent,
        env={**os.environ, **env},
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("ascii")  # the terminal's encoding: nothing it cannot show
    assert "Troops leave Mongolia" in out
    assert "talks resume" in out  # the rest of the title survives its unprintable characters


# -- rules and help -------------------------------------------------------------------------------


def test_rules_lists_every_cleanup_rule(tmp_path: Path) -> None:
    out = ok(run("rules", cwd=tmp_path))
    for rule in DEFAULT_CLEANUP_RULES:
        assert f"- {rule.name}: " in out
    assert "--no-clean" in out


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ((), ["new", "import", "list", "rules"]),
        (("new",), ["PROJECT", "--codebook", "--no-codebook", "--name", ".claimdesk"]),
        (("import",), ["PROJECT", "PATH", "--no-clean", "--skip-invalid"]),
        (("list",), ["PROJECT"]),
        (("rules",), ["rules"]),
    ],
    ids=["main", "new", "import", "list", "rules"],
)
def test_help_of_each_command(
    command: tuple[str, ...], mentions: list[str], tmp_path: Path
) -> None:
    out = ok(run(*command, "--help", cwd=tmp_path))
    assert out.startswith(f"usage: claimdesk-cli {' '.join(command)}".rstrip())
    for word in mentions:
        assert word in out


def test_no_command_is_a_usage_error(tmp_path: Path) -> None:
    result = run(cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: claimdesk-cli" in result.stderr


# -- hostile article folders (issue 10) -----------------------------------------------------------


def test_import_of_a_hostile_folder_names_each_file_safely_and_never_hangs(made: Path) -> None:
    folder = made.parent / "hostile"
    write_articles(folder)
    raw = os.fsencode(folder)
    with open(os.path.join(raw, b"caf\xe9.txt"), "wb") as handle:
        handle.write("Café owners protest\n\nRents doubled.\n".encode())
    with open(os.path.join(raw, "evil\x1b[2J\u202etxt.md".encode()), "wb") as handle:
        handle.write("Damaged 🙂 text\n\nCaf".encode() + b"\xe9 society, " + "𠀀.\n".encode())
    os.mkfifo(folder / "pipe.txt")
    before = digest(made)

    # The pipe refuses the whole import, by name, without blocking and without a traceback.
    stderr = failed(run("import", made, folder, cwd=made.parent), "pipe.txt")
    assert "is a named pipe, not a regular file" in stderr
    assert digest(made) == before

    out = ok(run("import", made, folder, "--skip-invalid", cwd=made.parent))
    assert "imported  #" in out and "Café owners protest" in out
    assert "rejected  " in out and "pipe.txt: is a named pipe, not a regular file" in out
    assert "evil\\x1b[2J\\u202etxt.md: 1 byte(s) that are not UTF-8 were replaced" in out
    assert "4 imported, 1 with warnings, 0 duplicate(s) skipped, 1 rejected." in out
    assert "\x1b" not in out and "\u202e" not in out
    listing = ok(run("list", made, cwd=made.parent))
    assert "Café owners protest" in listing and "Damaged 🙂 text" in listing


def test_import_of_a_folder_nested_too_deep_says_so(made: Path) -> None:
    root = made.parent / "deep"
    folder = root
    for _ in range(MAX_FOLDER_DEPTH + 1):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "bottom.txt").write_text("Too deep\n\nText.\n")
    stderr = failed(run("import", made, root, cwd=made.parent))
    assert f"is more than {MAX_FOLDER_DEPTH} folders deep; deeper folders are not searched" in (
        stderr
    )


def test_new_prints_a_hostile_file_name_escaped(tmp_path: Path) -> None:
    out = ok(run("new", "evil\x1b[2J\u202e.claimdesk", "--no-codebook", cwd=tmp_path))
    assert "Created evil\\x1b[2J\\u202e.claimdesk (no codebook)." in out
    stderr = failed(run("new", "evil\x1b[2J.db", cwd=tmp_path), "evil\\x1b[2J.db")
    assert "\x1b" not in stderr
