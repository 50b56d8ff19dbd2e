"""The dashboard shows agreement on attributes (stance), relations and document labels."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from claimdesk.gui.dashboard import Dashboard
from claimdesk.gui.main_window import MainWindow
from tests.core.agreement.test_scheme_agreement_project import build, clear_scheme


def _open(window: MainWindow, qtbot: QtBot) -> Dashboard:
    window.menu_actions.dashboard.trigger()
    view = window.dashboard
    assert view is not None
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.report is not None, timeout=30_000)
    view.tabs.setCurrentWidget(view.scheme_tab)
    return view


def test_the_dashboard_shows_agreement_on_stance(window: MainWindow, qtbot: QtBot) -> None:
    build(window.project)
    view = _open(window, qtbot)
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Attributes, relations, document labels"
    text = view.scheme_text.toPlainText()
    assert text.startswith("Attributes (")
    assert "  Stance: Krippendorff α 0.511 (6 matched spans, 6 pairs compared)" in text
    assert "Cohen κ 0.478" in text  # 11/23
    assert "  attributed to (directed): F1 overlap 1.000" in text
    assert "Document labels (" in text and "  Overall stance:" in text
    # The chart above the text: one bar per attribute, relation type and document label set.
    chart = view.chart(view.scheme_chart_box)
    ticks = [name for _, name in chart.getPlotItem().getAxis("left")._tickLevels[0]]
    assert ticks[0] == "Stance" and "attributed to (relations)" in ticks
    view.grab().save("/tmp/agree16-dashboard-scheme.png")


def test_without_a_scheme_the_tab_says_where_to_add_one(window: MainWindow, qtbot: QtBot) -> None:
    clear_scheme(window.project)
    view = _open(window, qtbot)
    assert "codebook editor" in view.scheme_text.toPlainText()


def test_the_pair_list_shows_where_stance_differs(window: MainWindow, qtbot: QtBot) -> None:
    who = build(window.project)
    view = _open(window, qtbot)
    assert view.report is not None
    ids = view.report.annotator_ids
    view.show_pair(ids.index(who["Ana"]), ids.index(who["Ben"]))
    model = view.disagreement_model
    kinds = [model.index(row, 1).data() for row in range(model.rowCount())]
    assert "Stance: positive / negative" in kinds
