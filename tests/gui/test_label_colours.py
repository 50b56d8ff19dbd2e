"""Labels › Add label… offers a colour no label has, distinct also for colour-blind eyes."""

from __future__ import annotations

from pathlib import Path

from claimdesk.core.palette import MIN_DISTANCE, VISIONS, ciede2000, to_lab
from claimdesk.gui.dialogs import LabelDraft
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompts, db_rows


class OfferedPrompts(ScriptedPrompts):
    """Accepts the label dialog as offered, under the next scripted name."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.offered: list[LabelDraft] = []

    def label(self, draft, labels, editing=None):  # type: ignore[no-untyped-def]
        self.offered.append(draft)
        return (
            LabelDraft(self.names.pop(0), draft.colour, "", draft.shortcut) if self.names else None
        )


def test_new_labels_get_colours_apart_from_the_sample_codebook(
    window: MainWindow, prompts: ScriptedPrompts, project_path: Path
) -> None:
    offered = OfferedPrompts()
    window.prompts = offered
    before = [colour for (colour,) in db_rows(project_path, "SELECT colour FROM label")]
    assert "#d62728" in before  # "Arms embargo / sanctions"
    for name in ("Hedge", "Rumour", "Denial"):
        offered.names = [name]
        window.add_label()
    colours = [draft.colour for draft in offered.offered]
    stored = db_rows(project_path, "SELECT colour FROM label ORDER BY id")
    assert [c for (c,) in stored][-3:] == colours
    shown = [window.labels[i].colour for i in sorted(window.labels)][-3:]
    assert shown == colours
    used = list(before)
    for colour in colours:
        assert colour not in used
        for other in used:
            for vision in VISIONS:
                gap = ciede2000(to_lab(colour, vision), to_lab(other, vision))
                assert gap >= MIN_DISTANCE, (colour, other, vision)
        used.append(colour)
