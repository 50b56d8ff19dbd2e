"""claimdesk-cli agreement as a user runs it: the installed console script, in its own process."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimdesk.core.agreement.compute import compute_report
from claimdesk.core.agreement.curation import gold_annotator
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

TITLE = "中苏关系 𠀋 talks 🇨🇳 <b>x</b>"


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    found = shutil.which("claimdesk-cli", path=str(Path(sys.executable).parent))
    assert found, "claimdesk-cli is not installed beside this Python (pip install -e .)"
    return subprocess.run(
        [found, *map(str, args)],
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture
def coded(project_path: Path) -> Path:
    with Project.open(project_path) as project:
        text = f"{TITLE}\n\nThe border talks resume; troops withdraw from the frontier."
        article = Article(Path("a.txt"), text, TITLE, sha256_text(text), "utf-8", ())
        doc = project.import_articles([article]).added[0][0]
        ana, ben = project.ensure_annotator("Ana").id, project.ensure_annotator("Ben").id
        first, second = project.labels()[0].id, project.labels()[1].id
        start = text.index("border talks")
        for who in (ana, ben):
            project.add_annotation(doc, first, who, start, start + len("border talks"))
        troops = text.index("troops")
        project.add_annotation(doc, second, ana, troops, troops + len("troops withdraw"))
        project.add_annotation(doc, second, ben, troops, troops + len("troops"))
    return project_path


def test_agreement_prints_overall_per_label_pairwise_and_documents(coded: Path) -> None:
    result = cli("agreement", coded)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    with Project.open(coded) as project:
        report = compute_report(project)
        label = project.labels()[0].name
    for heading in ("Overall", "Per label", "Pairwise Cohen's kappa", "Per document"):
        assert heading in out
    kappa_line = next(line for line in out.splitlines() if line.strip().startswith("Cohen's"))
    assert kappa_line.split()[-1] == f"{report.overall['cohen_kappa']:.3f}"
    assert f"{report.overall['f1_exact']:.3f}" in out
    assert label in out and "Ana" in out and "Ben" in out
    assert TITLE in out  # titles print as they are, emoji and all


def test_agreement_json_and_the_unlabelled_switch(coded: Path) -> None:
    counted = json.loads(cli("agreement", coded, "--json").stdout)
    ignored = json.loads(cli("agreement", coded, "--json", "--unlabelled", "ignore").stdout)
    assert counted["unlabelled"] == "category" and ignored["unlabelled"] == "ignore"
    assert [a["name"] for a in counted["annotators"]] == ["Ana", "Ben"]
    assert counted["overall"]["cohen_kappa"] > ignored["overall"]["cohen_kappa"]
    assert counted["overall"]["f1_exact"] == pytest.approx(0.5)
    assert len(counted["pairwise"]["cohen_kappa"]) == 2


def test_agreement_for_chosen_annotators_and_labels(coded: Path) -> None:
    with Project.open(coded) as project:
        first = project.labels()[0].name
    data = json.loads(
        cli("agreement", coded, "--json", "--labels", first, "--annotators", "ana", "Ben").stdout
    )
    assert [x["name"] for x in data["labels"]] == [first]
    assert data["overall"]["f1_exact"] == 1.0
    alone = json.loads(cli("agreement", coded, "--json", "--annotators", "Ana").stdout)
    assert alone["overall"]["cohen_kappa"] is None  # undefined, written as null
    assert alone["label_frequencies"] == [[1, 1] + [0] * (len(alone["labels"]) - 2)]


def test_the_gold_set_is_left_out_as_on_the_dashboard_unless_asked_for(coded: Path) -> None:
    with Project.open(coded) as project:
        gold = gold_annotator(project)  # opening the curation view creates it, empty
        everyone = compute_report(project)
        dashboard = compute_report(project, [a.id for a in project.annotators() if a != gold])
    assert everyone.annotator_names == ["Ana", "Ben", "Gold"]
    assert math.isnan(everyone.overall["alpha_u"])  # Gold did no document: none everyone did
    data = json.loads(cli("agreement", coded, "--json").stdout)
    assert [a["name"] for a in data["annotators"]] == ["Ana", "Ben"]
    assert data["overall"]["alpha_u"] == pytest.approx(dashboard.overall["alpha_u"])
    assert data["overall"]["alpha_u"] is not None
    counted = json.loads(cli("agreement", coded, "--json", "--include-gold").stdout)
    assert [a["name"] for a in counted["annotators"]] == ["Ana", "Ben", "Gold"]
    named = json.loads(cli("agreement", coded, "--json", "--annotators", "Ana", "gold").stdout)
    assert [a["name"] for a in named["annotators"]] == ["Ana", "Gold"]


def test_unknown_annotator_is_a_clear_error(coded: Path) -> None:
    result = cli("agreement", coded, "--annotators", "Zed")
    assert result.returncode == 1
    assert "claimdesk-cli: error:" in result.stderr
    assert "no annotator called 'Zed'" in result.stderr and "Ana" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_a_project_is_a_clear_error(tmp_path: Path) -> None:
    stranger = tmp_path / "notes.claimdesk"
    stranger.write_text("=SUM(A1) not a database", encoding="utf-8")
    result = cli("agreement", stranger)
    assert result.returncode == 1
    assert "notes.claimdesk" in result.stderr and "Traceback" not in result.stderr
    assert stranger.read_text(encoding="utf-8") == "=SUM(A1) not a database"


def test_help_names_the_units_and_the_switch() -> None:
    result = cli("agreement", "--help")
    assert result.returncode == 0
    for words in ("tokens", "characters", "--unlabelled", "--json", "missing"):
        assert words in result.stdout


def test_agreement_shows_stance_relations_and_document_labels(project_path: Path) -> None:
    from tests.core.agreement.test_scheme_agreement_project import build

    with Project.open(project_path) as project:
        build(project)
    result = cli("agreement", project_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\nAttributes (" in out
    # The worked example: α = 23/45 over six matched claims.
    assert "  Stance: Krippendorff α 0.511 (6 matched spans, 6 pairs compared)" in out
    assert "  attributed to (directed): F1 overlap 1.000 (1 matched relation)" in out
    assert "  Overall stance: Krippendorff α" in out
    assert "Pairwise relation F1 (overlap" in out
    exact = cli("agreement", project_path, "--attribute-match", "exact")
    assert "  Stance: Krippendorff α" in exact.stdout and "(5 matched spans" in exact.stdout
    data = json.loads(cli("agreement", project_path, "--json").stdout)
    assert [x["name"] for x in data["attributes"]] == ["Stance"]
    assert data["attributes"][0]["matched_spans"] == 6
