"""Opening a project on a PostgreSQL server: from File › Open shared project… or Open Recent.

The connection is made on a worker thread (a server can take seconds to answer), with the
signed-in annotator looked up there too. When the server asks for a password, or refuses the
one given, the dialog comes back with the server's reason. A password reaches the keyring only
after it worked and only when the user ticked "Remember"; never the settings or the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimdesk.core.errors import PasswordNeededError, ProjectError
from claimdesk.core.progress import Progress
from claimdesk.gui.server_dialog import ServerChoice
from claimdesk.gui.workers import USER_ERRORS, Task, failure_text, progress_dialog

if TYPE_CHECKING:
    from claimdesk.core.records import AnnotatorRecord
    from claimdesk.core.store.project import Project
    from claimdesk.gui.main_window import MainWindow

TITLE = "Project not opened"


def unknown_login(project: Project) -> ProjectError:
    server = project.server
    user = server.user if server is not None and server.user else "this user"
    return ProjectError(
        project.path,
        f"you are signed in as {user!r}, who is not one of this project's annotators. Ask the "
        f"project's owner to add you with `claimdesk-cli server add-user … {user} --role "
        "annotator`, then open it again",
    )


def open_signed_in(choice: ServerChoice) -> tuple[Project, AnnotatorRecord]:
    """The project and the annotator its login is mapped to (on the worker thread)."""
    from claimdesk.core.store.project import Project

    project = Project.open(choice.url, choice.password)
    try:
        annotator = project.signed_in_annotator()
    except BaseException:
        project.close()
        raise
    if annotator is None:
        project.close()
        raise unknown_login(project)
    return project, annotator


def ask_and_open(
    window: MainWindow, current: ServerChoice | None = None, problem: str = ""
) -> Task | None:
    """File › Open shared project…: ask where and who (again, with ``problem``), then open."""
    choice = window.prompts.server_project(current, problem)
    if choice is None:
        return None
    return open_server_project(window, choice, asked=True)


def open_server_project(window: MainWindow, choice: ServerChoice, *, asked: bool = False) -> Task:
    """Open off the GUI thread; the window switches to it once it is open. ``asked``: the
    choice comes from the dialog (a failure brings the dialog back with the fields kept)."""

    def work(_progress: Progress) -> tuple[Project, AnnotatorRecord]:
        return open_signed_in(choice)

    task = Task(work, window)
    task.discard = _close_unwanted  # the window was closed while the project was opening
    where = choice.location.display()
    progress_dialog(window, f"Opening {where}…", task, "Open shared project")
    task.succeeded.connect(lambda result: _opened(window, choice, *result))
    task.failed.connect(lambda error: _failed(window, choice, error, asked))
    task.start()
    return task


def _close_unwanted(result: object) -> None:
    if isinstance(result, tuple):  # (project, annotator) from open_signed_in
        result[0].close()


def _opened(
    window: MainWindow, choice: ServerChoice, project: Project, annotator: AnnotatorRecord
) -> None:
    from claimdesk.core.store import passwords

    if window.closed:  # closed just before the open finished: nobody will show it
        project.close()
        return
    location = choice.location
    note = ""
    if choice.remember and choice.password:
        if not passwords.remember(location, choice.password):
            note = " This computer has no keyring to remember the password in."
    elif choice.remember is False:
        passwords.forget(location)  # unticked: a password kept earlier goes
    window.switch_project(project, annotator)
    window.statusBar().showMessage(
        f"Opened {location.display()}, signed in as {location.user or annotator.name}.{note}",
        10000,
    )


def _failed(window: MainWindow, choice: ServerChoice, error: BaseException, asked: bool) -> None:
    if isinstance(error, PasswordNeededError):
        # Asked again, with the server's reason; the password typed before is not shown again.
        again = ServerChoice(choice.url, None, choice.remember)
        ask_and_open(window, again, str(error))
    elif asked and isinstance(error, USER_ERRORS):
        ask_and_open(window, choice, str(error))  # a typo in the server's name: fix it there
    else:
        window.prompts.error(TITLE, failure_text(error, "The open project stays open."))


def open_recent(window: MainWindow, url: str) -> Task:
    """Open Recent on a server project: the keyring's or libpq's password, else the dialog."""
    return open_server_project(window, ServerChoice(url))
