"""The agreement dashboard on a generated 10-annotator project: heatmap clicks, charts, saving."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.core.agreement import compute as agreement
from claimdesk.core.agreement.curation import gold_annotator
from claimdesk.core.records import Status
from claimdesk.gui.charts import short
from claimdesk.gui.curation import CurationView
from claimdesk.gui.main_window import MainWindow
from tests.gui.review_project import add_annotators


@pytest.fixture
def dashboard(window: MainWindow, qtbot: QtBot):  # type: ignore[no-untyped-def]
    ids = add_annotators(window.project, 10)
    gold_annotator(window.project)  # exists, but stays out of the figures unless asked
    window.menu_actions.dashboard.trigger()
    view = window.dashboard
    qtbot.waitExposed(view)
    # The figures are computed off the GUI thread; the window stays responsive meanwhile.
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    view.tabs.setCurrentWidget(view.pairs_splitter)
    return view, ids


def test_start_up_does_not_import_pyqtgraph() -> None:
    code = (
        "import sys, claimdesk.gui.app, claimdesk.gui.main_window, claimdesk.gui.menus; "
        "sys.exit(1 if 'pyqtgraph' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_heatmap_shows_the_ten_annotators_pairwise_kappa(dashboard, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view, ids = dashboard
    report = view.report
    assert report.annotator_ids == ids  # the gold set is left out by default
    names = [window.project.annotators()[i].name for i in range(10)]
    ticks = view.heatmap.plot.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == names
    assert np.allclose(view.heatmap.matrix, report.pairwise_kappa, equal_nan=True)
    assert "10 annotators" in view.overall.text()


def test_clicking_a_heatmap_cell_lists_that_pairs_disagreements(
    dashboard,  # type: ignore[no-untyped-def]
    qtbot: QtBot,
    window: MainWindow,
) -> None:
    view, ids = dashboard
    row, column = 2, 7
    point = view.heatmap.cell_centre(row, column)
    qtbot.mouseClick(view.heatmap.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())
    expected = agreement.disagreements(window.project, ids[row], ids[column])
    assert expected  # the generated annotators do differ
    assert view.pair == (ids[row], ids[column])
    assert view.disagreement_model.rows == expected
    names = view.report.annotator_names
    assert view.pair_heading.text().startswith(f"{names[row]} and {names[column]}")
    assert f"{len(expected)} disagreements" in view.pair_heading.text()
    headers = [view.disagreement_model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers[3:] == [names[row], names[column]]
    # A click on the diagonal says so instead of listing an annotator against themselves.
    point = view.heatmap.cell_centre(4, 4)
    qtbot.mouseClick(view.heatmap.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())
    assert view.disagreement_model.rowCount() == 0
    assert "against themselves" in view.pair_heading.text()


def test_double_click_on_a_disagreement_opens_curation_there(
    dashboard,  # type: ignore[no-untyped-def]
    qtbot: QtBot,
    window: MainWindow,
) -> None:
    view, _ids = dashboard
    view.show_pair(0, 1)
    table = view.disagreements
    target = view.disagreement_model.rows[-1]
    index = view.disagreement_model.index(len(view.disagreement_model.rows) - 1, 2)
    table.scrollTo(index)
    rect = table.visualRect(index)
    # A real double click: press and release, then the double-click event.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    curation = window.curation
    assert isinstance(curation, CurationView)
    assert curation.document_id == target.document_id
    side = (target.first or target.second)[0]
    assert curation.selected_candidate().key == (side.start, side.end, side.label_id)


def test_every_chart_tab_draws_and_saves_as_png(dashboard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        target = tmp_path / f"chart{index}"  # no suffix: .png is added
        view.ask_png = lambda suggested, target=target: target
        saved = view.save_png()
        assert saved == target.with_name(target.name + ".png")
        assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert saved.stat().st_size > 5000  # a drawn chart, not an empty image
    view.ask_png = lambda suggested: None  # cancelled: nothing happens
    assert view.save_png() is None


def test_numbers_save_as_csv_files_matching_the_core(dashboard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    view.ask_csv = lambda suggested: tmp_path
    written = view.save_csv()
    tables = view.report.to_csv_tables()
    assert sorted(p.name for p in written) == sorted(tables)
    for path in written:
        assert path.read_text(encoding="utf-8") == tables[path.name]
    with (tmp_path / "label_frequencies.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) > 10
    assert f"{len(written)} CSV files saved" in view.message.text()


def test_gold_set_and_unlabelled_switch_recompute(
    dashboard,  # type: ignore[no-untyped-def]
    window: MainWindow,
    qtbot: QtBot,
) -> None:  # type: ignore[no-untyped-def]
    view, ids = dashboard
    gold = gold_annotator(window.project)
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.include_gold.setChecked(True)
    assert view.report.annotator_ids == [*ids, gold.id]
    assert len(view.heatmap.matrix) == 11
    # Two changes in a row: the figures drawn at the end are those of the last choice.
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.unlabelled.setCurrentIndex(view.unlabelled.findData("ignore"))
        view.include_gold.setChecked(False)
    assert view.report.unlabelled == "ignore"
    assert view.report.annotator_ids == ids
    assert len(view.heatmap.matrix) == 10


def test_a_person_called_gold_counts_and_the_gold_set_is_told_apart(
    window: MainWindow, qtbot: QtBot
) -> None:
    project = window.project
    ids = add_annotators(project, 3)
    person = project.ensure_annotator("Gold")
    first = project.documents()[0].id
    for record in project.annotations(first, ids[0])[:5]:
        project.add_annotation(first, record.label_id, person.id, record.start, record.end)
    gold = gold_annotator(project)
    assert gold.name == "Gold (curated)" and gold.id != person.id
    window.menu_actions.dashboard.trigger()
    view = window.dashboard
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    # The person is counted by default; the gold set only when asked for, under its own name.
    assert view.report.annotator_ids == [*ids, person.id]
    assert view.report.annotator_names[-1] == "Gold"
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.include_gold.setChecked(True)
    assert view.report.annotator_ids == [*ids, person.id, gold.id]
    assert view.report.annotator_names[-2:] == ["Gold", "Gold (curated)"]


def test_stop_ends_a_computation_and_keeps_the_figures_shown(
    dashboard,  # type: ignore[no-untyped-def]
    qtbot: QtBot,
) -> None:
    view, _ids = dashboard
    shown = view.report
    assert not view.stop_button.isEnabled()  # nothing to stop
    steps: list[tuple[int, int]] = []
    view.unlabelled.setCurrentIndex(view.unlabelled.findData("ignore"))  # starts a computation
    assert view.stop_button.isEnabled() and not view.refresh_button.isEnabled()
    view.task.progressed.connect(lambda done, total: steps.append((done, total)))
    qtbot.mouseClick(view.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.refresh_button.isEnabled(), timeout=30_000)
    assert view.message.text() == "Stopped; the figures shown are from before."
    assert view.report is shown and view.report.unlabelled == "category"
    assert not view.stop_button.isEnabled()
    assert len(steps) < agreement.STEPS  # it did stop early
    # Refresh computes the choice in full, reporting each step on the way.
    messages: list[str] = []
    view.message.setText("")
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.refresh_button.click()
        view.task.progressed.connect(lambda *_: messages.append(view.message.text()))
    assert view.report.unlabelled == "ignore"
    assert any(m.startswith("Computing the figures… step") for m in messages)


def test_an_edit_elsewhere_asks_for_a_refresh(dashboard, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    window.project.set_status(window.document_id, window.annotator.id, Status.DONE)
    window.show_changes(window.project.undo())
    assert "Refresh" in view.message.text()


def test_the_matrix_choice_redraws_the_heatmap(dashboard) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    view.matrix_choice.setCurrentIndex(view.matrix_choice.findData("pairwise_f1_exact"))
    assert np.allclose(view.heatmap.matrix, view.report.pairwise_f1_exact, equal_nan=True)
    assert "F1, exact" in view.heatmap.plot.titleLabel.text


def test_heatmap_cells_show_their_values_as_text(dashboard) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    matrix = view.report.pairwise_kappa
    texts = {
        (round(t.pos().y() - 0.5), round(t.pos().x() - 0.5)): t.textItem.toPlainText()
        for t in view.heatmap._texts
    }
    assert len(texts) == 100
    for (row, column), text in texts.items():
        value = matrix[row, column]
        assert text == ("n/a" if np.isnan(value) else f"{value:.2f}")


def test_label_frequency_bars_are_the_core_counts(dashboard) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    chart = view.chart(view.frequency_tab)
    bars = [i for i in chart.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 10  # one series per annotator
    counts = view.report.label_frequencies
    for annotator, item in enumerate(bars):
        assert list(item.opts["width"]) == list(counts[annotator])
    ticks = chart.getPlotItem().getAxis("left")._tickLevels[0]
    assert [name for _, name in ticks][:3] == [short(n) for n in view.report.label_names][:3]


def test_hovering_a_cell_names_the_pair_and_value(dashboard, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    view, _ids = dashboard
    viewport = view.heatmap.viewport()
    qtbot.waitUntil(lambda: viewport.rect().contains(view.heatmap.cell_centre(1, 6).toPoint()))
    point = view.heatmap.cell_centre(1, 6)
    # Sent to the heatmap itself: with the main window also open, the offscreen platform hands
    # a button-less move to the other window, where a real pointer would be over the heatmap.
    for at in (point, point + QPointF(1, 1)):
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            at,
            viewport.mapToGlobal(at),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, move)
    names = view.report.annotator_names
    value = view.report.pairwise_kappa[1, 6]
    qtbot.waitUntil(lambda: f"{names[1]} × {names[6]}" in view.heatmap.toolTip())
    assert f"{value:.3f}" in view.heatmap.toolTip()


def test_many_annotators_are_numbered_under_the_heatmap_and_named_beside_it(
    qtbot: QtBot,
) -> None:
    from claimdesk.gui.charts import Heatmap

    heatmap = Heatmap()
    qtbot.addWidget(heatmap)
    names = [f"<b>P{i}</b>" for i in range(30)]
    matrix = np.eye(30)
    matrix[0, 1] = matrix[1, 0] = np.nan
    heatmap.set_matrix("κ", names, matrix)
    bottom = [text for _, text in heatmap.plot.getAxis("bottom")._tickLevels[0]]
    left = [text for _, text in heatmap.plot.getAxis("left")._tickLevels[0]]
    assert bottom == [str(i + 1) for i in range(0, 30, 2)]
    assert left[0] == "<b>P0</b> 1" and len(left) == 30
    texts = {t.textItem.toPlainText() for t in heatmap._texts}
    assert texts == {"1.00", "0.00", "n/a"}


def test_legend_shows_names_as_plain_text(qtbot: QtBot) -> None:
    from claimdesk.gui.charts import grouped_hbars

    chart = grouped_hbars("t", ["=SUM(A1)"], ["<b>Ana</b>", "Ben &amp; co"], np.ones((2, 1)), "n")
    qtbot.addWidget(chart)
    legend = chart.getPlotItem().legend
    shown = [label.item.toPlainText() for _, label in legend.items]
    assert shown == ["<b>Ana</b>", "Ben &amp; co"]


def test_the_figures_are_computed_on_a_project_of_the_workers_own(
    dashboard,  # type: ignore[no-untyped-def]
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    view, _ids = dashboard
    compute = agreement.compute_report
    used: list[tuple[object, bool]] = []

    def spy(project, **options):  # type: ignore[no-untyped-def]
        used.append((project, threading.current_thread() is threading.main_thread()))
        return compute(project, **options)

    monkeypatch.setattr(agreement, "compute_report", spy)
    with qtbot.waitSignal(view.computed, timeout=30_000):
        view.refresh_button.click()
    ((project, on_gui_thread),) = used
    assert project is not view.project and not on_gui_thread
    assert project.path == view.project.path


def _progress(counts: list[list[int]]) -> pg.PlotWidget:
    from claimdesk.gui.charts import progress_lines

    days = [date(2026, 3, d) for d in range(1, len(counts[0]) + 1)]
    names = ["Ana", "<b>Ben</b>"]  # a name is shown as typed
    return progress_lines("Documents done", names, days, np.array(counts), "documents")


def test_tied_annotators_both_show_on_the_progress_chart(qtbot: QtBot) -> None:
    from claimdesk.gui.charts import series_colour

    chart = _progress([[0, 1, 1], [0, 1, 1]])  # the same total on every day: 0, 1, 2
    qtbot.addWidget(chart)
    chart.resize(500, 360)
    chart.show()
    qtbot.waitExposed(chart)
    QApplication.processEvents()
    plot = chart.getPlotItem()
    # On screen, around the last day's point, the fill colour of each annotator's marker shows:
    # neither hides the other (the lines coincide; only the markers stand side by side).
    last = datetime(2026, 3, 3, tzinfo=UTC).timestamp()
    centre = chart.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(last, 2)))
    image = chart.grab().toImage()
    around = {
        image.pixelColor(centre.x() + dx, centre.y() + dy).name()
        for dx in range(-20, 21)
        for dy in range(-8, 9)
    }
    for index in range(2):
        assert series_colour(index).name() in around, index
    # Hovering a point names both annotators (as plain text).
    markers = [i for i in plot.items if isinstance(i, pg.ScatterPlotItem)]
    assert len(markers) == 2
    tips = [p.data() for m in markers for p in m.points()]
    assert len(tips) == 6
    assert all(t.endswith("Ana<br>&lt;b&gt;Ben&lt;/b&gt;</qt>") for t in tips), tips
    viewport = chart.viewport()
    for at in (QPointF(centre), QPointF(centre) + QPointF(1, 0)):
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            at,
            viewport.mapToGlobal(at),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, move)
    box = plot.getViewBox()
    qtbot.waitUntil(lambda: "&lt;b&gt;Ben&lt;/b&gt;" in box.toolTip())
    assert "03 Mar 2026: 2 documents<br>Ana<br>" in box.toolTip()


def test_count_axes_tick_whole_numbers_only(dashboard, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    view, _ = dashboard
    chart = _progress([[0, 1, 1], [0, 2, 0]])
    qtbot.addWidget(chart)
    frequencies = view.chart(view.frequency_tab)
    axes = [
        chart.getPlotItem().getAxis("left"),
        frequencies.getPlotItem().getAxis("bottom"),
    ]
    for axis in axes:
        for low, high, pixels in ((0, 2.2, 400), (-0.1, 3.3, 600), (0, 1.1, 300), (0, 38, 500)):
            levels = axis.tickValues(low, high, pixels)
            values = [v for _, level in levels for v in level]
            assert values and all(float(v).is_integer() for v in values), (low, high, values)
            for spacing, level in levels:
                strings = axis.tickStrings(level, 1.0, spacing)
                assert all("." not in s for s in strings), strings


def test_an_annotator_who_has_not_started_is_not_a_row_of_na(
    window: MainWindow, qtbot: QtBot
) -> None:
    ids = add_annotators(window.project, 3)
    newcomer = window.project.ensure_annotator("Newcomer").id  # opened the project, nothing else
    window.menu_actions.dashboard.trigger()
    view = window.dashboard
    assert view is not None
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    report = view.report
    assert report is not None
    assert newcomer not in report.annotator_ids
    assert set(ids) <= set(report.annotator_ids)
    ticks = view.heatmap.plot.getAxis("bottom")._tickLevels[0]
    assert "Newcomer" not in [name for _, name in ticks]
