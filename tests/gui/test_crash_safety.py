"""Nothing is lost: an edit the window calls saved survives the app being killed at once."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from claimdesk.core.store.project import Project

TARGET = Path(__file__).with_name("kill_target.py")
ROOT = Path(__file__).resolve().parents[2]


def test_edit_survives_sigkill_right_after_it(seeded: Project, tmp_path: Path) -> None:
    path = seeded.path
    seeded.close()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "packaging" / "editable"), str(ROOT)]),
    }
    process = subprocess.Popen(
        [sys.executable, str(TARGET), str(path), "arms embargo with the West", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the app did not report the edit within 60 s"
        line = process.stdout.readline()
        assert line.startswith("EDITED "), (line, process.stderr.read() if process.stderr else "")
        # The file still has its write-ahead log: the edit is in it, not yet checkpointed.
        assert Path(f"{path}-wal").exists()
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)
    assert process.returncode == -signal.SIGKILL
    annotation_id = int(line.split()[1])
    with Project.open(path) as reopened:
        record = reopened.annotation(annotation_id)
        annotator = next(a for a in reopened.annotators() if a.id == record.annotator_id)
        label = next(lab for lab in reopened.labels() if lab.id == record.label_id)
    assert record.quote == "arms embargo with the West"
    assert annotator.name == "Killed Annotator"
    assert label.name == "Arms embargo / sanctions"
