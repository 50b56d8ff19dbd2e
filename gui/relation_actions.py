"""Making a relation in the article: R with a highlight selected, the arrows to pick the other
end, Enter, then the type (its key, or the arrows and Enter); or Ctrl+drag from one highlight to
another, then the type. Esc cancels at any point; the status bar says what to do next."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QMenu

from claimdesk.core.records import RelationTypeRecord
from claimdesk.core.text.spans import Span

if TYPE_CHECKING:
    from claimdesk.gui.document_view import DocumentView

QUOTE_LENGTH = 40


def allowed_types(
    types: list[RelationTypeRecord], source_label: int, target_label: int
) -> list[RelationTypeRecord]:
    """The relation types that may join a span of source_label to one of target_label (an
    undirected type also when its ends are the other way round)."""
    return [
        t
        for t in types
        if t.allows(source_label, target_label)
        or (not t.directed and t.allows(target_label, source_label))
    ]


class RelationMaker(QObject):
    """The keyboard and mouse paths to a new relation, over one DocumentView.

    ``create(type_id, source_id, target_id)`` saves it (and says why not, if it cannot);
    ``say`` puts a sentence in the status bar; ``label_name`` names a label for sentences;
    ``r_taken`` says a label has R for its key (R then files, and Ctrl+drag links).
    """

    def __init__(
        self,
        view: DocumentView,
        create: Callable[[int, int, int], object],
        say: Callable[[str], None],
        label_name: Callable[[int], str],
        r_taken: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(view)
        self.view = view
        self._create = create
        self._say = say
        self._label_name = label_name
        self._r_taken = r_taken  # a label's own key is R: R files, as label keys do
        self.source: int | None = None
        self.candidates: list[Span] = []  # in text order
        self.current: int | None = None
        self.menu: QMenu | None = None
        self._pair: tuple[int, int] | None = None
        self._anchor: int | None = None  # the span whose relations Tab goes through
        view.installEventFilter(self)
        view.relationDragged.connect(self.choose_type)

    @property
    def linking(self) -> bool:
        return self.source is not None

    # --- keyboard --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.menu and event.type() == QEvent.Type.KeyPress:
            return self._menu_key(event)  # type: ignore[arg-type]
        if watched is not self.view or event.type() not in (
            QEvent.Type.KeyPress,
            QEvent.Type.ShortcutOverride,
        ):
            return False
        assert isinstance(event, QKeyEvent)
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self.linking:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # arrows, Enter and Esc are ours while a target is chosen
                return True
            self._linking_key(event)
            return True
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if (
            plain
            and key == Qt.Key.Key_R
            and self.view.selected_span_id is not None
            and not self._r_taken()
        ):
            self.start(self.view.selected_span_id)
            return True
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return self.cycle(-1 if key == Qt.Key.Key_Backtab else 1)
        if key == Qt.Key.Key_Escape and self.view.selected_relation_id is not None:
            anchor = self._anchor
            self.view.select_relation(None)
            if anchor is not None:
                self.view.select_span(anchor, scroll=False)
            return True
        return False

    def cycle(self, direction: int) -> bool:
        """Select the next (or previous) relation of the selected span, or of the span whose
        relations are being gone through; False when there is none (Tab then moves focus)."""
        view = self.view
        relations = view.arcs.relations
        chosen = view.selected_relation_id
        if chosen is None:
            self._anchor = view.selected_span_id
        else:
            record = relations.get(chosen)
            if record is not None and self._anchor not in (record.source_id, record.target_id):
                self._anchor = record.source_id
        anchor = self._anchor
        if anchor is None:
            return False
        ids = [r.id for r in relations.of_spans([anchor])]
        if not ids:
            return False
        if chosen in ids:
            index = (ids.index(chosen) + direction) % len(ids)
        else:
            index = 0 if direction > 0 else len(ids) - 1
        record = relations.get(ids[index])
        assert record is not None
        view.select_relation(record.id)
        other = record.target_id if record.source_id == anchor else record.source_id
        view.show_span(other)
        kind = relations.type_of(record)
        span = view.span(other)
        self._say(
            f"Relation {index + 1} of {len(ids)}: {kind.name if kind else '?'} "
            f"\u201c{self._quote(span) if span else ''}\u201d. Delete removes it, Tab goes to "
            "the next, Esc back to the highlight."
        )
        return True

    def start(self, source_id: int) -> bool:
        """Offer the targets a relation from source_id may reach; False when there are none."""
        view = self.view
        source = view.span(source_id)
        if source is None:
            return False
        types = view.arcs.relations.types()
        if not types:
            self._say("The codebook has no relation types yet: add one to link highlights.")
            return False
        reachable = {
            label
            for label in {s.label_id for s in view.spans()}
            if allowed_types(types, source.label_id, label)
        }
        self.candidates = [s for s in view.spans() if s.id != source_id and s.label_id in reachable]
        if not self.candidates:
            self._say(
                f"No highlight here can be linked to this {self._label_name(source.label_id)}: "
                "no relation type of the codebook joins its label to theirs."
            )
            return False
        self.source = source_id
        starts = [s.start for s in self.candidates]
        i = bisect_left(starts, source.start)
        near = self.candidates[max(0, i - 1) : i + 1]
        first = min(near, key=lambda s: (abs(s.start - source.start), s.start))
        view.arcs.link_source = source_id
        view.arcs.targets = frozenset(s.id for s in self.candidates)
        self._move_to(first.id)
        self._say(
            f"Link \u201c{self._quote(source)}\u201d to: \u2190/\u2192 previous or next "
            "highlight, \u2191/\u2193 line above or below, Enter to choose it, Esc to cancel."
        )
        return True

    def cancel(self, message: str = "No relation made.") -> None:
        if self.menu is not None:
            menu, self.menu = self.menu, None
            menu.removeEventFilter(self)
            menu.close()
            menu.deleteLater()
        was = self.linking or self._pair is not None
        self._end()
        if was and message:
            self._say(message)

    def _end(self) -> None:
        self.source = self.current = None
        self.candidates = []
        self._pair = None
        self.view.arcs.end_linking()
        self.view.viewport().update()

    def _linking_key(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancel()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.source is not None and self.current is not None:
                self.choose_type(self.source, self.current)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._step(1 if key == Qt.Key.Key_Right else -1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._line_step(1 if key == Qt.Key.Key_Down else -1)

    def _step(self, direction: int) -> None:
        ids = [s.id for s in self.candidates]
        if self.current in ids:
            index = (ids.index(self.current) + direction) % len(ids)
            self._move_to(ids[index])

    def _line_step(self, direction: int) -> None:
        """To the nearest candidate (by x) on the nearest visual line above or below."""
        current = self.view.span(self.current) if self.current is not None else None
        if current is None:
            return
        here = self._place(current)
        ordered = self.candidates if direction > 0 else self.candidates[::-1]
        ids = [s.id for s in ordered]
        best: tuple[float, int] | None = None
        line: tuple[int, int] | None = None
        for span in ordered[ids.index(current.id) + 1 :]:
            (block, number), x = self._place(span)
            key = (block, number)
            if (key > here[0]) if direction > 0 else (key < here[0]):
                if line is None:
                    line = key
                elif key != line:
                    break
                distance = abs(x - here[1])
                if best is None or distance < best[0]:
                    best = (distance, span.id)
        if best is not None:
            self._move_to(best[1])

    def _place(self, span: Span) -> tuple[tuple[int, int], float]:
        """(block, line in block) and x of a span's start, laying its block out if need be."""
        view = self.view
        position = view.offsets.to_qt(span.start)
        block = view.document().findBlock(position)
        view.blockBoundingRect(block)
        line = block.layout().lineForTextPosition(position - block.position())
        if not line.isValid():
            return (block.blockNumber(), 0), 0.0
        x = line.cursorToX(position - block.position())
        x_value = float(x[0] if isinstance(x, tuple) else x)  # type: ignore[arg-type]
        return (block.blockNumber(), line.lineNumber()), x_value

    def _move_to(self, span_id: int) -> None:
        self.current = span_id
        self.view.arcs.current_target = span_id
        self.view.show_span(span_id)
        self.view.viewport().update()

    # --- the type ---------------------------------------------------------------------------------

    def choose_type(self, source_id: int, target_id: int) -> None:
        """Offer the types allowed between two spans (a key or Enter picks one)."""
        view = self.view
        source, target = view.span(source_id), view.span(target_id)
        if source is None or target is None or source_id == target_id:
            self.cancel("")
            return
        types = allowed_types(view.arcs.relations.types(), source.label_id, target.label_id)
        if not types:
            self._end()
            self._say(
                f"No relation type links a {self._label_name(source.label_id)} to a "
                f"{self._label_name(target.label_id)}: the codebook says which labels each "
                "relation type joins."
            )
            return
        self._pair = (source_id, target_id)
        self.source = None  # arrows now move in the list, not between highlights
        view.arcs.link_source = source_id
        view.arcs.current_target = target_id
        view.arcs.targets = frozenset()
        menu = QMenu(view)
        menu.setObjectName("relationTypes")
        for kind in types:
            key = f"\t{kind.shortcut}" if kind.shortcut else ""
            action = QAction(kind.name.replace("&", "&&") + key, menu)
            action.setData(kind.id)
            action.triggered.connect(lambda _=False, k=kind.id: self._chosen(k))
            menu.addAction(action)
        menu.setActiveAction(menu.actions()[0])
        menu.aboutToHide.connect(self._menu_hidden)
        menu.installEventFilter(self)
        self.menu = menu
        rects = view.span_rects(target_id)
        where = rects[0].bottomLeft().toPoint() if rects else QPoint(0, 0)
        menu.popup(view.viewport().mapToGlobal(where))
        self._say(
            "Relation type: press its key, or \u2191/\u2193 and Enter; Esc cancels "
            f"(\u201c{self._quote(source)}\u201d \u2192 \u201c{self._quote(target)}\u201d)."
        )

    def _menu_key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            return False
        text = event.text().lower()
        if not text or self.menu is None:
            return False
        for action in self.menu.actions():
            _, _, key = action.text().partition("\t")
            if key and key.lower() == text:
                action.trigger()
                return True
        return False

    def _chosen(self, type_id: int) -> None:
        pair = self._pair
        kinds = {t.id: t for t in self.view.arcs.relations.types()}
        self.cancel("")
        if pair is None:
            return
        source_id, target_id = pair
        source, target = self.view.span(source_id), self.view.span(target_id)
        kind = kinds.get(type_id)
        if (
            kind is not None
            and source is not None
            and target is not None
            and not kind.allows(source.label_id, target.label_id)
        ):
            source_id, target_id = target_id, source_id  # undirected: the way it allows
        self._create(type_id, source_id, target_id)

    def _menu_hidden(self) -> None:
        # Hidden by Esc or a click elsewhere (a choice arrives after the hide, as a trigger).
        QTimer.singleShot(0, self, self._after_menu)

    def _after_menu(self) -> None:
        if self._pair is not None:
            self.cancel()
        self.view.setFocus()

    def _quote(self, span: Span) -> str:
        quote = " ".join(self.view.document_text()[span.start : span.end].split())
        return quote if len(quote) <= QUOTE_LENGTH else quote[: QUOTE_LENGTH - 1] + "\u2026"
