"""Agreement figures read from a real project: units, missing work, the unlabelled switch."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from claimdesk.core.agreement.compute import (
    STEPS,
    compute_report,
    disagreements,
    label_frequencies,
    progress_over_time,
)
from claimdesk.core.agreement.metrics import alpha_u, cohen_kappa, krippendorff_alpha_nominal
from claimdesk.core.errors import Cancelled
from claimdesk.core.records import Status
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

pytestmark = pytest.mark.both_dialects

# Awkward text: a CJK character outside the BMP, emoji, combining accents, HTML- and
# formula-looking strings. Offsets are code points.
SIMPLE = "alpha beta gamma delta"
AWKWARD = "𠀋 talks 🇨🇳 resume. Cafe\u0301 <b>x</b>&amp; =SUM(A1) naïve end"


def add_document(project: Project, text: str, title: str) -> int:
    article = Article(Path(f"{title}.txt"), text, title, sha256_text(text), "utf-8", ())
    report = project.import_articles([article])
    return report.added[0][0]


def span(project: Project, doc: int, who: int, label: int, text: str, word: str, nth: int = 0):  # type: ignore[no-untyped-def]
    body = project.document_text(doc)
    start = -1
    for _ in range(nth + 1):
        start = body.index(word, start + 1)
    project.add_annotation(doc, label, who, start, start + len(word))
    return start


@pytest.fixture
def two(project: Project) -> tuple[Project, int, int, int, int, int]:
    doc = add_document(project, SIMPLE, "simple")
    a = project.ensure_annotator("Ana").id
    b = project.ensure_annotator("Ben").id
    labels = project.labels()
    return project, doc, a, b, labels[0].id, labels[1].id


def test_token_units_and_the_unlabelled_switch(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, _ = two
    project.add_annotation(doc, l1, a, 0, len("alpha beta"))
    project.add_annotation(doc, l1, b, 6, 10)  # "beta"
    counted = compute_report(project, unlabelled="category")
    # Four tokens; unlabelled ones are the category "none" (0).
    expected = cohen_kappa([1, 1, 0, 0], [0, 1, 0, 0])
    assert counted.pairwise_kappa[0, 1] == pytest.approx(expected)
    assert counted.overall["cohen_kappa"] == pytest.approx(expected)
    # Only tokens someone labelled: alpha, beta.
    ignored = compute_report(project, unlabelled="ignore")
    assert ignored.pairwise_kappa[0, 1] == pytest.approx(cohen_kappa([1, 1], [0, 1]))
    assert ignored.overall["cohen_kappa"] != counted.overall["cohen_kappa"]
    alpha = krippendorff_alpha_nominal([[1, 1, 0, 0], [0, 1, 0, 0]])
    assert counted.overall["krippendorff_alpha"] == pytest.approx(alpha)


def test_perfect_agreement_gives_one_everywhere(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, l2 = two
    for who in (a, b):
        project.add_annotation(doc, l1, who, 0, 5)
        project.add_annotation(doc, l2, who, 11, 16)
    report = compute_report(project)
    for figure in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "alpha_u"):
        assert report.overall[figure] == pytest.approx(1.0), figure
    assert report.overall["f1_exact"] == 1.0
    assert report.overall["f1_overlap"] == 1.0
    assert [x.f1_exact for x in report.per_label[:2]] == [1.0, 1.0]
    assert report.per_document[0].alpha_u == pytest.approx(1.0)


def test_alpha_u_is_computed_on_characters_of_the_stored_text(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, _ = two
    project.add_annotation(doc, l1, a, 0, 10)
    project.add_annotation(doc, l1, b, 6, 16)
    report = compute_report(project)
    direct = alpha_u([0, 1], [0, 0], [0, 6], [10, 16], 2, 0, len(SIMPLE))
    assert report.per_document[0].alpha_u == pytest.approx(direct.alpha)
    assert report.per_label[0].alpha_u == pytest.approx(direct.category_alpha[0])


def test_completely_different_documents_do_not_agree(project: Project) -> None:
    first = add_document(project, "one two three four five six seven eight", "first")
    a = project.ensure_annotator("Ana").id
    b = project.ensure_annotator("Ben").id
    label = project.labels()[0].id
    project.add_annotation(first, label, a, 0, 7)
    project.add_annotation(first, label, b, 26, 39)
    report = compute_report(project)
    assert report.overall["alpha_u"] < 0.5
    assert report.overall["f1_overlap"] == 0.0
    assert report.overall["cohen_kappa"] < 0.5


def test_missing_work_is_missing_not_disagreement(project: Project) -> None:
    one = add_document(project, SIMPLE, "one")
    two = add_document(project, "epsilon zeta eta theta", "two")
    three = add_document(project, "iota kappa lambda mu", "three")
    a, b, c = (project.ensure_annotator(n).id for n in ("Ana", "Ben", "Cleo"))
    label = project.labels()[0].id
    for who in (a, b):
        project.add_annotation(one, label, who, 0, 5)
        project.add_annotation(two, label, who, 0, 7)
    project.add_annotation(one, label, c, 0, 5)  # Cleo did only the first document
    # A status "in progress" with no annotations counts as done work (nothing labelled) ...
    project.set_status(three, a, Status.IN_PROGRESS)
    # ... a status "to do" does not.
    project.set_status(three, b, Status.TODO)
    report = compute_report(project)
    index = {name: i for i, name in enumerate(report.annotator_names)}
    assert report.pairwise_documents[index["Ana"], index["Ben"]] == 2
    assert report.pairwise_documents[index["Ana"], index["Cleo"]] == 1
    assert report.pairwise_documents[index["Ana"], index["Ana"]] == 3
    assert report.pairwise_f1_exact[index["Ben"], index["Cleo"]] == 1.0
    assert report.documents_by_annotator[c] == [one]
    assert report.documents_by_annotator[a] == [one, two, three]
    # Only Ana did document three: no figure for it, but listed with one annotator.
    third = next(x for x in report.per_document if x.document_id == three)
    assert third.annotators == 1 and math.isnan(third.krippendorff_alpha)
    assert report.overall["krippendorff_alpha"] == pytest.approx(1.0)


def test_awkward_text_offsets_are_code_points(project: Project) -> None:
    doc = add_document(project, AWKWARD, "awkward")
    a, b = project.ensure_annotator("Ana").id, project.ensure_annotator("Ben").id
    label = project.labels()[0].id
    for who in (a, b):
        span(project, doc, who, label, AWKWARD, "𠀋 talks")
        span(project, doc, who, label, AWKWARD, "<b>x</b>&amp;")
    span(project, doc, a, label, AWKWARD, "naïve")
    report = compute_report(project)
    # "𠀋 talks" is two tokens, "<b>x</b>&amp;" nine; "naïve" one; 2 of 3 spans match.
    assert report.overall["f1_exact"] == pytest.approx(2 * 2 / (3 + 2))
    assert 0 < report.overall["cohen_kappa"] < 1
    (found,) = disagreements(project, a, b)
    assert found.kind == "extra"
    assert found.first[0].quote == "naïve"
    assert AWKWARD[found.start : found.end] == "naïve"


def test_disagreement_kinds_between_two_annotators(two) -> None:  # type: ignore[no-untyped-def]
    project, _, a, b, l1, l2 = two
    text = "aaaa bbbb cccc dddd eeee ffff gggg hhhh"
    doc = add_document(project, text, "kinds")
    w = {word[0]: text.index(word) for word in text.split()}
    project.add_annotation(doc, l1, a, w["a"], w["a"] + 4)  # same: left out
    project.add_annotation(doc, l1, b, w["a"], w["a"] + 4)
    project.add_annotation(doc, l1, a, w["b"], w["b"] + 4)  # label
    project.add_annotation(doc, l2, b, w["b"], w["b"] + 4)
    project.add_annotation(doc, l1, a, w["c"], w["c"] + 9)  # boundary
    project.add_annotation(doc, l1, b, w["c"], w["c"] + 4)
    project.add_annotation(doc, l1, b, w["f"], w["f"] + 4)  # missing (only Ben)
    project.add_annotation(doc, l1, a, w["h"], w["h"] + 4)  # extra (only Ana)
    found = disagreements(project, a, b, doc)
    assert [d.kind for d in found] == ["label", "boundary", "missing", "extra"]
    assert [len(d.first) for d in found] == [1, 1, 0, 1]
    assert [len(d.second) for d in found] == [1, 1, 1, 0]
    assert found[1].start == w["c"] and found[1].end == w["c"] + 9
    assert found[0].first[0].label != found[0].second[0].label
    # Seen from the other side, missing and extra swap.
    assert [d.kind for d in disagreements(project, b, a, doc)] == [
        "label",
        "boundary",
        "extra",
        "missing",
    ]
    # A document only one of them did has no disagreements, and the matrix says so.
    assert disagreements(project, a, b, 10_000) == []


def test_label_filter_leaves_other_labels_out(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, l2 = two
    project.add_annotation(doc, l1, a, 0, 5)
    project.add_annotation(doc, l1, b, 0, 5)
    project.add_annotation(doc, l2, a, 6, 10)  # only Ana, under the second label
    everything = compute_report(project)
    first_only = compute_report(project, labels=[l1])
    assert everything.overall["f1_exact"] == pytest.approx(2 / 3)
    assert first_only.overall["f1_exact"] == 1.0
    assert first_only.label_names == [project.labels()[0].name]
    assert everything.label_frequencies[:, :2].tolist() == [[1, 1], [1, 0]]


def test_frequencies_and_progress(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, l2 = two
    project.add_annotation(doc, l1, a, 0, 5)
    project.add_annotation(doc, l2, a, 6, 10)
    project.add_annotation(doc, l2, b, 6, 10)
    project.set_status(doc, b, Status.DONE)
    freq = label_frequencies(project, [a, b])
    assert freq[:, :2].tolist() == [[1, 1], [0, 1]]
    work = progress_over_time(project, [a, b])
    assert len(work.days) == 1
    assert work.annotations[:, 0].tolist() == [2, 1]
    assert work.documents_done[:, 0].tolist() == [0, 1]


def test_compute_report_reports_progress_and_stops_when_asked(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, _ = two
    project.add_annotation(doc, l1, a, 0, 5)
    project.add_annotation(doc, l1, b, 0, 10)
    seen: list[tuple[int, int]] = []
    report = compute_report(
        project, progress=lambda done, total: seen.append((done, total)) or True
    )
    assert seen == [(i, STEPS) for i in range(1, STEPS + 1)]
    assert report.pairwise_kappa[0, 1] == pytest.approx(
        compute_report(project).pairwise_kappa[0, 1]
    )
    asked: list[int] = []

    def stop_at_three(done: int, total: int) -> bool:
        asked.append(done)
        return done < 3

    with pytest.raises(Cancelled):
        compute_report(project, progress=stop_at_three)
    assert asked == [1, 2, 3]  # nothing more is computed once the user cancelled


def test_csv_and_json_exports(project: Project) -> None:
    doc = add_document(project, SIMPLE, "=HYPERLINK(1)")
    a = project.ensure_annotator("=SUM(A1)").id
    b = project.ensure_annotator("Ben").id
    label = project.labels()[0].id
    project.add_annotation(doc, label, a, 0, 5)
    project.add_annotation(doc, label, b, 11, 16)
    report = compute_report(project, annotators=[a, b])
    tables = report.to_csv_tables()
    assert set(tables) >= {"overall.csv", "labels.csv", "documents.csv", "pairwise_kappa.csv"}
    kappa_rows = list(csv.reader(io.StringIO(tables["pairwise_kappa.csv"])))
    assert kappa_rows[0] == ["annotator", "'=SUM(A1)", "Ben"]
    value = float(kappa_rows[1][2])
    assert value < 0  # a negative number stays a number, not neutralised text
    assert value == pytest.approx(report.pairwise_kappa[0, 1], abs=1e-6)
    documents = list(csv.DictReader(io.StringIO(tables["documents.csv"])))
    assert documents[0]["title"] == "'=HYPERLINK(1)"
    data = json.loads(report.to_json(), parse_constant=lambda c: pytest.fail(c))
    assert data["annotators"][0]["name"] == "=SUM(A1)"
    assert data["overall"]["cohen_kappa"] == pytest.approx(report.overall["cohen_kappa"])
    assert data["pairwise"]["cohen_kappa"][0][1] == pytest.approx(value, abs=1e-6)


def test_one_annotator_or_none_gives_undefined_not_a_crash(project: Project) -> None:
    doc = add_document(project, SIMPLE, "alone")
    empty = compute_report(project)
    assert empty.annotator_ids == [] and empty.per_document == []
    a = project.ensure_annotator("Ana").id
    project.add_annotation(doc, project.labels()[0].id, a, 0, 5)
    alone = compute_report(project)
    assert math.isnan(alone.overall["cohen_kappa"])
    assert math.isnan(alone.overall["alpha_u"])
    assert alone.pairwise_kappa.shape == (1, 1)
    assert np.isnan(alone.overall["krippendorff_alpha"])


def test_unknown_unlabelled_treatment_is_refused(project: Project) -> None:
    with pytest.raises(ValueError, match="unlabelled"):
        compute_report(project, unlabelled="sometimes")  # type: ignore[arg-type]


def test_a_codebook_of_more_than_64_labels(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, _ = two
    extra = [project.add_label(f"Extra {i}", "#123456")[0].id for i in range(70)]
    late = extra[-1]  # the 81st label: its bit lives in the second word of the label set
    for who in (a, b):
        project.add_annotation(doc, late, who, 0, 5)
        project.add_annotation(doc, l1, who, 0, 5)
    project.add_annotation(doc, extra[-2], a, 11, 16)  # only Ana: gamma
    report = compute_report(project)
    figures = {x.label_id: x for x in report.per_label}
    assert len(report.label_ids) > 64
    assert figures[late].cohen_kappa == pytest.approx(1.0)
    assert figures[late].spans == 2
    # Tokens: alpha {l1, late} both; beta none; gamma {extra[-2]} Ana only; delta none.
    expected = cohen_kappa([1, 0, 2, 0], [1, 0, 0, 0])
    assert report.pairwise_kappa[0, 1] == pytest.approx(expected)


def test_an_article_imported_from_a_crlf_file_is_measured_on_its_stored_text(
    project: Project, tmp_path: Path
) -> None:
    from claimdesk.core.importing import import_paths

    source = tmp_path / "crlf.txt"
    source.write_bytes("Title line\r\n\r\nCafe\u0301 talks \U0002000b resume\r\n".encode())
    import_paths(project, [source])
    doc = project.documents()[0].id
    text = project.document_text(doc)
    assert "\r" not in text
    a, b = project.ensure_annotator("Ana").id, project.ensure_annotator("Ben").id
    label = project.labels()[0].id
    start = text.index("talks")
    for who in (a, b):
        project.add_annotation(doc, label, who, start, len(text))
    report = compute_report(project)
    assert report.per_document[0].alpha_u == pytest.approx(1.0)
    assert report.overall["cohen_kappa"] == pytest.approx(1.0)


def test_work_under_other_labels_still_counts_as_doing_the_document(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, l2 = two
    project.add_annotation(doc, l2, a, 0, 5)  # Ana used only the second label
    project.add_annotation(doc, l1, b, 0, 5)
    report = compute_report(project, labels=[l1])
    assert report.pairwise_documents[0, 1] == 1
    assert report.pairwise_f1_exact[0, 1] == 0.0  # Ana found none of Ben's first-label spans
    assert report.label_frequencies.tolist() == [[0], [1]]


def test_the_matrix_and_the_disagreements_tell_the_same_story(project: Project) -> None:
    import random

    rng = random.Random(3)
    texts = [" ".join(f"w{d}x{i}" for i in range(60)) for d in range(3)]
    docs = [add_document(project, text, f"doc {d}") for d, text in enumerate(texts)]
    people = [project.ensure_annotator(n).id for n in ("Ana", "Ben", "Cleo", "Dov")]
    labels = [label.id for label in project.labels()[:3]]
    shared = [(rng.randrange(0, 300), rng.randint(3, 20), rng.choice(labels)) for _ in range(12)]
    for who_index, who in enumerate(people):
        for doc, text in zip(docs, texts, strict=True):
            made = set()
            for start, size, label in shared:
                if who_index == 3 and rng.random() < 0.3:  # Dov moves some bounds
                    size += 1
                made.add((start, min(start + size, len(text)), label))
            for start, end, label in made:
                if text[start:end].strip():
                    project.add_annotation(doc, label, who, start, end)
    report = compute_report(project)
    for i, a in enumerate(people):
        for j, b in enumerate(people):
            if i == j:
                continue
            found = disagreements(project, a, b)
            assert (report.pairwise_f1_exact[i, j] == 1.0) == (found == [])
            assert all(d.kind in {"boundary", "extra", "missing", "label"} for d in found)
    assert report.pairwise_f1_exact[0, 1] == 1.0 and report.pairwise_f1_exact[0, 3] < 1.0


def test_idle_annotators_can_be_left_out(two) -> None:  # type: ignore[no-untyped-def]
    project, doc, a, b, l1, l2 = two
    idle = project.ensure_annotator("Newcomer").id  # opened the project, marked nothing
    between = project.ensure_annotator("Zoe").id  # sorted after the idle one: renumbered
    project.add_annotation(doc, l1, a, 0, 5)
    project.add_annotation(doc, l1, b, 0, 5)
    project.add_annotation(doc, l2, between, 6, 10)
    everyone = compute_report(project)
    assert idle in everyone.annotator_ids  # the default keeps everyone, as the CLI always has
    working = compute_report(project, idle=False)
    assert idle not in working.annotator_ids
    assert working.annotator_names == [
        n
        for i, n in zip(everyone.annotator_ids, everyone.annotator_names, strict=True)
        if i != idle
    ]
    index = {i: k for k, i in enumerate(working.annotator_ids)}
    assert working.pairwise_f1_exact[index[a], index[b]] == 1.0
    assert working.pairwise_f1_exact[index[a], index[between]] == 0.0
    assert working.label_frequencies[index[between]].sum() == 1
    # Work without spans still counts: a status "in progress" keeps the annotator.
    project.set_status(doc, idle, Status.IN_PROGRESS)
    assert idle in compute_report(project, idle=False).annotator_ids
