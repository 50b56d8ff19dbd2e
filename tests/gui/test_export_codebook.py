"""Labels › Export codebook… writes the project's codebook, scheme included, to a file; a
project file chosen by mistake is refused and left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from claimdesk.gui.main_window import MainWindow
from tests.gui.conftest import ScriptedPrompts


def test_the_codebook_goes_out_with_its_attributes_and_relation_types(
    window: MainWindow, tmp_path: Path
) -> None:
    prompts = window.prompts
    assert isinstance(prompts, ScriptedPrompts)
    # The sample codebook's scheme (the tests' project starts from its labels only).
    window.project.add_codebook(load_codebook(seeds_dir() / "codebook.json"))
    out = tmp_path / "codebook 𠀀.json"
    prompts.paths = [out]
    window.menu_actions.export_codebook.trigger()
    written = load_codebook(out)
    scheme = window.project.scheme_by_name()
    assert written.scheme == scheme and not scheme.empty
    assert [label.name for label in written.labels] == [
        label.name for label in window.project.labels()
    ]
    assert "written to codebook 𠀀.json" in window.statusBar().currentMessage()


def test_a_project_file_is_never_written_over(window: MainWindow) -> None:
    prompts = window.prompts
    assert isinstance(prompts, ScriptedPrompts)
    target = Path(window.project.path)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    prompts.paths = [target]
    window.menu_actions.export_codebook.trigger()
    assert prompts.errors and target.name in prompts.errors[-1]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
