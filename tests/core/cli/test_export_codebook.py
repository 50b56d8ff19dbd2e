"""claimdesk-cli export-codebook: a project's codebook, with its attributes, relation types and
document labels, written to a file another project starts from; never over a project."""

from __future__ import annotations

import hashlib
from pathlib import Path

from claimdesk.core.codebook import load_codebook
from claimdesk.core.paths import seeds_dir
from tests.core.cli.test_cli import run


def test_the_sample_codebook_goes_out_and_a_new_project_starts_from_it(tmp_path: Path) -> None:
    project = tmp_path / "class.claimdesk"
    made = run("new", project, "--codebook", seeds_dir() / "codebook.json", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    out = tmp_path / "our codebook 𠀀.json"

    done = run("export-codebook", project, out, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert (
        "11 label(s), 30 attribute(s), 3 relation type(s), 2 document label set(s)" in done.stdout
    )
    seed = load_codebook(seeds_dir() / "codebook.json")
    written = load_codebook(out)
    assert [label.name for label in written.labels] == [label.name for label in seed.labels]
    assert written.scheme == seed.scheme
    again = tmp_path / "again.claimdesk"
    assert run("new", again, "--codebook", out, cwd=tmp_path).returncode == 0


def test_it_never_writes_over_a_project(tmp_path: Path) -> None:
    project = tmp_path / "class.claimdesk"
    assert run("new", project, cwd=tmp_path).returncode == 0
    other = tmp_path / "other.claimdesk"
    assert run("new", other, cwd=tmp_path).returncode == 0
    before = hashlib.sha256(other.read_bytes()).hexdigest()

    refused = run("export-codebook", project, other, cwd=tmp_path)

    assert refused.returncode != 0
    assert "other.claimdesk" in refused.stderr and "Traceback" not in refused.stderr
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
