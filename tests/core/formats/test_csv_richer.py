"""CSV with attribute columns, a relations file and a document labels file, read back with
the csv module as a spreadsheet import would."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from claimdesk.core.errors import Cancelled
from claimdesk.core.formats import csv as csv_format
from claimdesk.core.formats.base import MemorySource
from claimdesk.core.scheme import Scheme
from tests.core.formats.exchange_samples import TEXT_1
from tests.core.formats.richer_samples import rich_source


def _table(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, csv_format.ExportReport]:
    out = tmp_path_factory.mktemp("csv") / "claims.csv"
    return out, csv_format.export(rich_source(), out)


def test_one_column_per_attribute_and_a_labelled_one_where_names_clash(
    exported: tuple[Path, csv_format.ExportReport],
) -> None:
    out, report = exported
    assert report.verified and report.spans == 6
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    # "Stance" means one thing for claims and another for opinions: each gets its own column
    assert header[len(csv_format.COLUMNS) :] == [
        "Factual claim: Stance",
        "主张 (opinion): Stance",  # side by side with the other Stance
        "Tags",
        "Check-worthy",
        "Score",
        "Comment",
    ]
    rows = {int(r["annotation_id"]): r for r in _table(out)}
    first = rows[1]
    assert first["Factual claim: Stance"] == "negative"
    assert first["Tags"] == "'=cmd; x, y"  # the multi joined; a leading "=" neutralised
    assert (first["Check-worthy"], first["Score"]) == ("yes", "-2.5")  # a number stays plain
    assert first["Comment"] == '\'=HYPERLINK("x")\r\n<b>b</b> 🙂'
    assert first["主张 (opinion): Stance"] == ""  # not this label's attribute
    assert rows[2]["主张 (opinion): Stance"] == "against"
    assert rows[2]["Factual claim: Stance"] == rows[2]["Tags"] == ""
    assert (rows[3]["Score"], rows[3]["Check-worthy"], rows[3]["Tags"]) == ("3", "no", "")
    assert rows[4]["Tags"] == rows[6]["主张 (opinion): Stance"] == ""  # no attribute: empty


def test_relations_go_to_a_second_file_with_both_quotes(
    exported: tuple[Path, csv_format.ExportReport],
) -> None:
    out, report = exported
    path = out.with_name("claims-relations.csv")
    assert report.files == [out, path, out.with_name("claims-document-labels.csv")]
    table = _table(path)
    assert list(table[0]) == list(csv_format.RELATION_COLUMNS)
    by_id = {r["relation_id"]: r for r in table}
    assert set(by_id) == {"11", "12", "13"}
    supports = by_id["11"]
    assert (supports["document_id"], supports["type"], supports["annotator"]) == (
        "7",
        "supports",
        "ana",
    )
    assert (supports["source_id"], supports["target_id"]) == ("2", "1")
    assert supports["target_quote"] == TEXT_1[0:2]
    # across the paragraph break: each end's own quote
    bold = TEXT_1.index("<b>")
    assert by_id["12"]["source_quote"] == TEXT_1[bold + 11 : bold + 24]
    assert by_id["12"]["target_quote"] == TEXT_1[0:2]
    assert by_id["13"]["target_quote"] == "<b>Bold</b>"
    assert by_id["13"]["annotator"] == "Bo Ødegård"


def test_document_labels_go_to_a_third_file(
    exported: tuple[Path, csv_format.ExportReport],
) -> None:
    out, _ = exported
    table = _table(out.with_name("claims-document-labels.csv"))
    assert [(r["document_id"], r["annotator"], r["set"], r["value"]) for r in table] == [
        ("7", "ana", "Overall stance", "'=cooling"),  # neutralised as every text cell
        ("7", "ana", "Topic", "Economy"),
        ("7", "ana", "Topic", "Diplomacy"),
        ("7", "Bo Ødegård", "Topic", "Military"),
        ("9", "ana", "Overall stance", "mixed"),
    ]
    assert table[0]["title"] == "Prices <i>rise</i> 😀"


def test_without_a_scheme_the_file_is_as_before(tmp_path: Path) -> None:
    source = rich_source()
    plain = MemorySource(source.project_name, source.labels, source.annotators,
                         source.docs, Scheme())  # fmt: skip
    out = tmp_path / "plain.csv"
    report = csv_format.export(plain, out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == csv_format.COLUMNS
    assert report.files == [out]
    # relations and document labels with no definition are not dropped silently
    assert "3 relation(s) and 5 document label(s)" in report.lost[-1]


def test_cancel_leaves_none_of_the_three_files(tmp_path: Path) -> None:
    with pytest.raises(Cancelled):
        csv_format.export(rich_source(), tmp_path / "c.csv", progress=lambda d, t: d < 2)
    assert list(tmp_path.iterdir()) == []
