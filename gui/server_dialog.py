"""File › Open shared project…: where the project's PostgreSQL database is and who signs in.

The fields can be filled by pasting a ``postgresql://`` address. The password is handed to the
caller only: it is kept in the system keyring when "Remember" is ticked, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.errors import ProjectError
from claimdesk.core.store.location import DEFAULT_PORT, ServerLocation, parse_server_url
from claimdesk.gui.dialogs import ok_cancel
from claimdesk.gui.theme import colour_of

SSL_MODES = ("", "disable", "allow", "prefer", "require", "verify-ca", "verify-full")
EXPLANATION = (
    "A shared project lives in a PostgreSQL database on a server. Sign in with the user and "
    "password the project's owner gave you; what you may change is up to your role there."
)


@dataclass(frozen=True)
class ServerChoice:
    """A server project to open: its address (never with a password), the password typed
    (None: the keyring's or libpq's own) and whether to keep it in the keyring (None: leave
    the keyring as it is, e.g. when reopening from Open Recent)."""

    url: str
    password: str | None = None
    remember: bool | None = None

    @property
    def location(self) -> ServerLocation:
        return parse_server_url(self.url)[0]


class ServerDialog(QDialog):
    """Server, port, database, user, password, sslmode; or a pasted address that fills them."""

    def __init__(
        self, parent: QWidget | None = None, current: ServerChoice | None = None, problem: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open shared project")
        self._choice: ServerChoice | None = None
        self._query: dict[str, str] = {}  # what else the pasted address said (sslrootcert, …)
        self.address = QLineEdit()
        self.address.setPlaceholderText("postgresql://user@server:5432/database")
        self.address.setClearButtonEnabled(True)
        self.host = QLineEdit()
        self.host.setPlaceholderText("db.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: the keyring's, or ~/.pgpass")
        self.sslmode = QComboBox()
        for mode in SSL_MODES:
            self.sslmode.addItem(mode or "(the server's default)", mode)
        self.remember = QCheckBox("&Remember the password in the system keyring")
        self.problem = QLabel(problem)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # names from the user and the server
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {colour_of('not_saved')}; font-weight: bold;")
        self.problem.setVisible(bool(problem))
        explanation = QLabel(EXPLANATION)
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Paste an &address:", self.address)
        form.addRow("&Server:", self.host)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("SSL &mode:", self.sslmode)
        form.addRow("", self.remember)
        self.buttons: QDialogButtonBox = ok_cancel(self, "&Open", self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.problem)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.address.textChanged.connect(self.fill_from_address)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._edited)
        if current is not None:
            self.fill_from_address(current.url)
            self.remember.setChecked(bool(current.remember))
        self.problem.setVisible(bool(problem))  # the reason it is asked again, above the fields
        self._edited()
        self.resize(520, self.sizeHint().height())
        # Asked again for a password: the cursor waits in its field.
        first_empty = next(
            (f for f in (self.host, self.database, self.user) if not f.text().strip()), None
        )
        focus = first_empty or (self.password if current is not None else self.address)
        focus.setFocus()

    @property
    def open_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def fill_from_address(self, text: str) -> None:
        """Fill the fields from a pasted address (its password too, which is never kept)."""
        text = text.strip()
        if "://" not in text:
            return
        try:
            location, password = parse_server_url(text)
        except ProjectError as exc:
            self._say(str(exc))
            return
        url = location.url
        self.host.setText(url.host or "")
        self.port.setValue(url.port or DEFAULT_PORT)
        self.database.setText(location.database)
        self.user.setText(location.user)
        if password:
            self.password.setText(password)
        query = {key: v if isinstance(v, str) else v[-1] for key, v in url.query.items()}
        mode = query.pop("sslmode", "")
        index = self.sslmode.findData(mode)
        if index < 0:  # a mode this list does not know: keep it as the server wants it
            self.sslmode.addItem(mode, mode)
            index = self.sslmode.count() - 1
        self.sslmode.setCurrentIndex(index)
        self._query = query
        if self.address.text().strip() == text and password:
            # The address field shows what was pasted: without its password from now on.
            self.address.blockSignals(True)
            self.address.setText(location.text())
            self.address.blockSignals(False)
        self.problem.hide()

    def url(self) -> str:
        """The address the fields make, without a password."""
        host = self.host.text().strip()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        user = quote(self.user.text().strip(), safe="")
        database = quote(self.database.text().strip(), safe="")
        query = dict(self._query)
        mode = str(self.sslmode.currentData() or "")
        if mode:
            query["sslmode"] = mode
        tail = f"?{urlencode(query)}" if query else ""
        who = f"{user}@" if user else ""
        return f"postgresql://{who}{host}:{self.port.value()}/{database}{tail}"

    def choice(self) -> ServerChoice | None:
        """What was asked for when Open was pressed."""
        return self._choice

    def _edited(self) -> None:
        ready = all(f.text().strip() for f in (self.host, self.database, self.user))
        self.open_button.setEnabled(ready)

    def _say(self, problem: str) -> None:
        self.problem.setText(problem)
        self.problem.show()

    def _check(self) -> None:
        url = self.url()
        try:
            parse_server_url(url)
        except ProjectError as exc:
            self._say(str(exc))
            return
        password = self.password.text()
        self._choice = ServerChoice(url, password or None, self.remember.isChecked())
        self.accept()
