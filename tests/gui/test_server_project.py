"""A project on a PostgreSQL server in the window: File › Open shared project…, passwords,
Open Recent, who signs in, and other people's edits shown without Refresh (a real cluster)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import psycopg
import pytest
from psycopg import sql
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.codebook import load_codebook
from claimdesk.core.importing import import_paths
from claimdesk.core.paths import seeds_dir, user_config_dir, user_log_dir
from claimdesk.core.store import passwords, server_admin
from claimdesk.core.store.location import parse_server_url
from claimdesk.core.store.project import Project
from claimdesk.gui.app import build_window
from claimdesk.gui.dialogs import LabelDraft
from claimdesk.gui.excepthook import PROGRAM, log_start
from claimdesk.gui.launch import server_entry
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.server_dialog import ServerChoice, ServerDialog
from claimdesk.gui.settings import Settings
from claimdesk.gui.theme import apply_theme
from tests.gui.conftest import ScriptedPrompts
from tests.keyrings import MemoryKeyring

OPENS = 15_000  # ms: opening over loopback takes well under a second; a busy machine, longer


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(previous)


@pytest.fixture
def shared(pg_url: str) -> str:
    """A server project with the two sample articles; Ana is the superuser's annotator."""
    project = Project.create(pg_url, codebook=load_codebook(seeds_dir() / "codebook.json"))
    import_paths(project, sorted(seeds_dir().glob("*.txt")))
    for name in ("Ana", "Bea", "Cem"):
        project.ensure_annotator(name)
    project.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE annotator SET login = current_user WHERE name = 'Ana'")
    return pg_url


def login(pg_url: str, annotator: str | None) -> tuple[str, str]:
    """A login role that signs in with a password (mapped to ``annotator``): URL, password."""
    role = f"u{uuid.uuid4().hex[:10]}"
    password = f"pw-{uuid.uuid4().hex}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)
            )
        )
        if annotator is not None:
            conn.execute("UPDATE annotator SET login = %s WHERE name = %s", (role, annotator))
    return pg_url.replace("postgres@", f"{role}@", 1), password


def open_shared(window: MainWindow, qtbot: QtBot, choice: ServerChoice) -> None:
    prompts = window.prompts
    assert isinstance(prompts, ScriptedPrompts)
    prompts.server_choices.append(choice)
    window.menu_actions.open_shared_project.trigger()
    qtbot.waitUntil(lambda: window.project.server is not None, timeout=OPENS)


def everyone(window: MainWindow, document_id: int) -> object:
    model = window.documents.model
    return model.index(model.row_of(document_id), 3).data()


# -- the dialog -----------------------------------------------------------------------------------


def test_a_pasted_address_fills_the_dialog_and_its_password_is_not_shown_again(
    qtbot: QtBot,
) -> None:
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.address.setText("postgresql://ana:s3cret@db.example.org:6543/classlab?sslmode=require")
    assert dialog.host.text() == "db.example.org"
    assert dialog.port.value() == 6543
    assert dialog.database.text() == "classlab"
    assert dialog.user.text() == "ana"
    assert dialog.password.text() == "s3cret"
    assert dialog.sslmode.currentData() == "require"
    assert "s3cret" not in dialog.address.text()
    dialog.remember.setChecked(True)
    dialog.open_button.click()  # type: ignore[attr-defined]
    choice = dialog.choice()
    assert choice is not None
    assert choice.password == "s3cret" and choice.remember
    assert "s3cret" not in choice.url
    location = choice.location
    assert (location.host, location.port, location.database, location.user) == (
        "db.example.org",
        6543,
        "classlab",
        "ana",
    )
    assert "sslmode=require" in choice.url


def test_the_dialog_says_why_an_address_is_no_good(qtbot: QtBot) -> None:
    dialog = ServerDialog(
        None,
        ServerChoice("postgresql://ana@db:5432/classlab"),
        "the server refused the password for ana",
    )
    qtbot.addWidget(dialog)
    assert dialog.problem.text() == "the server refused the password for ana"
    assert dialog.problem.isVisibleTo(dialog)
    assert dialog.user.text() == "ana" and dialog.password.text() == ""
    dialog.address.setText("postgresql://ana@db:5432")
    assert "names no database" in dialog.problem.text()
    dialog.database.clear()
    assert not dialog.open_button.isEnabled()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_grab_the_dialog_and_the_window(
    qtbot: QtBot, window: MainWindow, shared: str, theme: str, tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        dialog = ServerDialog(
            window,
            ServerChoice(
                "postgresql://ana@db.example.org:5432/classlab?sslmode=require", None, True
            ),
            "classlab on db.example.org:5432: the server refused the password for ana",
        )
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert not dialog.grab().toImage().isNull()
        dialog.grab().save(f"/tmp/gui-server-dialog-{theme}.png")
        open_shared(window, qtbot, ServerChoice(shared))
        window.grab().save(f"/tmp/gui-server-window-{theme}.png")
    finally:
        apply_theme(app, "light")


# -- opening --------------------------------------------------------------------------------------


def test_open_shared_project_shows_its_documents_and_names_it(
    qtbot: QtBot, window: MainWindow, shared: str
) -> None:
    open_shared(window, qtbot, ServerChoice(shared))
    location = parse_server_url(shared)[0]
    assert window.documents.model.rowCount() == 2
    assert window.annotator.name == "Ana"  # the login's annotator: no name asked
    assert f"{location.database} on 127.0.0.1:{location.port}" in window.windowTitle()
    assert "signed in as postgres" in window.who.text()
    assert window.settings.recent_projects[0] == shared
    assert window.live.listening or window.live.listener is not None


def test_a_wrong_password_asks_again_and_a_remembered_one_stays_out_of_settings_and_log(
    qtbot: QtBot,
    window: MainWindow,
    prompts: ScriptedPrompts,
    shared: str,
    memory_keyring: MemoryKeyring,
    isolated_user_dirs: Path,
) -> None:
    url, password = login(shared, "Bea")
    prompts.server_choices = [
        ServerChoice(url, "not-the-password", True),
        ServerChoice(url, password, True),
    ]
    window.menu_actions.open_shared_project.trigger()
    qtbot.waitUntil(lambda: window.project.server is not None, timeout=2 * OPENS)
    assert prompts.server_problems[0] == ""
    assert "refused the password" in prompts.server_problems[1]
    assert window.annotator.name == "Bea"
    location = parse_server_url(url)[0]
    assert passwords.remembered(location) == password
    window.settings.sync()
    log_start(PROGRAM)  # the log as it stands after the open (its start line at least)
    kept = [p for p in isolated_user_dirs.rglob("*") if p.is_file()]
    assert any(p.parent == user_config_dir() for p in kept)  # the settings file is among them
    assert any(p.is_relative_to(user_log_dir()) for p in kept)  # and the log
    for path in kept:
        assert password not in path.read_bytes().decode("utf-8", "replace"), path

    # Open Recent names it without a password and reopens it from the keyring, unasked.
    window.switch_project(Project.open(shared), window.project.signed_in_annotator())
    window.fill_recent_menu()
    entries = [a.text() for a in window.menu_actions.recent_menu.actions()]
    assert f"&1 {location.display()} — {location.user}" in entries
    asked = len(prompts.server_problems)
    recent = next(a for a in window.menu_actions.recent_menu.actions() if location.user in a.text())
    recent.trigger()
    qtbot.waitUntil(lambda: window.annotator.name == "Bea", timeout=OPENS)
    assert len(prompts.server_problems) == asked


def test_reopening_without_a_remembered_password_asks_for_it(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts, shared: str
) -> None:
    url, _password = login(shared, "Bea")
    window.open_recent_server(url)
    qtbot.waitUntil(lambda: len(prompts.server_problems) == 1, timeout=OPENS)
    assert "password" in prompts.server_problems[0]
    assert window.project.server is None  # the file project stays open


def test_a_login_mapped_to_nobody_is_told_whom_to_ask(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts, shared: str
) -> None:
    url, password = login(shared, None)
    prompts.server_choices = [ServerChoice(url, password, False)]
    window.menu_actions.open_shared_project.trigger()
    qtbot.waitUntil(lambda: len(prompts.server_problems) == 2, timeout=OPENS)
    problem = prompts.server_problems[1]
    assert "not one of this project's annotators" in problem
    assert "claimdesk-cli server add-user" in problem
    assert "Traceback" not in problem
    assert window.project.server is None


# -- live -----------------------------------------------------------------------------------------


def test_another_persons_edit_shows_up_everywhere_without_refresh(
    qtbot: QtBot, window: MainWindow, shared: str
) -> None:
    open_shared(window, qtbot, ServerChoice(shared))
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    first, second = window.documents.model.document_ids()
    window.open_document(second)  # the user is reading the second article
    curation = window.curate_document(first)
    assert curation is not None
    dashboard = window.open_dashboard()
    qtbot.waitUntil(lambda: dashboard.report is not None and dashboard.task is None, timeout=OPENS)
    assert dashboard.report is not None
    spans_before = int(dashboard.report.label_frequencies.sum())
    assert everyone(window, first) == 0
    assert curation.model.rowCount() == 0

    with Project.open(shared) as other:
        bea = other.ensure_annotator("Bea")
        text = other.document_text(first)
        start = text.index("The")
        other.add_annotation(first, other.labels()[0].id, bea.id, start, start + 3)
        qtbot.waitUntil(lambda: everyone(window, first) == 1, timeout=1000)
        qtbot.waitUntil(lambda: curation.model.rowCount() == 1, timeout=1000)
        qtbot.waitUntil(
            lambda: (
                dashboard.report is not None
                and int(dashboard.report.label_frequencies.sum()) == spans_before + 1
            ),
            timeout=1000,
        )
    # Nobody pressed Refresh, and the user is still where they were.
    assert window.document_id == second
    assert window.documents.open_id == second
    selected = window.documents.table.selectionModel().selectedRows()
    assert [i.data(window.documents.model.DocumentIdRole) for i in selected] == [second]
    # Ana's own count is hers alone.
    assert (
        window.documents.model.summary(window.documents.model.row_of(first)).annotation_count == 0
    )


def test_live_updates_come_back_after_the_connection_is_cut(
    qtbot: QtBot, window: MainWindow, shared: str
) -> None:
    open_shared(window, qtbot, ServerChoice(shared))
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    listener = window.live.listener
    assert listener is not None
    with psycopg.connect(shared, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'Claimdesk live updates'"
        )
    qtbot.waitUntil(lambda: not listener.listening.is_set(), timeout=5000)
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)  # back by itself
    first = window.documents.model.document_ids()[0]
    with Project.open(shared) as other:
        bea = other.ensure_annotator("Bea")
        start = other.document_text(first).index("The")
        other.add_annotation(first, other.labels()[0].id, bea.id, start, start + 3)
        qtbot.waitUntil(lambda: everyone(window, first) == 1, timeout=1000)


def test_the_curators_selected_candidate_stays_while_others_add_spans(
    qtbot: QtBot, window: MainWindow, shared: str
) -> None:
    open_shared(window, qtbot, ServerChoice(shared))
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    document = window.documents.model.document_ids()[0]
    with Project.open(shared) as other:
        bea = other.ensure_annotator("Bea")
        text = other.document_text(document)
        label = other.labels()[0].id
        late = text.index("Beijing")
        other.add_annotation(document, label, bea.id, late, late + 7)
        curation = window.curate_document(document)
        assert curation is not None
        qtbot.waitUntil(lambda: curation.model.rowCount() == 1, timeout=1000)
        curation.select_row(0)
        chosen = curation.selected_candidate()
        assert chosen is not None and chosen.quote == "Beijing"
        early = text.index("The")  # before it in the text: the rows move under the selection
        other.add_annotation(document, label, bea.id, early, early + 3)
        qtbot.waitUntil(lambda: curation.model.rowCount() == 2, timeout=1000)
    selected = curation.selected_candidate()
    assert selected is not None and selected.quote == "Beijing"


def test_my_own_edit_from_another_computer_shows_in_the_article(
    qtbot: QtBot, window: MainWindow, shared: str
) -> None:
    open_shared(window, qtbot, ServerChoice(shared))
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    document = window.document_id
    assert document is not None
    assert window.annotations.model_.rowCount() == 0
    with Project.open(shared) as laptop:  # Ana again, signed in on her laptop
        ana = laptop.signed_in_annotator()
        assert ana is not None and ana.id == window.annotator.id
        start = laptop.document_text(document).index("The")
        laptop.add_annotation(document, laptop.labels()[0].id, ana.id, start, start + 3)
    qtbot.waitUntil(lambda: window.annotations.model_.rowCount() == 1, timeout=1000)
    assert window.documents.model.summary(0).annotation_count == 1
    assert window.document_id == document


def test_my_attribute_set_from_another_computer_and_a_new_attribute_show_up(
    qtbot: QtBot, window: MainWindow, shared: str
) -> None:
    """Attribute values, relations and the codebook's new parts follow live, like spans."""
    from claimdesk.core.scheme import AttributeKind, AttributeSpec

    open_shared(window, qtbot, ServerChoice(shared))
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    document = window.document_id
    assert document is not None
    with Project.open(shared) as laptop:  # Ana again, signed in on her laptop
        ana = laptop.signed_in_annotator()
        assert ana is not None
        label = laptop.labels()[1]
        start = laptop.document_text(document).index("The")
        span = laptop.add_annotation(document, label.id, ana.id, start, start + 3)
        ident = span.annotations_added[0].id
        qtbot.waitUntil(lambda: window.annotations.model_.rowCount() == 1, timeout=1000)
        attribute, _ = laptop.add_attribute(
            label.id, AttributeSpec("Heard live", AttributeKind.BOOL)
        )
        # The codebook's new attribute reaches the window without Refresh.
        qtbot.waitUntil(
            lambda: any(a.name == "Heard live" for a in window.scheme.attributes), timeout=1000
        )
        laptop.set_attribute([ident], attribute.id, True)
    # The value set elsewhere is the one the window shows for the span.
    qtbot.waitUntil(
        lambda: (
            window.project.attribute_values(document, window.annotator.id)
            == {ident: {attribute.id: True}}
            and "Heard live" in str(window.annotations.model_.index(0, 3).data() or "")
        ),
        timeout=1000,
    )


def test_our_own_edit_is_not_read_again(qtbot: QtBot, window: MainWindow, shared: str) -> None:
    open_shared(window, qtbot, ServerChoice(shared))
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    batches: list[object] = []
    window.live.changed.connect(batches.append)
    document = window.document_id
    assert document is not None
    text = window.view.document_text()
    start = text.index("The")
    window.view.set_text_selection(start, start + 3)
    window.apply_label(next(iter(window.labels)))
    assert everyone(window, document) == 1  # shown at once, as in a file
    qtbot.wait(600)
    assert batches == []


def test_a_file_project_starts_no_listener(window: MainWindow) -> None:
    assert window.live.listener is None
    assert window.documents.model.columnCount() == 3  # no "All" column in a file


# -- what the signed-in role may not do ----------------------------------------------------------


def annotator_login(pg_url: str) -> tuple[str, str, str]:
    """A student as `claimdesk-cli server init` and `server add-user … --role annotator` make
    them (grants and row-level security): their address, password and name."""
    name = f"cem{uuid.uuid4().hex[:8]}"  # roles belong to the whole server: one per test
    password = f"pw-{uuid.uuid4().hex}"
    server_admin.init(pg_url).close()
    server_admin.add_user(pg_url, None, name, "annotator", password)
    return pg_url.replace("postgres@", f"{name}@", 1), password, name


def test_what_the_role_may_not_do_ends_in_a_sentence(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts, shared: str
) -> None:
    url, password, name = annotator_login(shared)
    open_shared(window, qtbot, ServerChoice(url, password, False))
    assert window.annotator.name == name
    # Annotating is theirs to do.
    document = window.document_id
    assert document is not None
    start = window.view.document_text().index("The")
    window.view.set_text_selection(start, start + 3)
    window.apply_label(next(iter(window.labels)))
    assert everyone(window, document) == 1
    # The codebook is not: the server refuses, the user reads why, nothing is half done.
    prompts.labels = [LabelDraft("Rumour", "#123456"), None]
    labels_before = len(window.labels)
    window.add_label()
    assert len(prompts.errors) == 1
    assert "does not let you" in prompts.errors[0]
    assert "permission denied" in prompts.errors[0]
    assert "Traceback" not in prompts.errors[0]
    assert len(window.labels) == labels_before
    assert window.saved.text() == "✓ All changes saved"
    # Someone else's edit still shows up live for a student (the project is not blind).
    qtbot.waitUntil(lambda: window.live.listening, timeout=5000)
    with Project.open(shared) as other:
        bea = other.ensure_annotator("Bea")
        start = other.document_text(document).index("The")
        other.add_annotation(document, other.labels()[0].id, bea.id, start, start + 3)
    qtbot.waitUntil(lambda: everyone(window, document) == 2, timeout=1000)


# -- launching ------------------------------------------------------------------------------------


def test_the_last_project_on_a_server_opens_again_at_launch(
    qtbot: QtBot, settings: Settings, prompts: ScriptedPrompts, shared: str
) -> None:
    settings.last_project = shared
    window = build_window(None, settings, prompts)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(
        lambda: window.current_project is not None and window.project.server is not None,
        timeout=OPENS,
    )
    assert window.annotator.name == "Ana"
    assert settings.last_project == shared
    assert prompts.server_problems == []  # no password asked: the server trusts this user


def test_an_address_on_the_command_line_opens_that_server_project(
    qtbot: QtBot, settings: Settings, prompts: ScriptedPrompts, shared: str
) -> None:
    window = build_window(shared, settings, prompts)
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(
        lambda: window.current_project is not None and window.project.server is not None,
        timeout=OPENS,
    )
    assert window.project.location == shared


@pytest.mark.parametrize(
    "address",
    [
        "postgresql://ana@db.example.org:6543/classlab?sslmode=require",
        "postgresql://b%40x@[::1]/my%2Fdb",
        "postgres://db/lab",
    ],
)
def test_open_recent_names_a_server_project_as_the_core_does(address: str) -> None:
    location = parse_server_url(address)[0]
    shown = location.display() + (f" — {location.user}" if location.user else "")
    assert server_entry(address) == shown
