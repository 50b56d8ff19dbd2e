"""The attribute bar, the document labels and the Attributes column, grabbed in light and dark
at the default window size: everything reads, nothing scrolls sideways or wraps."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from claimdesk.gui.main_window import MainWindow
from claimdesk.gui.theme import apply_theme
from tests.gui.readability import (
    background_of,
    best_contrast,
    item_view_problems,
    rgb,
    widget_rect,
)
from tests.gui.test_claim_keys import Scheme, file_span, scheme  # noqa: F401


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_tidy_and_readable_in_both_themes(
    window: MainWindow,
    scheme: Scheme,  # noqa: F811
    qtbot: QtBot,
    theme: str,
) -> None:
    apply_theme(QApplication.instance(), theme)  # type: ignore[arg-type]
    window.resize(1280, 800)  # the window's own first size
    claim = file_span(window, qtbot, "talks on cooperation between the two armies", "3")
    source = file_span(window, qtbot, "East European and Western diplomats", "9")
    project = window.project
    window.edit(lambda: project.add_relation(scheme.attributed.id, claim, source))
    window.edit(lambda: project.set_attribute([claim], scheme.stance.id, "negative"))
    assert window.document_id is not None
    document, annotator = window.document_id, window.annotator.id
    window.edit(
        lambda: project.set_document_labels(document, annotator, scheme.topic.id, ["Military"])
    )
    window.select_annotation(claim)
    qtbot.keyClick(window.view, "a")
    qtbot.wait(20)
    image = window.grab().toImage()

    bar = window.attribute_bar
    assert bar.height() < 48  # one line under the article, the article keeps its room
    area = widget_rect(bar.line, window)
    assert best_contrast(image, area, background_of(image, area)) >= 4.5

    palette = QApplication.palette()
    military, economy = window.doc_labels.chips[0][:2]
    assert military.isChecked() and not economy.isChecked()
    for chip, fill in ((military, palette.highlight()), (economy, palette.base())):
        area = widget_rect(chip, window).adjusted(4, 4, -4, -4)
        painted = background_of(image, area)
        assert painted == rgb(fill.color())  # chosen: filled in the theme's highlight
        assert best_contrast(image, area, painted) >= 4.5, chip.text()

    listing = window.annotations
    assert not listing.horizontalScrollBar().isVisible()
    model = listing.model_
    assert (
        model.index(model.row_of(claim), model.DETAILS).data() == "negative · → Source attribution"
    )
    checked, problems = item_view_problems(listing)
    assert "← Military cooperation" in checked and problems == []
