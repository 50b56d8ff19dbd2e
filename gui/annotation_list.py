"""This document's annotations as a table (quote, label, note, attributes and links); click one
to jump to it."""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from claimdesk.core.records import (
    AnnotationRecord,
    AttributeRecord,
    LabelRecord,
    RelationRecord,
    SchemeRecords,
)
from claimdesk.core.scheme import display_value
from claimdesk.core.text.spans import Span, SpanIndex, SpanRow, as_span, span_order
from claimdesk.gui.annotation_cells import PaintedCells
from claimdesk.gui.change_signal import ChangeEvent, Shown
from claimdesk.gui.row_images import RowImages
from claimdesk.gui.scrolling import keep_still
from claimdesk.gui.table_models import Column, ColumnTableModel, Index

Fetch = Callable[[Sequence[int]], dict[int, AnnotationRecord]]
_id_of, _label_of = itemgetter(0), itemgetter(3)  # of a SpanRow

_NEVER = datetime.min.replace(tzinfo=UTC)


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _short(attribute: AttributeRecord, value: Any) -> str:
    """An attribute set on a claim, as short as it reads clearly in a narrow column: a choice
    by itself ("negative"), a yes by the attribute's name, anything else with its name."""
    if attribute.kind in ("choice", "multi"):
        return display_value(value)
    if value is True:
        return attribute.name
    return f"{attribute.name}: {display_value(value)}"


class AnnotationTableModel(ColumnTableModel[AnnotationRecord]):
    """Rows in text order, fetched lazily: opening a document with 100,000 annotations loads
    only their positions (already read for the highlights); quotes and notes are fetched a
    page at a time when a row is shown. The note column is editable; edits go out as
    ``noteEdited`` and come back through ``replace`` once saved."""

    COLUMNS = ("Quote", "Label", "Note", "Attributes")
    DETAILS = 3  # the column of attributes and links
    IdRole = Qt.ItemDataRole.UserRole + 1
    PAGE = 64
    noteEdited = Signal(int, str)
    countsChanged = Signal(object)  # dict[int, int]: annotations by label id, as counts()

    def __init__(self, fetch: Fetch | None = None) -> None:
        super().__init__()
        self.fetch: Fetch = fetch or (lambda ids: {})
        # Given what ``set_spans`` replaces, to free it later (the window: once it is painted).
        self.release_later: Callable[[object], None] = lambda _old: None
        self.shown: Shown | None = None  # whose annotations of which document, for show_changes
        self._rows: list[SpanRow] = []  # in (start, end, id) order: row i is self._rows[i]
        # The shown spans by id, held as the rows they were read as (no object more per span;
        # see core/text/spans.py): (id, start, end, label id).
        self._spans: dict[int, SpanRow] = {}
        self._records: dict[int, AnnotationRecord] = {}
        self._counts: Counter[int] = Counter()
        self._labels: dict[int, LabelRecord] = {}
        self._colours: dict[int, QColor] = {}  # of the labels, as the swatches show them
        # Attributes and relations of the shown annotations (explicit values only).
        self._scheme = SchemeRecords()
        self._values: dict[int, dict[int, Any]] = {}
        self._relations: dict[int, RelationRecord] = {}
        self._links: dict[int, set[int]] = {}  # annotation id -> ids of its relations
        quote, label, note, details = self.COLUMNS
        self._columns: tuple[Column[AnnotationRecord], ...] = (
            Column(quote, lambda r: _one_line(r.quote), tooltip=lambda r: r.quote),
            Column(
                label,
                self._label_name,
                tooltip=lambda r: r.quote,
                decoration=self._label_colour,
            ),
            Column(
                note,
                lambda r: _one_line(r.note),
                tooltip=lambda r: r.note or "Double-click to add a note",
                edit=lambda r: r.note,
            ),
            Column(
                details,
                self._details,
                tooltip=self._details_tip,
                header_tooltip="The claim's attributes (as set; defaults in the tooltip) and its "
                "links to other claims",
            ),
        )

    # -- contents -------------------------------------------------------------------------------

    def set_labels(self, labels: list[LabelRecord]) -> None:
        self._labels = {label.id: label for label in labels}
        self._colours = {}
        if self._rows:
            # The label column, and the links that name the labels at their other end.
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, self.DETAILS))

    def set_spans(self, spans: Iterable[SpanRow] | SpanIndex, shown: Shown | None = None) -> None:
        """Show these spans (an index's: the article view's, already ordered and by id)."""
        # Built by C-level passes over the spans: at 100,000 spans a Python loop per span costs
        # tens of milliseconds of the open. From an index, two copies (no tuple made per span).
        if isinstance(spans, SpanIndex):
            rows, by_id = spans.snapshot()
        else:
            rows = sorted(spans, key=span_order)
            by_id = dict(zip(map(_id_of, rows), rows, strict=True))
        self.release_later((self._rows, self._spans, self._records))
        self.beginResetModel()
        self.shown = shown
        self._spans = by_id
        self._rows = rows
        self._records = {}
        self._values = {}
        self._relations = {}
        self._links = {}
        self._counts = Counter(map(_label_of, rows))
        self.endResetModel()
        self.countsChanged.emit(self.counts())

    def show_changes(self, event: ChangeEvent) -> None:
        """Apply what an edit changed in the shown annotations (a slot of the window's signal)."""
        shown = self.shown
        if shown is None:
            return
        changes = event.changes
        touched = False
        for record in changes.annotations_removed:
            if shown.holds(record):
                self.remove(record.id)
                touched = True
        for record in changes.annotations_added:
            if shown.holds(record):
                self.add(record)
                touched = True
        for record in changes.annotations_updated:
            if shown.holds(record):
                self.replace(record)
                touched = True
        if touched:
            self.countsChanged.emit(self.counts())
        self._show_detail_changes(event)

    def add(self, record: AnnotationRecord) -> None:
        span = Span(record.id, record.start, record.end, record.label_id)
        row = bisect_left(self._rows, span_order(span), key=span_order)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, span)
        self._spans[span.id] = span
        self._records[span.id] = record
        self._counts[span.label_id] += 1
        self.endInsertRows()

    def remove(self, annotation_id: int) -> None:
        row = self.row_of(annotation_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        _id, _start, _end, label_id = self._spans.pop(annotation_id)
        self._records.pop(annotation_id, None)
        self._values.pop(annotation_id, None)
        self._counts[label_id] -= 1
        self.endRemoveRows()

    def replace(self, record: AnnotationRecord) -> None:
        row = self.row_of(record.id)
        if row < 0:
            return
        self._counts[_label_of(self._spans[record.id])] -= 1
        self._counts[record.label_id] += 1
        span = Span(record.id, record.start, record.end, record.label_id)
        self._spans[record.id] = self._rows[row] = span
        self._records[record.id] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_of(self, annotation_id: int) -> int:
        span = self._spans.get(annotation_id)
        if span is None:
            return -1
        rows = self._rows
        row = bisect_left(rows, span_order(span), key=span_order)
        return row if row < len(rows) and rows[row][0] == annotation_id else -1

    def id_at(self, row: int) -> int:
        return self._rows[row][0]

    def record(self, row: int) -> AnnotationRecord:
        annotation_id = self.id_at(row)
        record = self._records.get(annotation_id)
        if record is None:
            page = self._rows[max(0, row - self.PAGE // 4) : row + self.PAGE]
            self._records.update(self.fetch(list(map(_id_of, page))))
            record = self._records.get(annotation_id)
        if record is None:  # not fetched (a server that cannot be reached): its label for now
            span = as_span(self._spans[annotation_id])
            shown = self.shown or Shown(0, 0)
            return AnnotationRecord(
                span.id,
                shown.document_id,
                span.label_id,
                shown.annotator_id,
                span.start,
                span.end,
                "…",
                "",
                _NEVER,
                _NEVER,
            )
        return record

    def label_of(self, row: int) -> int:
        return self._rows[row][3]

    def counts(self) -> dict[int, int]:
        return {label: n for label, n in self._counts.items() if n}

    # -- attributes and links ------------------------------------------------------------------

    def set_scheme(self, scheme: SchemeRecords) -> None:
        self._scheme = scheme
        self._all_details_changed()

    def set_details(
        self, values: dict[int, dict[int, Any]], relations: Iterable[RelationRecord]
    ) -> None:
        """The shown annotations' attribute values and relations (after ``set_spans``)."""
        self._values = {k: dict(v) for k, v in values.items() if k in self._spans}
        self._relations = {}
        self._links = {}
        for relation in relations:
            self._link(relation)
        self._all_details_changed()

    def attribute_values(self, annotation_id: int) -> dict[int, Any]:
        """One annotation's stored attribute values (attribute id -> value)."""
        return dict(self._values.get(annotation_id, {}))

    def relations_of(self, annotation_id: int) -> list[RelationRecord]:
        return [self._relations[i] for i in sorted(self._links.get(annotation_id, ()))]

    def _link(self, relation: RelationRecord) -> None:
        self._relations[relation.id] = relation
        for end in (relation.source_id, relation.target_id):
            self._links.setdefault(end, set()).add(relation.id)

    def _unlink(self, relation: RelationRecord) -> None:
        self._relations.pop(relation.id, None)
        for end in (relation.source_id, relation.target_id):
            self._links.get(end, set()).discard(relation.id)

    def _show_detail_changes(self, event: ChangeEvent) -> None:
        changes = event.changes
        shown = self.shown
        if shown is None:
            return
        touched: set[int] = set()
        for value in changes.attribute_values:
            if value.annotation_id in self._spans:
                stored = self._values.setdefault(value.annotation_id, {})
                if value.value is None:
                    stored.pop(value.attribute_id, None)
                else:
                    stored[value.attribute_id] = value.value
                touched.add(value.annotation_id)
        mine = (shown.document_id, shown.annotator_id)
        for relation in changes.relations_removed:
            if relation.id in self._relations:
                self._unlink(relation)
                touched |= {relation.source_id, relation.target_id}
        for relation in changes.relations_added:
            if (relation.document_id, relation.annotator_id) == mine:
                self._link(relation)
                touched |= {relation.source_id, relation.target_id}
        if changes.annotations_updated:  # a relabelled span: its partners name its new label
            for record in changes.annotations_updated:
                for relation in self.relations_of(record.id):
                    touched |= {relation.source_id, relation.target_id}
        if changes.scheme:
            return  # the window hands the new scheme to set_scheme, which repaints every row
        self._details_changed(touched)

    def _all_details_changed(self) -> None:
        # One signal for the whole column: looking up the row of every annotation cost
        # a quarter of a second at 100,000 of them, for a view that repaints what it shows.
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, self.DETAILS), self.index(last, self.DETAILS))

    def _details_changed(self, annotation_ids: Iterable[int]) -> None:
        rows = sorted(r for r in map(self.row_of, annotation_ids) if r >= 0)
        if not rows:
            return
        # One signal per run of neighbouring rows: the view repaints just those cells.
        first = last = rows[0]
        for row in [*rows[1:], -2]:
            if row == last + 1:
                last = row
                continue
            self.dataChanged.emit(self.index(first, self.DETAILS), self.index(last, self.DETAILS))
            first = last = row

    def _links_text(self, annotation_id: int, *, long: bool) -> list[str]:
        parts = []
        types = {t.id: t for t in self._scheme.relation_types}
        for relation in self.relations_of(annotation_id):
            outgoing = relation.source_id == annotation_id
            other = relation.target_id if outgoing else relation.source_id
            span = self._spans.get(other)
            label = self._labels.get(_label_of(span)) if span else None
            kind = types.get(relation.type_id)
            arrow = "→" if outgoing or (kind is not None and not kind.directed) else "←"
            text = f"{arrow} {label.name if label else '?'}"
            if long:
                record = self._records.get(other)
                quote = f" “{_one_line(record.quote, 60)}”" if record else ""
                text = f"{kind.name if kind else '?'} {text}{quote}"
            parts.append(text)
        return parts

    def _details(self, record: AnnotationRecord) -> str:
        values = self._values.get(record.id, {})
        parts = [
            _short(a, values[a.id])
            for a in self._scheme.attributes_of(record.label_id)
            if values.get(a.id) is not None
        ]
        links = self._links_text(record.id, long=False)
        if len(links) > 2:
            links = [f"{len(links)} links"]
        return " · ".join(parts + links)

    def _details_tip(self, record: AnnotationRecord) -> str:
        values = self._values.get(record.id, {})
        lines = []
        for attribute in self._scheme.attributes_of(record.label_id):
            value = values.get(attribute.id)
            shown = display_value(attribute.default if value is None else value) or "—"
            lines.append(f"{attribute.name}: {shown}" + (" (default)" if value is None else ""))
        lines += self._links_text(record.id, long=True)
        return "\n".join(lines) or "No attributes. Select the claim and press A to set them."

    # -- columns (gui/table_models.py) ---------------------------------------------------------

    def columns(self) -> Sequence[Column[AnnotationRecord]]:
        return self._columns

    def row_count(self) -> int:
        return len(self._rows)

    def row_at(self, number: int) -> AnnotationRecord:
        return self.record(number)

    def _label_name(self, record: AnnotationRecord) -> str:
        label = self._labels.get(record.label_id)
        return label.name if label else "?"

    def _label_colour(self, record: AnnotationRecord) -> QColor | None:
        colour = self._colours.get(record.label_id)
        if colour is None:  # parsed once per label, not once per painted row
            label = self._labels.get(record.label_id)
            if label is None:
                return None
            colour = self._colours[label.id] = QColor(label.colour)
        return colour

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == self.IdRole:
            return self.id_at(index.row()) if self.column_at(index) else None
        return super().data(index, role)

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # The delegate asks each painted cell for seven roles at once: answered in one call from
        # Qt rather than seven (a fifth of the list's repaint after an edit). As ``data``.
        columns, answers = self._answered()
        row, number = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= number < len(columns)):
            return
        column = columns[number]
        wanted: Iterable[QModelRoleData] = (
            (roleDataSpan,) if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan  # type: ignore[assignment]  # the span iterates its roles
        )
        for role_data in wanted:
            role = role_data.role()
            if role == self.IdRole:  # first: the base's sort role has the same number
                role_data.setData(self.id_at(row))
            elif (answer := answers.get(role)) is not None:
                role_data.setData(answer(self, column, row))

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 2 or not index.isValid():
            return False
        record = self.record(index.row())
        if str(value) != record.note:
            # The window saves it through the core and calls replace() with the stored row.
            self.noteEdited.emit(record.id, str(value))
        return False


class _NoteEditing(QStyledItemDelegate):
    """Edits a note in the list: the editor starts from the whole note (the cell shows it on one
    line) and hands what was typed to the model, which has the window save it."""

    def __init__(self, model: AnnotationTableModel, parent: QObject) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        source = self.model.index(index.row(), index.column())
        if not self.model.flags(source) & Qt.ItemFlag.ItemIsEditable:
            return None  # type: ignore[return-value]  # no editor: the view edits nothing
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = self.model.index(index.row(), index.column()).data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, _model: object, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            self.model.setData(self.model.index(index.row(), index.column()), editor.text())


class AnnotationList(QTableView):
    annotationActivated = Signal(int)
    deleteRequested = Signal()
    attributesRequested = Signal(int)  # annotation id: open its attributes (the A key's bar)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = AnnotationTableModel()
        # While rows go (an undo, a deletion, someone else's edit), the selection model moves
        # the current row off them by itself: that is not the reader choosing a claim. Connected
        # before the selection model connects, so the flag is up when it moves the row.
        self._removing = False
        self._current_removed = False
        # A row added or removed moves the rows below it by one: their pixels are moved (a copy
        # in the window's buffer) and only the row that changed is drawn, not every row shown.
        self._gone: tuple[int, int] | None = None  # (top, height) of the rows being removed
        self._moved = False  # the rows were moved: the layout that follows draws nothing more
        # The view draws Qt's copy of the cells of the rows it paints (see annotation_cells.py):
        # the model answers each role in Python, once per row shown rather than per repaint.
        self._cells = PaintedCells(self.model_, self)
        self._cells.rowsAboutToBeInserted.connect(self._layout_first)
        self._cells.rowsAboutToBeRemoved.connect(self._rows_going)
        self.setModel(self._cells)
        self._cells.rowsInserted.connect(self._rows_came)
        self._cells.rowsRemoved.connect(self._rows_gone)
        self.setItemDelegate(_NoteEditing(self.model_, self))
        # The rows on screen are kept as images; a repaint copies them (gui/row_images.py).
        # What the model changes is drawn afresh.
        self.row_images = RowImages(self, self.model_.id_at, self._paint_rows)
        self.model_.dataChanged.connect(self._redraw_changed)
        self.model_.rowsAboutToBeRemoved.connect(self._redraw_removed)
        self.model_.modelAboutToBeReset.connect(self.row_images.clear)
        self.model_.layoutAboutToBeChanged.connect(self.row_images.clear)
        # The scroll bar is drawn again only when its handle moves (gui/scrolling.py).
        keep_still(self)
        self._typed = ""  # what the reader typed to jump to a claim (keyboardSearch)
        self._typed_at = 0.0
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the list (rows: arrow keys)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.verticalHeader().hide()
        # The headings do not follow the selected claim (Qt's default turns every heading bold
        # while a row is selected, and draws them all again at each new selection).
        headings = self.horizontalHeader()
        headings.setHighlightSections(False)
        headings.setSelectionModel(QItemSelectionModel(self._cells, headings))
        self.setWordWrap(False)
        self.setShowGrid(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 130)
        header.resizeSection(2, 90)
        self.setColumnHidden(AnnotationTableModel.DETAILS, True)  # until the codebook has some
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        # A click on the row already current still jumps to it.
        self.clicked.connect(self._current_changed)

    def set_scheme(self, scheme: SchemeRecords) -> None:
        """Attributes and relation types of the codebook: the column shows when there are any
        (it then takes the spare width, and the quote a fixed share: no sideways scrolling)."""
        self.model_.set_scheme(scheme)
        shown = bool(scheme.attributes or scheme.relation_types)
        details = AnnotationTableModel.DETAILS
        if shown == (not self.isColumnHidden(details)):
            return
        self.setColumnHidden(details, not shown)
        header = self.horizontalHeader()
        fixed, stretch = QHeaderView.ResizeMode.Interactive, QHeaderView.ResizeMode.Stretch
        header.setSectionResizeMode(0, fixed if shown else stretch)
        header.setSectionResizeMode(details, stretch if shown else fixed)
        header.resizeSection(1, 110 if shown else 130)
        header.resizeSection(2, 60 if shown else 90)
        if shown:
            header.resizeSection(0, 110)

    def _context_menu(self, point: QPoint) -> None:
        index = self.indexAt(point)
        if not index.isValid():
            return
        annotation_id = self.model_.id_at(index.row())
        self.select_annotation(annotation_id)
        self.annotationActivated.emit(annotation_id)
        menu = QMenu(self)
        attributes = menu.addAction("Set attributes…")
        attributes.setShortcut("A")  # shown as a reminder: A in the article does the same
        menu.addSeparator()
        delete = menu.addAction("Delete annotation")
        chosen = menu.exec(self.viewport().mapToGlobal(point))
        if chosen is attributes:
            self.attributesRequested.emit(annotation_id)
        elif chosen is delete:
            self.deleteRequested.emit()

    def _redraw_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_: object) -> None:
        self.row_images.forget(top_left.row(), bottom_right.row())

    def _redraw_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.row_images.forget(first, last)  # while the rows still name their claims

    def _layout_first(self, *_args: object) -> None:
        # A layout something else asked for (a reset, say) is done first, in full: the one the
        # row's arrival asks for then only moves the rows below it.
        self.executeDelayedItemsLayout()

    def _rows_going(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._layout_first()
        self._removing = True
        self._current_removed = first <= self.currentIndex().row() <= last
        top = self.rowViewportPosition(first)
        self._gone = (top, self.rowViewportPosition(last) + self.rowHeight(last) - top)

    def _rows_came(self, _parent: QModelIndex, first: int, last: int) -> None:
        height = self.verticalHeader().defaultSectionSize() * (last - first + 1)
        self._move_rows(self.rowViewportPosition(first), height)

    def _rows_gone(self, *_args: object) -> None:
        self._removing = False
        if self._gone is not None:
            top, height = self._gone
            self._gone = None
            self._move_rows(top, -height)
        if self._current_removed:  # its claim is gone: no other one is selected in its place
            self._current_removed = False
            self.select_annotation(None)

    def _move_rows(self, top: int, by: int) -> None:
        """Rows were inserted (``by`` > 0) or removed at ``top`` (viewport pixels, before the
        change): what was drawn below moves by ``by`` and only the uncovered band is drawn."""
        if not self.isVisible():
            return  # laid out and drawn in full when shown
        viewport = self.viewport()
        top = max(0, top)
        if top < viewport.height():
            band = QRect(0, top, viewport.width(), viewport.height() - top)
            viewport.scroll(0, by, band)
        self._moved = True
        try:
            self.executeDelayedItemsLayout()  # the scroll bar's range; no repaint of every row
        finally:
            self._moved = False

    def doItemsLayout(self) -> None:
        if not self._moved:
            super().doItemsLayout()
            return
        # As QTableView's, without drawing the whole viewport again (see _move_rows).
        self.updateGeometries()
        header = self.verticalHeader()
        if not header.updatesEnabled():
            header.setUpdatesEnabled(True)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if current.isValid() and not self._removing:
            self.annotationActivated.emit(self.model_.id_at(current.row()))

    def paintEvent(self, event: QPaintEvent) -> None:
        # The rows about to be drawn get their cells first (a row already held costs a lookup).
        area = event.rect()
        size = self.iconSize()
        if not size.isValid():  # as Qt's delegate sizes a colour swatch
            extent = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self)
            size = QSize(extent, extent)
        self._cells.set_swatch_size(size)
        first = self.rowAt(area.top())
        if first >= 0:
            last = self.rowAt(area.bottom())
            self._cells.fill(first, last if last >= 0 else self._cells.rowCount() - 1)
        if not self.row_images.paint(event):
            super().paintEvent(event)

    def _paint_rows(self, event: QPaintEvent) -> None:
        super().paintEvent(event)

    def keyboardSearch(self, search: str) -> None:
        # As Qt's: typing jumps to the next row whose cell in the current column starts with what
        # was typed. Searched in the model: the view's cells are only those of painted rows.
        now = time.monotonic()
        if now - self._typed_at > QApplication.keyboardInputInterval() / 1000:
            self._typed = ""
        self._typed_at = now
        fresh = not self._typed
        self._typed += search
        if not search or self.model_.rowCount() == 0:
            return
        current = self.currentIndex()
        row = max(0, current.row())
        column = max(0, current.column())
        if fresh and current.isValid():
            row = (row + 1) % self.model_.rowCount()
        found = self.model_.match(
            self.model_.index(row, column),
            Qt.ItemDataRole.DisplayRole,
            self._typed,
            1,
            Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchWrap,
        )
        if found:
            self.setCurrentIndex(self._cells.index(found[0].row(), column))

    def select_annotation(self, annotation_id: int | None) -> None:
        selection = self.selectionModel()
        rows = {index.row() for index in selection.selectedIndexes()}
        rows.add(selection.currentIndex().row())
        blocker = selection.blockSignals(True)
        row = self.model_.row_of(annotation_id) if annotation_id is not None else -1
        if row < 0:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.NoUpdate)
        else:
            index = self._cells.index(row, 0)
            selection.setCurrentIndex(
                index, selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows
            )
            self.scrollTo(index)
        selection.blockSignals(blocker)
        # The view heard nothing (the signals were blocked): the rows left and the row chosen
        # are drawn again, not every row (a scroll has drawn what it moved).
        rows.add(row)
        rows.discard(-1)
        viewport = self.viewport()
        for changed in rows:
            top = self.rowViewportPosition(changed)
            viewport.update(QRect(0, top, viewport.width(), self.rowHeight(changed)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != (
            QAbstractItemView.State.EditingState
        ):
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)
