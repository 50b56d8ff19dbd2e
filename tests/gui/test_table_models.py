"""The column base of the table models: what a declared column shows, and the models built on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from claimdesk.core.agreement import curation as core_curation
from claimdesk.core.agreement.compute import disagreements
from claimdesk.core.records import AnnotationRecord
from claimdesk.gui.annotation_list import AnnotationTableModel
from claimdesk.gui.candidates import CandidateModel
from claimdesk.gui.disagreements import DisagreementModel
from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.table_models import SORT_ROLE, Column, ColumnTableModel, right_aligned
from tests.gui.review_project import add_annotators

Role = Qt.ItemDataRole


class Person(NamedTuple):
    name: str
    score: float


class People(ColumnTableModel[Person]):
    def __init__(self, people: Sequence[Person]) -> None:
        super().__init__()
        self.people = list(people)
        self._columns = (
            Column(
                "Name",
                lambda p: p.name,
                tooltip=lambda p: f"{p.name} <i>in full</i>",
                sort_key=lambda p: p.name.casefold(),
                edit=lambda p: p.name,
                header_tooltip="Who <b>they</b> are",
            ),
            Column(
                "Score",
                lambda p: f"{p.score:.1f}",
                alignment=right_aligned,
                sort_key=lambda p: p.score,
                background=lambda p: QColor("#c8e6c9") if p.score > 5 else None,
            ),
        )

    def columns(self) -> Sequence[Column[Person]]:
        return self._columns

    def row_count(self) -> int:
        return len(self.people)

    def row_at(self, number: int) -> Person:
        return self.people[number]


def test_a_declared_column_answers_every_role(qtmodeltester: object) -> None:
    model = People([Person("<b>bo</b>", 10.0), Person("ana", 9.5), Person("Cy", 2.0)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    header = Qt.Orientation.Horizontal
    assert [model.headerData(c, header) for c in range(2)] == ["Name", "Score"]
    assert (
        model.headerData(0, header, Role.ToolTipRole) == "<qt>Who &lt;b&gt;they&lt;/b&gt; are</qt>"
    )
    assert model.headerData(1, header, Role.ToolTipRole) is None
    assert model.headerData(2, header) is None
    name, score = model.index(0, 0), model.index(0, 1)
    assert name.data() == "<b>bo</b>"  # item views draw display text literally
    assert (
        name.data(Role.ToolTipRole) == "<qt>&lt;b&gt;bo&lt;/b&gt; &lt;i&gt;in full&lt;/i&gt;</qt>"
    )
    assert score.data(Role.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert name.data(Role.TextAlignmentRole) is None
    assert score.data(Role.BackgroundRole).color() == QColor("#c8e6c9")
    assert model.index(2, 1).data(Role.BackgroundRole) is None
    assert name.data(Role.EditRole) == "<b>bo</b>" and score.data(Role.EditRole) is None
    assert model.flags(name) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(score) & Qt.ItemFlag.ItemIsEditable
    assert model.index(3, 0).data() is None


def test_a_proxy_sorts_on_the_sort_keys_not_the_text() -> None:
    model = People([Person("bo", 10.0), Person("Ana", 9.5), Person("cy", 2.0)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)  # "10.0" < "2.0" as text; 2 < 10 as numbers
    assert [proxy.index(r, 1).data() for r in range(3)] == ["2.0", "9.5", "10.0"]
    proxy.sort(0, Qt.SortOrder.AscendingOrder)  # "Ana" before "bo" whatever the case
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Ana", "bo", "cy"]


def test_the_annotation_list_still_fetches_only_the_rows_it_shows(
    window: MainWindow, qtmodeltester: object
) -> None:
    project, document = window.project, window.document_id
    assert document is not None
    spans = project.spans(document, add_annotators(project, 1)[0])
    fetched: list[int] = []

    def fetch(ids: Sequence[int]) -> dict[int, AnnotationRecord]:
        fetched.extend(ids)
        return project.annotations_by_id(ids)

    model = AnnotationTableModel(fetch)
    model.set_labels(project.labels())
    model.set_spans(spans)
    assert model.rowCount() == len(spans) > 0
    for role in (
        Role.SizeHintRole,
        Role.FontRole,
        Role.BackgroundRole,
        Role.ForegroundRole,
        Role.TextAlignmentRole,
        Role.DecorationRole,
        AnnotationTableModel.IdRole,
    ):
        model.index(0, 0).data(role)
        assert fetched == [], role  # nothing to show for these roles: no quote or note read
    assert model.index(0, 0).data() is not None
    assert 0 < len(fetched) <= AnnotationTableModel.PAGE
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Note"
    assert model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


def test_the_review_tables_pass_the_model_tester(window: MainWindow, qtmodeltester: object) -> None:
    project, document = window.project, window.document_id
    assert document is not None
    ids = add_annotators(project, 3)
    candidates = CandidateModel()
    candidates.set_curation(
        core_curation.curation_lanes(project, document, None),
        project.document_text(document),
        {label.id: label for label in project.labels()},
    )
    assert candidates.columnCount() == len(CandidateModel.FIXED) + 3
    qtmodeltester.check(candidates)  # type: ignore[attr-defined]
    differences = DisagreementModel(project.document_text)
    differences.set_rows(disagreements(project, ids[0], ids[1]), "Ana", "Ben")
    assert differences.rowCount() > 0
    header = [differences.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert header == ["Document", "What differs", "Text", "Ana", "Ben"]
    qtmodeltester.check(differences)  # type: ignore[attr-defined]
