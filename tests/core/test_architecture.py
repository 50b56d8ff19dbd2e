"""The floor plan, checked: the core runs without Qt, the GUI holds no SQL, arrows point down."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT = ("PySide6", "shiboken6", "pyqtgraph")
DATABASE = ("sqlalchemy", "sqlite3", "alembic", "psycopg")
SQL = re.compile(r"\bSELECT\b|\bINSERT INTO\b|\bUPDATE\b.*\bSET\b|\bDELETE FROM\b", re.DOTALL)

CORE_WITHOUT_QT = textwrap.dedent(
    """
    import importlib, io, pkgutil, sys
    from contextlib import redirect_stdout

    BLOCKED = {blocked!r}

    class NoQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{{name}} is blocked: the core must run without Qt")
            return None

    sys.meta_path.insert(0, NoQt())
    import claimdesk.core as core

    imported = []
    for info in pkgutil.walk_packages(core.__path__, "claimdesk.core."):
        if info.name.endswith(".__main__"):  # python -m claimdesk.core.cli: runs the CLI
            continue
        importlib.import_module(info.name)
        imported.append(info.name)

    from claimdesk.core.cli.main import main

    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["rules"])
    assert code == 0, code
    assert "Clean-up rules" in out.getvalue(), out.getvalue()
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    assert not leaked, leaked
    print("\\n".join(imported))
    """
)


def python_files(package: str) -> Iterator[Path]:
    yield from sorted((ROOT / package).rglob("*.py"))


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every absolute module an import statement names, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (prose about the code, not SQL)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def top(module: str) -> str:
    return module.split(".")[0]


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_core_module_imports_and_the_cli_runs_with_qt_blocked() -> None:
    script = CORE_WITHOUT_QT.format(blocked=set(QT))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.split())
    expected = {
        "claimdesk.core." + ".".join(path.relative_to(ROOT / "core").with_suffix("").parts)
        for path in (ROOT / "core").rglob("*.py")
        if path.stem not in ("__init__", "__main__") and "migrations" not in path.parts
    }
    assert expected <= imported


def test_the_qt_blocker_really_blocks() -> None:
    # Guards the test above: the same finder makes a Qt import fail.
    script = CORE_WITHOUT_QT.split("import claimdesk.core")[0] + "import PySide6\n"
    result = subprocess.run(
        [sys.executable, "-c", script.format(blocked=set(QT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PySide6 is blocked" in result.stderr


@pytest.mark.parametrize("path", list(python_files("gui")), ids=relative)
def test_gui_module_imports_no_database_library(path: Path) -> None:
    offending = [
        f"line {line}: {module}"
        for line, module in imported_modules(parse(path))
        if top(module) in DATABASE
    ]
    assert offending == [], f"{relative(path)} should call core, not the database"


@pytest.mark.parametrize("path", list(python_files("gui")), ids=relative)
def test_gui_module_holds_no_sql(path: Path) -> None:
    tree = parse(path)
    prose = docstrings(tree)
    offending = [
        f"line {node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and SQL.search(node.value)
    ]
    assert offending == [], f"{relative(path)} builds SQL; move the query into core"


@pytest.mark.parametrize("path", list(python_files("core")), ids=relative)
def test_core_module_never_imports_gui_or_qt(path: Path) -> None:
    offending = [
        f"line {line}: {module}"
        for line, module in imported_modules(parse(path))
        if top(module) in QT or module.startswith("claimdesk.gui")
    ]
    assert offending == [], f"{relative(path)} must not depend on the GUI"


# Outside core/store, core calls the store's named functions instead of speaking SQL. Temporary
# exceptions, removed as their queries move into the store: none left.
SQL_EXCEPTIONS: tuple[str, ...] = ()


def outside_the_store(path: Path) -> bool:
    name = relative(path)
    return not name.startswith("core/store/") and not name.startswith(SQL_EXCEPTIONS)


@pytest.mark.parametrize(
    "path", [p for p in python_files("core") if outside_the_store(p)], ids=relative
)
def test_only_the_store_imports_a_database_library(path: Path) -> None:
    offending = [
        f"line {line}: {module}"
        for line, module in imported_modules(parse(path))
        if top(module) in DATABASE
    ]
    assert offending == [], f"{relative(path)} should call a named function of core/store"


@pytest.mark.parametrize(
    "path", [p for p in python_files("core") if outside_the_store(p)], ids=relative
)
def test_only_the_store_writes_sql(path: Path) -> None:
    tree = parse(path)
    prose = docstrings(tree)
    offending = [
        f"line {node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and SQL.search(node.value)
    ]
    assert offending == [], f"{relative(path)} builds SQL; add a named function to core/store"


def test_the_store_check_covers_core() -> None:
    # Guards the two tests above: they see every room but the store and the listed exceptions.
    checked = {relative(p).split("/")[1] for p in python_files("core") if outside_the_store(p)}
    assert {"agreement", "cli", "formats", "text", "sample.py", "importing.py"} <= checked
    assert "store" not in checked
    assert not outside_the_store(ROOT / "core" / "store" / "sqlite.py")


# The store's insides: the tables, the commands' one-letter aliases, the engine.
STORE_INSIDES = (
    "claimdesk.core.store.tables",
    "claimdesk.core.store.edits",
    "claimdesk.core.store.engine",
)


@pytest.mark.parametrize("path", list(python_files("core/classroom")), ids=relative)
def test_the_classroom_reaches_the_database_only_through_the_store(path: Path) -> None:
    tree = parse(path)
    prose = docstrings(tree)
    offending = [
        f"line {line}: imports {module}"
        for line, module in imported_modules(tree)
        if top(module) in DATABASE or module.startswith(STORE_INSIDES)
    ]
    offending += [
        f"line {node.lineno}: SQL {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and SQL.search(node.value)
    ]
    offending += [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("engine", "reading", "writing")
    ]
    assert offending == [], f"{relative(path)} should call named functions of core/store"


def test_the_scanners_see_what_they_look_for() -> None:
    # The checks above pass on an empty tree too; make sure they would catch a real offender.
    sample = ast.parse(
        '"""Lists SELECT in prose."""\n'
        "import sqlite3\n"
        "from sqlalchemy.orm import Session\n"
        "from claimdesk.gui import main_window\n"
        "query = 'UPDATE label SET name = ?'\n"
        "other = f'DELETE FROM annotation WHERE id = {1}'\n"
    )
    modules = {top(module) for _, module in imported_modules(sample)}
    assert modules == {"sqlite3", "sqlalchemy", "claimdesk"}
    prose = docstrings(sample)
    strings = [
        node.value
        for node in ast.walk(sample)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
    ]
    assert sum(bool(SQL.search(s)) for s in strings) == 2
    assert not SQL.search("Select some text first, then update the label set.")


BARE = ("core", "gui")


@pytest.mark.parametrize(
    "path",
    [
        *python_files("core"),
        *python_files("gui"),
        *python_files("tests"),
        *python_files("benchmarks"),
        *python_files("scripts"),
        *python_files("packaging"),
    ],
    ids=relative,
)
def test_everything_imports_the_installed_names(path: Path) -> None:
    # The folders are installed as claimdesk.core and claimdesk.gui; a bare `import core` would
    # load a second copy of a module from the checkout (or nothing at all from a wheel).
    offending = [
        f"line {line}: {module}"
        for line, module in imported_modules(parse(path))
        if top(module) in BARE
    ]
    assert offending == [], f"{relative(path)} imports a bare core/gui; use claimdesk.core/gui"


# Private names still reached from another module (none: keep it that way).
KNOWN_PRIVATE_REACHES: set[tuple[str, str]] = set()


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_reaches(tree: ast.AST) -> set[str]:
    """Project names starting with one underscore that this module takes from another one:
    ``from claimdesk.x import _y``, or ``_y`` read from a module imported by name."""
    modules: dict[str, str] = {}  # local name -> module, for `import a.b as m`, `from a import b`
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if top(node.module) != "claimdesk":
                continue
            for alias in node.names:
                if private(alias.name):
                    found.add(f"{node.module}.{alias.name}")
                else:
                    modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if top(alias.name) == "claimdesk":  # `import a.b` binds a; `import a.b as m`, m
                    local = alias.asname or top(alias.name)
                    modules[local] = alias.name if alias.asname else local
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and private(node.attr)):
            continue
        chain: list[str] = []
        base: ast.expr = node.value
        while isinstance(base, ast.Attribute):
            chain.insert(0, base.attr)
            base = base.value
        if isinstance(base, ast.Name) and base.id in modules:
            module = ".".join([modules[base.id], *chain])
            if module.rpartition(".")[2][:1].islower():  # a module, not a class
                found.add(f"{module}.{node.attr}")
    return found


@pytest.mark.parametrize(
    "path", [*python_files("core"), *python_files("gui"), *python_files("tests")], ids=relative
)
def test_no_private_name_is_taken_from_another_module(path: Path) -> None:
    # A leading underscore says "only this module uses it": a second user makes it public
    # (renamed), or the helper moves where both can reach it.
    reaches = {(relative(path), name) for name in private_reaches(parse(path))}
    assert reaches <= KNOWN_PRIVATE_REACHES, f"{relative(path)} reaches private names"


def test_the_private_name_scanner_sees_both_forms() -> None:
    sample = ast.parse(
        "import claimdesk.core.text.regular_files\n"
        "from claimdesk.core.cli.main import _out, main\n"
        "from claimdesk.core.store import engine as store\n"
        "from claimdesk.core.formats.base import FormatError\n"
        "from os import _exit\n"
        "store._migration_config()\n"
        "claimdesk.core.text.regular_files._checked('a')\n"
        "FormatError._private\n"
        "store.__name__\n"
    )
    assert private_reaches(sample) == {
        "claimdesk.core.cli.main._out",
        "claimdesk.core.store.engine._migration_config",
        "claimdesk.core.text.regular_files._checked",
    }
