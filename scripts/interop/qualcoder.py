"""Regenerate the QualCoder fixtures: .qdpx files written by QualCoder, coded in its editor.

    python scripts/interop/qualcoder.py --qualcoder-src /tmp/qualcoder-src \\
        --python /tmp/qcvenv/bin/python [--qualcoder-commit SHA] [--out DIR]

1. builds the interop project (tests/core/formats/interop_source.py) and exports it with
   Claimdesk's REFI-QDA exporter; the first document's text, as that export holds it, becomes a
   plain text file;
2. runs ``qualcoder_session.py`` twice with QualCoder's Python (its own venv; offscreen, a
   temporary HOME so QualCoder's ~/.qualcoder settings and export scratch folder are thrown
   away): a new project with the text file imported, codes added and applied in QualCoder's
   coding editor to words after the emoji, coding memos, a second coder, then QualCoder's
   REFI-QDA project export; and Claimdesk's whole export through QualCoder's REFI-QDA project
   import, two codings added in its editor, and its export;
3. keeps what QualCoder wrote in DIR (default tests/core/formats/data/interop/qualcoder):
   ``qualcoder.qdpx`` and ``roundtrip.qdpx`` (QualCoder's bytes), ``codings.json`` and
   ``roundtrip.json`` (its code_text and code_name tables, the editor selections, what its
   editor highlights) and ``README.md``.

Nothing is fetched: QualCoder's source is a checkout (``--qualcoder-src``: the repository or
its ``src`` folder) and its venv is made beforehand (PyQt6 and QualCoder's requirements from
PyPI; sentence-transformers/PyTorch may be left out, see qualcoder_session.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from claimdesk.core.formats.export import export_dataset  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from tests.core.formats.interop_source import SPANS, TEXTS, build  # noqa: E402

SESSION = Path(__file__).with_name("qualcoder_session.py")
DEFAULT_OUT = ROOT / "tests/core/formats/data/interop/qualcoder"
TEXT_FILE = "families-in-heihe.txt"
NS = "{urn:QDA-XML:project:1.0}"


def _note(annotator: str, words: str) -> str:
    return next(s[4] for s in SPANS if s[0] == 0 and s[1] == annotator and s[3] == words)


# (coder, code, words selected in QualCoder's editor, coding memo), in the order they are made.
# All come after the family emoji (3 UTF-16 units more than code points), the last two Claims
# also after the pistol emoji and 𠀋. Ana's and Ben's "arms embargo" are the same words.
CODINGS = [
    ("Ana", "Claim", "arms embargo", _note("Ana", "arms embargo")),
    ("Ana", "Claim", "barter trade", ""),
    ("Ana", "Claim", "troop reduction", _note("Ana", "troop reduction")),
    ("Ben", "Claim", "arms embargo", _note("Ben", "arms embargo")),
    ("Ben", "Source", "Heihe", ""),
]


# Added in QualCoder's editor to Claimdesk's project after QualCoder imported it (roundtrip.qdpx).
ADDED_AFTER_IMPORT = [
    ("Ana", "Claim", "barter trade", "added in QualCoder, after the 🔫"),
    ("Ben", "Source", "Heihe", ""),
]


def claimdesk_export(folder: Path) -> tuple[Path, bytes]:
    """Claimdesk's .qdpx export of the interop project, and its first document's text as
    that export writes it."""
    out = folder / "claimdesk.qdpx"
    with Project.open(build(folder / "interop.claimdesk")) as project:
        export_dataset(project, "qdpx", out)
    with zipfile.ZipFile(out) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        source = root.find(f"{NS}Sources/{NS}TextSource")
        assert source is not None, "Claimdesk's export holds no TextSource"
        entry = "sources/" + source.get("plainTextPath", "").removeprefix("internal://")
        data = archive.read(entry)
    if data.decode("utf-8") != TEXTS[0]:
        raise SystemExit("Claimdesk's export does not hold the first interop text first")
    return out, data


def source_folder(path: Path) -> Path:
    for candidate in (path / "src", path):
        if (candidate / "qualcoder" / "refi.py").is_file():
            return candidate
    raise SystemExit(f"{path}: no QualCoder source here (looked for src/qualcoder/refi.py)")


def commit_of(path: Path, given: str | None) -> str:
    if given:
        return given
    done = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def run_session(python: str, src: Path, folder: Path, **task: object) -> dict[str, Any]:
    """One QualCoder session in ``folder`` (its HOME, projects and export folder inside)."""
    for name in ("home", "projects", "export"):
        (folder / name).mkdir(parents=True)
    plan = {
        "src": str(src),
        "project": str(folder / "projects" / "claimdesk-interop"),
        "out": str(folder / "export"),
        "result": str(folder / "result.json"),
        **task,
    }
    (folder / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(folder / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": "",
        "PYTHONNOUSERSITE": "1",
    }
    # -P: the script's own folder (which holds this qualcoder.py) must not shadow QualCoder.
    done = subprocess.run(
        [python, "-P", str(SESSION), str(folder / "plan.json")],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not (folder / "result.json").is_file():
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"QualCoder's session failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    if done.returncode != 0:
        sys.stderr.write("\n".join(map(str, result["failures"])) + "\n")
        raise SystemExit(f"QualCoder's session failed (exit {done.returncode})")
    if len(result["exports"]) != 1:
        raise SystemExit(f"QualCoder exported {result['exports']}, not one .qdpx")
    return result


README = """\
# QualCoder fixtures

Written by QualCoder {version} (`App.version`) from its public source (ccbogel/QualCoder),
commit `{commit}`, with PyQt6 {pyqt} and Qt {qt},
run offscreen on {date} by `scripts/interop/qualcoder.py`, which drives QualCoder's main
window as a user would. Only the file dialogs are answered by the script; QualCoder's other
dialogs are the real ones, filled in and accepted. QualCoder's AI search imports
sentence-transformers (PyTorch) at start-up and never runs here: {stubbed}.

## `qualcoder.qdpx`: codings made in QualCoder's editor

The bytes of QualCoder's own REFI-QDA project export (`refi.py`, `RefiExport`, "No change to
line endings"). `codings.json` holds what QualCoder's database held just before the export: its
`code_text` rows (`pos0`, `pos1`: the editor's positions), its `code_name` rows, and the editor
selections that made them.

1. Project > New project (`MainWindow.new_project`);
2. Manage files > Import: `{text_file}`, the first interop text as Claimdesk's .qdpx
   export of `tests/core/formats/interop_source.py` writes it (family emoji, pistol emoji, 𠀋);
3. Code text: codes added with QualCoder's "Add new code" dialog (colours drawn by QualCoder from
   its palette), the file opened from the file list, then for each coding the code picked in the
   tree, the words selected with a `QTextCursor` that the editor's own document found
   (`QPlainTextEdit.document().find`), and Q pressed (QualCoder's quick mark, `mark()`); memos
   typed into "Memo for coded text"; the coder changed in Settings between Ana and Ben:
{codings}
4. Project > Export REFI-QDA project.

What QualCoder writes: one `User` per coder name (QualCoder keeps no user table: names are
collected from its rows), GUIDs in lower case, the project named after its folder
(`claimdesk-interop.qda`) with `origin="QualCoder <version>"`; each code with the colour it
drew; each coding as a `PlainTextSelection` whose `startPosition`/`endPosition` are the editor's
positions (UTF-16 code units: after the family emoji three more than code points) and whose
`name` is the selected text, its memo as the selection's `Description` (through `html.escape`,
which XML reads back as typed); the source's plain text with a UTF-8 byte-order mark, plus an
unreferenced copy of the imported file (without one) under another GUID.

## `roundtrip.qdpx`: Claimdesk's export through QualCoder, with codings added there

Claimdesk's .qdpx export of the whole interop project (3 texts, Ana and Ben, 12 spans with
notes) opened with Project > Import REFI-QDA project (`RefiImport`) into a new QualCoder project;
two codings added in the coding editor as above (the file clicked in the list):
{added}
then every file opened in the editor, and Project > Export REFI-QDA project. `roundtrip.json`
holds QualCoder's `code_name` and `code_text` rows after that and, for each coding, the
characters QualCoder's coding editor highlights for it (`editor_highlights`: what its
`highlight()` colours, a `QTextCursor` from `pos0` to `pos1`).

QualCoder's import takes REFI-QDA positions as code points (`seltext = fulltext[pos0:pos1]`), so
its database holds the right words and its export gives back Claimdesk's positions; but its
coding editor counts UTF-16 units, so after an emoji it highlights other characters ("he arms
emba" for "arms embargo"), while the codings made in its editor are stored in UTF-16 units: one
source of its export then holds positions in both units, each selection `name`d by its words.
It keeps users (adding "default" as the owner of the sources), notes (as coding memos),
selection dates, document titles (as source names) and descriptions, and codes, but moves each
code's colour to the nearest colour of its palette and gives everything new GUIDs (Claimdesk's
selection and coding GUIDs are gone).

## Regenerate

QualCoder's source checked out in /tmp/qualcoder-src, its requirements from PyPI in a throw-away
venv /tmp/qcvenv:

    python scripts/interop/qualcoder.py --qualcoder-src /tmp/qualcoder-src \\
        --python /tmp/qcvenv/bin/python \\
        --qualcoder-commit {commit}

QualCoder's GUIDs are random (uuid4) and its dates are the run's, so a new run differs in those
(and in the temporary path Claimdesk's export gives as each document's source).

The venv (about 1.2 GB): QualCoder's `requirements.txt` without PyTorch, transformers,
sentence-transformers and PyInstaller:

    python3.11 -m venv /tmp/qcvenv && /tmp/qcvenv/bin/pip install PyQt6 qtawesome \\
        diff-match-patch emoji odfpy openpyxl pandas pymupdf pdfminer.six Pillow rispy EbookLib \\
        charset-normalizer PyYAML markdown-it-py langchain-core langchain-community \\
        langchain-openai biopython httpx "mcp>=1.2.1,<2" python-vlc striprtf \\
        "pylatexenc>=2.10,<3" plotly numpy networkx matplotlib wordcloud json_repair requests \\
        six ply huggingface_hub faiss-cpu
"""


def pyqt_versions(python: str) -> list[str]:
    return subprocess.run(
        [
            python,
            "-c",
            "from PyQt6.QtCore import PYQT_VERSION_STR as v, qVersion; print(v, qVersion())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qualcoder-src", required=True, type=Path, help="QualCoder checkout")
    parser.add_argument("--python", required=True, help="the Python of QualCoder's venv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixture folder")
    parser.add_argument(
        "--qualcoder-commit", help="the checkout's commit, if it is no git work tree"
    )
    args = parser.parse_args(argv)
    src = source_folder(args.qualcoder_src.resolve())
    commit = commit_of(args.qualcoder_src, args.qualcoder_commit)
    temp = Path(tempfile.mkdtemp(prefix="claimdesk-qualcoder-"))
    try:
        qdpx, text = claimdesk_export(temp)
        text_file = temp / TEXT_FILE
        text_file.write_bytes(text)
        coded = run_session(
            args.python,
            src,
            temp / "coded",
            text_file=str(text_file),
            coder=CODINGS[0][0],
            codings=CODINGS,
        )
        roundtrip = run_session(
            args.python,
            src,
            temp / "roundtrip",
            reimport=str(qdpx),
            coder=ADDED_AFTER_IMPORT[0][0],
            codings=ADDED_AFTER_IMPORT,
        )
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(coded["exports"][0], args.out / "qualcoder.qdpx")
        shutil.copyfile(roundtrip["exports"][0], args.out / "roundtrip.qdpx")
        about = {"version": coded["version"], "commit": commit}
        write_json(
            args.out / "codings.json",
            {
                "qualcoder": about,
                "project": coded["project"],
                "code_name": coded["codes"],
                "code_text": coded["code_text"],
                "editor_selections": coded["selections"],
            },
        )
        write_json(
            args.out / "roundtrip.json",
            {
                "qualcoder": about,
                "code_name": roundtrip["codes"],
                "code_text": roundtrip["code_text"],
                "editor_selections": roundtrip["selections"],
                "editor_highlights": roundtrip["editor_highlights"],
            },
        )
        pyqt, qt = pyqt_versions(args.python)
        codings, added = (
            "\n".join(
                f"   - {coder}: {code} on {words!r}" + (f", memo {memo!r}" if memo else "")
                for coder, code, words, memo in made
            )
            for made in (CODINGS, ADDED_AFTER_IMPORT)
        )
        (args.out / "README.md").write_text(
            README.format(
                version=str(coded["version"]).removeprefix("QualCoder "),
                commit=commit,
                pyqt=pyqt,
                qt=qt,
                date=datetime.now(UTC).date().isoformat(),
                text_file=TEXT_FILE,
                codings=codings,
                added=added,
                stubbed=(
                    "an empty module stood in for it"
                    if coded.get("stubbed")
                    else "it was installed"
                ),
            ),
            encoding="utf-8",
        )
        print(f"wrote {args.out}: qualcoder.qdpx, codings.json, roundtrip.qdpx, roundtrip.json")
        for line in [*coded["log"], *roundtrip["log"]]:
            print("  QualCoder:", line.splitlines()[0])
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
