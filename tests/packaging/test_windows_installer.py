"""The Inno Setup script, checked here for syntax and for every file it names.

It is compiled only on Windows (iscc); this project's CI cannot run it. The one-folder layout
it packs (claimdesk.exe beside _internal/) is the one `make dist` builds here on Linux.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "windows" / "claimdesk.iss"
SECTIONS = {"Setup", "Tasks", "Files", "Icons", "Registry", "Run", "UninstallDelete"}
ENTRY = re.compile(r'^(\w+): ("(?:[^"]|"")*"|[^;]*?)(; (\w+): ("(?:[^"]|"")*"|[^;]*?))*$')


def _version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def _lines() -> list[tuple[str, str]]:
    """(section, line) for every entry line, with #define constants substituted.

    AppVersion is given as the build gives it (/DAppVersion=…, or `make dist`'s version.iss).
    """
    text = SCRIPT.read_text("utf-8")
    defines = {
        "AppVersion": _version(),
        **dict(re.findall(r'^#define (\w+) "([^"]*)"$', text, re.M)),
    }
    out: list[tuple[str, str]] = []
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue  # comments and preprocessor lines (#define, #ifndef, #include, #endif)
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            section = header.group(1)
            assert section in SECTIONS, f"unknown section [{section}]"
            continue
        for name in re.findall(r"\{#(\w+)\}", line):
            assert name in defines, f"{{#{name}}} is not defined"
            line = line.replace(f"{{#{name}}}", defines[name])
        assert section, f"line outside a section: {raw}"
        out.append((section, line))
    return out


def _params(line: str) -> dict[str, str]:
    assert ENTRY.match(line), f"not a valid entry line: {line}"
    params = {}
    for part in re.findall(r'(\w+): ("(?:[^"]|"")*"|[^;]+)', line):
        value = part[1].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('""', '"')
        params[part[0]] = value
    return params


def test_every_line_is_well_formed() -> None:
    lines = _lines()
    assert {s for s, _ in lines} >= {"Setup", "Files", "Icons", "Registry"}
    for section, line in lines:
        if section == "Setup":
            assert re.fullmatch(r"\w+=.+", line), line
        else:
            _params(line)
            assert line.count('"') % 2 == 0, f"unbalanced quotes: {line}"


def _windows_path(path: str) -> Path:
    return (SCRIPT.parent / path.replace("\\", "/")).resolve()


def test_the_version_is_the_one_of_pyproject_toml() -> None:
    """The script states no version of its own: the build hands it pyproject.toml's."""
    text = SCRIPT.read_text("utf-8")
    assert not re.search(r"^#define AppVersion", text, re.M)
    assert "AppVersion={#AppVersion}" in text
    # Without /DAppVersion=… it includes the file packaging/claimdesk.spec writes beside the
    # bundle (DISTPATH, dist/ by default); test_bundle.py checks that file's contents.
    block = re.search(r'^#ifndef AppVersion\n#include "([^"]+)"\n#endif$', text, re.M)
    assert block, "AppVersion must come from /DAppVersion=… or the generated include"
    assert _windows_path(block.group(1)) == ROOT / "dist" / "version.iss"
    spec = (ROOT / "packaging" / "claimdesk.spec").read_text("utf-8")
    assert 'Path(DISTPATH, "version.iss")' in spec
    assert '#define AppVersion "{VERSION}"' in spec


def test_repository_files_it_names_exist() -> None:
    setup = dict(line.split("=", 1) for s, line in _lines() if s == "Setup")
    assert _windows_path(setup["SetupIconFile"]).is_file()
    for section, line in _lines():
        source = _params(line).get("Source", "") if section == "Files" else ""
        if source and "\\dist\\" not in source:
            assert _windows_path(source).is_file(), source


@pytest.mark.bundle
def test_bundle_files_it_packs_are_where_make_dist_puts_them(bundle: Path) -> None:
    packed = [
        _params(line)["Source"] for s, line in _lines() if s == "Files" and "\\dist\\" in line
    ]
    assert packed
    dist = _windows_path("..\\..\\dist")
    for source in packed:
        # The Windows build names its program claimdesk.exe; the layout is otherwise the same.
        # The tests build into a temporary folder instead of the checkout's dist/.
        path = bundle.parent / _windows_path(
            source.replace("claimdesk.exe", "claimdesk")
        ).relative_to(dist)
        if path.name == "*":
            assert path.parent.is_dir() and any(path.parent.iterdir()), source
        else:
            assert path.is_file(), source


def test_all_three_file_types_open_with_their_own_icon() -> None:
    registry = [_params(line) for s, line in _lines() if s == "Registry"]
    values = {(r["Subkey"], r.get("ValueName", "")): r.get("ValueData", "") for r in registry}
    for suffix, progid, kind in (
        (".claimdesk", "Claimdesk.Project", "project"),
        (".claimdesk-exercise", "Claimdesk.Exercise", "exercise"),
        (".claimdesk-submission", "Claimdesk.Submission", "submission"),
    ):
        assert values[(f"Software\\Classes\\{suffix}", "")] == progid
        icon = values[(f"Software\\Classes\\{progid}\\DefaultIcon", "")]
        assert icon.endswith(f"claimdesk-{kind}.ico")
        command = values[(f"Software\\Classes\\{progid}\\shell\\open\\command", "")]
        assert command == '"{app}\\claimdesk.exe" "%1"'
    icons = [_params(line) for s, line in _lines() if s == "Icons"]
    assert any(i["Name"].startswith("{group}\\Claimdesk") for i in icons)  # Start menu
    assert any(i["Filename"] == "{uninstallexe}" for i in icons)
