"""Make the README screenshot: the real window on the sample project, a few claims filed.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py docs/screenshot.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402

CLAIMS = (  # (phrase, label key, note)
    ("most substantive talks on cooperation between the two armies in decades", "3", ""),
    ("turning its mammoth arms industry into a lucrative producer for consumer goods", "7", ""),
    ("East European and Western diplomats", "9", ""),
    ("sidestep an arms embargo with the West", "1", "Embargo after June 1989"),
    ("gain access to Soviet weapons technology", "4", ""),
    ("Soviet weapons technology", "3", ""),
    ("the West imposed sanctions on weapons sales", "1", ""),
    ("the diplomats say", "9", ""),
    ("canceled what would have been its biggest military purchase from the United States", "1", ""),
    ('A "guns-for-butter" barter deal', "6", ""),
)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")
    with tempfile.TemporaryDirectory() as home:
        os.environ["CLAIMDESK_DATA_DIR"] = f"{home}/data"
        os.environ["CLAIMDESK_CONFIG_DIR"] = f"{home}/config"
        from claimdesk.gui.app import build_window, make_application
        from claimdesk.gui.dialogs import Prompts
        from claimdesk.gui.settings import Settings

        class Answers(Prompts):
            def annotator_name(self, current: str = "") -> str | None:
                return "Student A"

        app = make_application(["claimdesk"])
        window = build_window(None, Settings(), Answers())
        assert window is not None
        window.resize(1440, 860)
        window.splitter.setSizes([300, 700, 440])
        window.show()
        text = window.view.document_text()
        for phrase, key, note in CLAIMS:
            start = text.index(phrase)
            window.view.set_text_selection(start, start + len(phrase))
            QTest.keyClick(window.view, key)
            if note and window.view.selected_span_id is not None:
                window.project.set_note(window.view.selected_span_id, note)
        window.open_document(window.documents.model.document_ids()[1])
        window.open_document(window.documents.model.document_ids()[0])
        first = window.annotations.model_.record(3).id
        window.select_annotation(first)
        window.view.verticalScrollBar().setValue(0)
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            raise SystemExit(f"could not write {out}")
        window.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
