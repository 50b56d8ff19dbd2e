"""The curation view: one document's candidate spans, one lane (column) per annotator, into gold.

Rows are the distinct spans (start, end, label) of the chosen annotators, in text order; each
annotator's lane says whether they have that span exactly (✓), marked the same text otherwise
(≠ and their label), or marked nothing there (–). The text above shows the gold set and outlines
the selected candidate. Keys: ↑/↓ move, A or Enter accepts into gold, Delete rejects from gold,
M accepts every span at least K annotators agree on; label keys relabel a gold span. Every step
goes through the core (undoable with Ctrl+Z, saved at once).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from claimdesk.core.agreement import curation as core_curation
from claimdesk.core.agreement import curation_scheme as core_scheme
from claimdesk.core.agreement.curation import Candidate, Curation
from claimdesk.core.agreement.curation_scheme import (
    AttributeRow,
    DocLabelRow,
    RelationRow,
    SchemeCuration,
)
from claimdesk.core.errors import EditConflict, EditError, SaveError, ServerUnreachable
from claimdesk.core.records import Changes, LabelRecord
from claimdesk.core.scheme import display_value
from claimdesk.core.store.project import Project
from claimdesk.core.text.spans import Span
from claimdesk.gui.candidates import CandidateModel, CandidateTable, one_line
from claimdesk.gui.change_signal import ChangeEvent
from claimdesk.gui.curation_scheme import SchemePanel, SchemeRow
from claimdesk.gui.dialogs import plain_tooltip
from claimdesk.gui.document_view import DocumentView
from claimdesk.gui.lane_strip import HEADER_HEIGHT, LaneStrip
from claimdesk.gui.table_models import Index
from claimdesk.gui.theme import colour_of, current_theme

PREVIEW_ID = -1  # the selected candidate shown in the text when it is not in gold

LANES_CAPTION = (
    "◀ Lanes: one per annotator, in the table's order (★ gold). Solid: all made the span; "
    "hatched: only some. Click a bar to choose it."
)
LEGEND = (
    "✓ has this span exactly   ≠ marked this text otherwise (their label; ↔ other bounds)   "
    "– nothing there   ★ in the gold set   Agreement: ✔ all  ◐ majority  ✗ minority"
)
HELP = (
    "↑/↓ choose a span · A or Enter: accept into gold · Delete: reject from gold · "
    "M: accept the majority · a label's key relabels a gold span · Ctrl+Z: undo"
)


def _hint_style() -> str:
    """Quieter text for hints, readable on the theme's window (placeholder colour)."""
    return f"color: {colour_of('placeholder_text')};"


class CurationView(QWidget):
    """Curate one document into the gold set. Emits ``changed`` after every saved edit."""

    changed = Signal(object)  # core.records.Changes
    saveFailed = Signal(str)  # an edit that could not be committed: the sentence saying why
    serverAway = Signal(object)  # ServerUnreachable: a read failed; what is shown stays

    def __init__(self, project: Project, document_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.project = project
        self.document_id = document_id
        self.labels: dict[int, LabelRecord] = {}
        self.annotator_ids: list[int] | None = None  # None: everyone with spans here
        self._lanes_shown = -1

        self.text = DocumentView()
        self.lanes = LaneStrip(self.text)
        self.model = CandidateModel()
        self.table = CandidateTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setHighlightSections(False)

        self.k_spin = QSpinBox()
        self.k_spin.setMinimum(1)
        self.k_spin.setToolTip("How many annotators must have a span exactly for it to be taken")
        self.majority_button = QPushButton("Accept majority (M)")
        self.annotators_button = QToolButton()
        self.annotators_button.setText("Annotators…")
        self.annotators_button.setToolTip("Choose whose lanes to compare")
        self.annotators_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.annotators_menu = QMenu(self)
        self.annotators_button.setMenu(self.annotators_menu)
        self.accept_button = QPushButton("Accept (A)")
        self.reject_button = QPushButton("Reject (Del)")
        self.label_box = QComboBox()
        self.start_spin = QSpinBox()
        self.end_spin = QSpinBox()
        self.apply_button = QPushButton("Apply edit")
        self.edit_preview = QLabel()  # the text the edited bounds would cover
        self.edit_preview.setTextFormat(Qt.TextFormat.PlainText)
        self.edit_preview.setStyleSheet(_hint_style())
        self._hints: list[QLabel] = [self.edit_preview]
        self._saved_ok: bool | None = None
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.saved = QLabel()
        self.saved.setTextFormat(Qt.TextFormat.PlainText)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        # Attribute values, relations and document labels the annotators do not all share
        self.scheme_panel = SchemePanel()
        self._build_layout()
        self._build_actions()
        self._connect()
        self.resize(1280, 800)
        self._show(self._read())  # a server that cannot be reached: no view (the caller says so)

    # -- construction ---------------------------------------------------------------------------

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.accept_button)
        controls.addWidget(self.reject_button)
        controls.addWidget(self.annotators_button)
        controls.addSpacing(16)
        controls.addWidget(QLabel("Majority: spans at least"))
        controls.addWidget(self.k_spin)
        self.of_label = QLabel()
        controls.addWidget(self.of_label)
        controls.addWidget(self.majority_button)
        controls.addStretch(1)

        edit = QHBoxLayout()
        self.edit_heading = QLabel("Gold span:")
        edit.addWidget(self.edit_heading)
        edit.addWidget(self.label_box)
        edit.addWidget(QLabel("from"))
        edit.addWidget(self.start_spin)
        edit.addWidget(QLabel("to"))
        edit.addWidget(self.end_spin)
        edit.addWidget(self.apply_button)
        edit.addWidget(self.edit_preview, 1)

        legend = QLabel(LEGEND)
        legend.setTextFormat(Qt.TextFormat.PlainText)
        legend.setWordWrap(True)
        keys = QLabel(HELP)
        keys.setTextFormat(Qt.TextFormat.PlainText)
        keys.setWordWrap(True)
        keys.setStyleSheet(_hint_style())
        self._hints.append(keys)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(controls)
        lower_layout.addWidget(self.table, 1)
        lower_layout.addLayout(edit)
        lower_layout.addWidget(legend)
        lower_layout.addWidget(keys)

        caption = QLabel(LANES_CAPTION)
        caption.setTextFormat(Qt.TextFormat.PlainText)
        caption.setFixedHeight(HEADER_HEIGHT)
        caption.setStyleSheet(_hint_style())
        self._hints.append(caption)
        caption.setToolTip(plain_tooltip(LANES_CAPTION + " Hover a lane for its annotator."))
        # Never let the caption widen the window: it is cut at the right instead.
        caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        upper = QWidget()
        grid = QGridLayout(upper)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(2)
        grid.setVerticalSpacing(0)
        grid.addWidget(self.lanes.header, 0, 0)
        grid.addWidget(caption, 0, 1)
        grid.addWidget(self.lanes, 1, 0)
        grid.addWidget(self.text, 1, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.addWidget(self.scheme_panel)
        splitter.setSizes([240, 330, 230])
        status = QHBoxLayout()
        status.addWidget(self.message, 1)
        status.addWidget(self.saved)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addLayout(status)

    def _build_actions(self) -> None:
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(lambda: self._run(self.project.undo))
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(lambda: self._run(self.project.redo))
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _connect(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.acceptRequested.connect(self.accept_selected)
        self.table.rejectRequested.connect(self.reject_selected)
        self.table.majorityRequested.connect(self.accept_majority)
        self.table.labelKeyPressed.connect(self._label_key)
        self.accept_button.clicked.connect(self.accept_selected)
        self.text.spanClicked.connect(self._span_clicked)
        self.lanes.candidateClicked.connect(self._lane_clicked)
        self.text.deleteRequested.connect(self.reject_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.majority_button.clicked.connect(self.accept_majority)
        self.apply_button.clicked.connect(self.apply_edit)
        self.start_spin.valueChanged.connect(self._preview_edit)
        self.end_spin.valueChanged.connect(self._preview_edit)
        self.scheme_panel.acceptRequested.connect(self.accept_scheme_row)
        self.scheme_panel.rejectRequested.connect(self.reject_relation)

    # -- contents -------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Read the document's lanes again, keeping the selected candidate where it was.

        False when the server cannot be reached: the view stays as it was and says so.
        """
        try:
            read = self._read()
        except ServerUnreachable as exc:
            self.message.setText(
                f"The server cannot be reached ({exc.reason}): this is the document as last read."
            )
            self.serverAway.emit(exc)
            return False
        self._show(read)
        return True

    def _read(self) -> _Read:
        """Everything the view shows, read before anything shown changes."""
        labels = {label.id: label for label in self.project.labels()}
        curation = core_curation.curation_lanes(self.project, self.document_id, self.annotator_ids)
        text = self.project.document_text(self.document_id)
        gold = self.project.spans(self.document_id, curation.gold.id)
        title = next(
            (d.title for d in self.project.documents() if d.id == self.document_id), "Document"
        )
        scheme = self.project.scheme()
        has_scheme = bool(scheme.attributes or scheme.relation_types or scheme.doc_label_sets)
        rows = core_scheme.scheme_rows(self.project, curation, scheme) if has_scheme else None
        return _Read(labels, curation, text, gold, title, rows)

    def _show(self, read: _Read) -> None:
        current = self.selected_candidate()
        row = self.table.currentIndex().row()
        column = max(self.table.currentIndex().column(), 0)
        self.labels = read.labels
        curation, text, title = read.curation, read.text, read.title
        self.model.set_curation(curation, text, self.labels)
        self.text.set_label_colours({i: label.colour for i, label in self.labels.items()})
        self.text.set_document(text, read.gold)
        self.lanes.set_curation(curation, text, self.labels)
        # Shown when the codebook has attributes, relation types or document label sets.
        self.scheme_panel.setVisible(read.scheme is not None)
        names = {a.id: a.name for a in curation.available}
        self.scheme_panel.set_rows(read.scheme or SchemeCuration(), names)
        n = len(curation.annotators)
        self._fill_annotators_menu(curation)
        self.k_spin.setMaximum(max(n, 1))
        if n != self._lanes_shown:  # a strict majority of whoever is compared now
            self.k_spin.setValue(n // 2 + 1)
            self._lanes_shown = n
        self.of_label.setText(f"of {n} annotators agree on")
        self.heading.setText(
            f"Curating “{one_line(title, 80)}” — {len(curation.candidates)} candidate spans, "
            f"{n} annotators, {sum(c.gold_id is not None for c in curation.candidates)} in gold"
        )
        self.setWindowTitle(f"Curate — {one_line(title, 60)} — Claimdesk")
        self.label_box.clear()
        for label in self.labels.values():
            self.label_box.addItem(label.name, label.id)
        self._size_columns(n)
        if self.model.rowCount():
            if current is not None:
                found = curation.index_of(current.key)
                row = found if found >= 0 else min(row, self.model.rowCount() - 1)
            self.select_row(max(row, 0), column)
        else:
            self._row_changed(QModelIndex(), QModelIndex())
            self.message.setText(
                "No annotator has marked this document yet: there is nothing to curate."
                if not curation.available
                else "The chosen annotators have no spans here: choose others (Annotators…)."
            )

    def choose_annotators(self, annotator_ids: Sequence[int] | None) -> None:
        """Compare only these annotators' lanes (None: everyone with spans here)."""
        self.annotator_ids = None if annotator_ids is None else list(annotator_ids)
        self.refresh()

    def _fill_annotators_menu(self, curation: Curation) -> None:
        self.annotators_menu.clear()
        shown = {a.id for a in curation.annotators}
        for annotator in curation.available:
            action = self.annotators_menu.addAction(one_line(annotator.name, 40))
            action.setCheckable(True)
            action.setChecked(annotator.id in shown)
            action.setData(annotator.id)
            action.toggled.connect(self._annotator_toggled)
        self.annotators_menu.addSeparator()
        self.annotators_menu.addAction("Everyone", lambda: self.choose_annotators(None))

    def _annotator_toggled(self) -> None:
        chosen = [a.data() for a in self.annotators_menu.actions() if a.isChecked()]
        if chosen:
            self.choose_annotators(chosen)
        else:
            self.message.setText("Keep at least one annotator to compare.")
            self.refresh()

    def _preview_edit(self) -> None:
        start, end = self.start_spin.value(), self.end_spin.value()
        if not self.apply_button.isEnabled():
            self.edit_preview.clear()
        elif start < end:
            quote = one_line(self.text.document_text()[start:end], 70)
            self.edit_preview.setText(f"→ “{quote}”")
        else:
            self.edit_preview.setText("→ the end must come after the start")

    def _span_clicked(self, span_id: int) -> None:
        """A click on the gold highlight or the outlined candidate in the text."""
        if span_id == PREVIEW_ID or span_id < 0:
            return
        for row, candidate in enumerate(self.model.candidates):
            if candidate.gold_id == span_id:
                self.select_row(row)
                return

    def _lane_clicked(self, key: tuple[int, int, int]) -> None:
        """A click on a bar in the lane strip: choose that candidate."""
        self.select_span(*key)

    def _size_columns(self, lanes: int) -> None:
        # Fixed widths: sizing columns to their contents would ask every cell of every row
        # (seconds at 40 lanes × 600 rows). Lanes share what is left; many lanes scroll.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(48)
        header.setStretchLastSection(False)
        mode = QHeaderView.ResizeMode
        widths = {0: 48, 1: 230, 2: 170, 3: 96, CandidateModel.GOLD: 70}
        for column, width in widths.items():
            header.setSectionResizeMode(column, mode.Interactive)
            header.resizeSection(column, width)
        for column in range(len(CandidateModel.FIXED), len(CandidateModel.FIXED) + lanes):
            header.setSectionResizeMode(column, mode.Stretch)

    def select_row(self, row: int, column: int = 0) -> None:
        index = self.model.index(row, column)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_span(self, start: int, end: int, label_id: int | None = None) -> bool:
        """Select the first candidate at these bounds (and label); False when there is none."""
        for row, candidate in enumerate(self.model.candidates):
            if (candidate.start, candidate.end) == (start, end) and label_id in (
                None,
                candidate.label_id,
            ):
                self.select_row(row)
                return True
        return False

    def selected_candidate(self) -> Candidate | None:
        row = self.table.currentIndex().row()
        candidates = self.model.candidates
        return candidates[row] if 0 <= row < len(candidates) else None

    def _row_changed(self, current: Index, _previous: Index) -> None:
        candidate = self.selected_candidate()
        self.text.remove_span(PREVIEW_ID)
        self.lanes.select(candidate.key if candidate is not None else None)
        in_gold = candidate is not None and candidate.gold_id is not None
        for widget in (self.label_box, self.start_spin, self.end_spin, self.apply_button):
            widget.setEnabled(in_gold)
        self.accept_button.setEnabled(candidate is not None and not in_gold)
        self.reject_button.setEnabled(in_gold)
        if candidate is None:
            self.edit_preview.clear()
            return
        if candidate.gold_id is not None:
            self.text.select_span(candidate.gold_id)
        else:
            span = Span(PREVIEW_ID, candidate.start, candidate.end, candidate.label_id)
            self.text.add_span(span)
            self.text.select_span(PREVIEW_ID)
        length = len(self.text.document_text())
        self.start_spin.setRange(0, length)
        self.end_spin.setRange(0, length)
        self.start_spin.setValue(candidate.start)
        self.end_spin.setValue(candidate.end)
        self.label_box.setCurrentIndex(self.label_box.findData(candidate.label_id))
        self._preview_edit()

    # -- edits ----------------------------------------------------------------------------------

    def _run(self, edit: Callable[[], Changes | None]) -> Changes | None:
        try:
            changes = edit()
        except SaveError as exc:
            self._show_saved(False)
            self.message.setText(str(exc))
            self.saveFailed.emit(str(exc))  # the main window keeps trying the server
            return None
        except EditConflict as exc:
            # Someone else's edit got there first: show it, so the message matches the view.
            self.refresh()
            self.message.setText(str(exc))
            return None
        except EditError as exc:
            self.message.setText(str(exc))
            return None
        else:
            self._show_saved(True)
            self.refresh()
            if changes is not None:
                self.changed.emit(changes)
            return changes

    def show_saved(self, ok: bool) -> None:
        """The main window's word that edits are saved again (the server is back)."""
        if self._saved_ok is not None:
            self._show_saved(ok)

    def _show_saved(self, ok: bool | None) -> None:
        """The saved state in the theme's colours (None: nothing edited here yet)."""
        self._saved_ok = ok
        if ok is None:
            return
        if ok:
            self.saved.setText("✓ All changes saved")
            self.saved.setStyleSheet(f"color: {colour_of('saved')};")
        else:
            self.saved.setText("⚠ NOT SAVED")
            self.saved.setStyleSheet(f"color: {colour_of('not_saved')}; font-weight: bold;")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # apply_theme names the new theme just after setting its palette: look then.
            QTimer.singleShot(0, self, self.follow_theme)

    def follow_theme(self) -> None:
        """Take the colours of the theme in effect (Preferences or the desktop switched it)."""
        theme = current_theme()
        if theme == self.model.theme:
            return
        self.model.set_theme(theme)
        for hint in self._hints:
            hint.setStyleSheet(_hint_style())
        self._show_saved(self._saved_ok)

    def show_changes(self, event: ChangeEvent) -> None:
        """A saved edit (the main window's signal): redraw if another window's edit touched us."""
        changes = event.changes
        if event.source is self or not self.isVisible():
            return  # our own edit is drawn already; a closed one is redrawn on reopening
        if changes.labels or self.document_id in changes.touched_documents:
            self.refresh()

    def accept_selected(self) -> None:
        candidate = self.selected_candidate()
        if candidate is None:
            return
        if candidate.gold_id is not None:
            self.message.setText("This span is already in the gold set.")
            return
        # The holder whose lane is selected lends the note; otherwise the first holder.
        chosen = self.model.annotator_at(self.table.currentIndex().column())
        annotation_id = candidate.holders.get(chosen or -1, next(iter(candidate.holders.values())))
        if self._run(lambda: core_curation.accept_span(self.project, annotation_id)):
            self.message.setText(f"Accepted “{one_line(candidate.quote, 60)}” into gold.")

    def reject_selected(self) -> None:
        candidate = self.selected_candidate()
        if candidate is None:
            return
        if candidate.gold_id is None:
            self.message.setText("This span is not in the gold set: nothing to reject.")
            return
        gold_id = candidate.gold_id
        if self._run(lambda: core_curation.reject_span(self.project, gold_id)):
            self.message.setText(f"Rejected “{one_line(candidate.quote, 60)}” from gold.")

    def accept_majority(self) -> None:
        k = self.k_spin.value()
        annotators = [a.id for a in self.model.curation.annotators] if self.model.curation else []
        changes = self._run(
            lambda: core_curation.accept_majority(self.project, self.document_id, annotators, k)
        )
        if changes:
            n = len(changes.annotations_added)
            self.message.setText(
                f"Accepted {n} span{'s' if n != 1 else ''} that {k} or more annotators agree on."
            )

    def apply_edit(self) -> None:
        candidate = self.selected_candidate()
        if candidate is None or candidate.gold_id is None:
            return
        gold_id = candidate.gold_id
        label_id = int(self.label_box.currentData())
        start, end = self.start_spin.value(), self.end_spin.value()
        if self._run(
            lambda: core_curation.edit_gold_span(
                self.project, gold_id, label_id=label_id, start=start, end=end
            )
        ):
            self.select_span(start, end, label_id)
            self.message.setText("Gold span changed.")

    def accept_scheme_row(self, row: SchemeRow, value: object) -> None:
        """Accept the value chosen in the panel (or the relation) into gold."""
        project, document_id = self.project, self.document_id
        if isinstance(row, AttributeRow):
            attribute = row.attribute
            if self._run(lambda: core_scheme.accept_attribute(project, row, value)):
                shown = display_value(value) or "(none)"
                self.message.setText(f"Gold now gives {attribute.name}: {shown}.")
        elif isinstance(row, RelationRow):
            missing = (row.gold_source is None) + (row.gold_target is None)
            if self._run(lambda: core_scheme.accept_relation(project, document_id, row)):
                ends = f" with {missing} end span{'s' if missing > 1 else ''}" if missing else ""
                self.message.setText(f"Accepted “{row.type.name}” into gold{ends}.")
        elif isinstance(row, DocLabelRow):
            chosen = tuple(value) if isinstance(value, tuple) else ()
            if self._run(
                lambda: core_scheme.accept_document_labels(project, document_id, row, chosen)
            ):
                self.message.setText(
                    f"Gold's {row.label_set.name}: {', '.join(chosen) or '(none)'}."
                )

    def reject_relation(self, row: RelationRow) -> None:
        if self._run(lambda: core_scheme.reject_relation(self.project, row)):
            self.message.setText(f"Removed “{row.type.name}” from gold (its spans stay).")

    def _label_key(self, key: str) -> None:
        label = next((lab for lab in self.labels.values() if lab.shortcut == key.lower()), None)
        candidate = self.selected_candidate()
        if label is None or candidate is None:
            if key.strip():
                self.message.setText(f"The key {key!r} does nothing here. {HELP}")
            return
        if candidate.gold_id is None:
            self.message.setText("Accept the span first (A), then press a label's key to relabel.")
            return
        gold_id = candidate.gold_id
        if self._run(
            lambda: core_curation.edit_gold_span(self.project, gold_id, label_id=label.id)
        ):
            self.select_span(candidate.start, candidate.end, label.id)


@dataclass(frozen=True)
class _Read:
    labels: dict[int, LabelRecord]
    curation: Curation
    text: str
    gold: list[Span]
    title: str
    scheme: SchemeCuration | None  # None: the codebook has no attributes, relations or sets


def open_curation(
    project: Project, document_id: int, parent: QWidget | None = None
) -> CurationView:
    view = CurationView(project, document_id, parent)
    view.show()
    view.table.setFocus()
    return view


def _preview(argv: Sequence[str]) -> int:  # pragma: no cover - a design aid
    """``python -m gui.curation PROJECT [DOCUMENT_ID]``: open the view on its own."""
    app = QApplication(list(argv))
    project = Project.open(Path(argv[1]))
    document_id = int(argv[2]) if len(argv) > 2 else project.documents()[0].id
    view = open_curation(project, document_id)
    view.show()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_preview(sys.argv))
