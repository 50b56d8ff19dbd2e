"""Attribute values, relations and document labels on a shared project are their annotator's, as
annotations are: PostgreSQL refuses the statements a curious student would type."""

# The ``shared`` fixture is imported from the permissions tests and named again as a parameter.
# ruff: noqa: F811
from __future__ import annotations

from typing import Any

import psycopg
import pytest

from claimdesk.core.errors import EditError
from claimdesk.core.scheme import AttributeKind, AttributeSpec, DocLabelSpec, RelationSpec
from claimdesk.core.store import server_admin
from claimdesk.core.store.project import Project
from tests.core.store.test_server_permissions import (  # noqa: F401  (the fixture)
    Shared,
    refused_or_no_effect,
    shared,
    word,
)


@pytest.fixture
def claims(shared: Shared) -> dict[str, int]:
    """Alice's span gets a stance, a relation to a second span of hers and a document label."""
    with Project.open(shared.admin) as admin:
        stance, _ = admin.add_attribute(
            shared.ids["label"],
            AttributeSpec("Stance", AttributeKind.CHOICE, ("positive", "negative")),
        )
        kind, _ = admin.add_relation_type(RelationSpec("supports", "#2ca02c"))
        topic, _ = admin.add_doc_label_set(DocLabelSpec("Topic", True, ("Military", "Economy")))
    with Project.open(shared.url("alice")) as mine:
        alice = shared.ids["alice"]
        mine.set_attribute([shared.work["alice"]], stance.id, "negative")
        second = mine.add_annotation(shared.ids["doc"], shared.ids["label"], alice, *word("envoys"))
        other = second.annotations_added[0].id
        relation = mine.add_relation(kind.id, shared.work["alice"], other).relations_added[0]
        mine.set_document_labels(shared.ids["doc"], alice, topic.id, ["Military"])
    return {"stance": stance.id, "type": kind.id, "set": topic.id, "relation": relation.id}


def rows(conn: psycopg.Connection[Any], statement: str) -> list[tuple[Any, ...]]:
    return conn.execute(statement).fetchall()


def test_another_student_cannot_change_or_remove_them(shared: Shared, claims) -> None:
    alice_span, bob = shared.work["alice"], shared.ids["bob"]
    with shared.sql("bob") as conn:
        attempts = {
            "change a value": refused_or_no_effect(
                conn, "UPDATE annotation_attribute SET value = '\"positive\"'"
            ),
            "remove a value": refused_or_no_effect(conn, "DELETE FROM annotation_attribute"),
            "add a value to her span": refused_or_no_effect(
                conn,
                "INSERT INTO annotation_attribute (annotation_id, attribute_id, value) "
                "VALUES (%(a)s, %(b)s, '\"positive\"')",
                a=alice_span,
                b=claims["stance"],
            ),
            "remove a relation": refused_or_no_effect(conn, "DELETE FROM relation"),
            "retype a relation": refused_or_no_effect(
                conn, "UPDATE relation SET type_id = type_id"
            ),
            "remove a document label": refused_or_no_effect(conn, "DELETE FROM document_label"),
            "add a label in her name": refused_or_no_effect(
                conn,
                "INSERT INTO document_label (document_id, annotator_id, set_id, value) "
                "VALUES (%(d)s, %(a)s, %(s)s, 'Economy')",
                d=shared.ids["doc"],
                a=shared.ids["alice"],
                s=claims["set"],
            ),
            "add an attribute": refused_or_no_effect(
                conn,
                "INSERT INTO attribute (label_id, name, kind, choices, choice_keys, description,"
                " position) VALUES (%(l)s, 'x', 'text', '[]', '[]', '', 9)",
                l=shared.ids["label"],
            ),
            "remove a relation type": refused_or_no_effect(conn, "DELETE FROM relation_type"),
        }
    assert set(attempts.values()) == {"refused"}, attempts
    assert bob  # Bob's own work is his to change (below)
    with Project.open(shared.url("alice")) as mine:
        assert mine.attribute_values(shared.ids["doc"], None) == {
            alice_span: {claims["stance"]: "negative"}
        }
        assert len(mine.relations(shared.ids["doc"], None)) == 1


def test_in_a_blind_project_a_student_sees_none_of_them(shared: Shared, claims) -> None:
    server_admin.set_blind(shared.admin, None, True)
    with shared.sql("bob") as conn:
        assert rows(conn, "SELECT * FROM annotation_attribute") == []
        assert rows(conn, "SELECT * FROM relation") == []
        assert rows(conn, "SELECT * FROM document_label") == []
        # The codebook is everyone's.
        assert len(rows(conn, "SELECT * FROM attribute")) == 1
    with shared.sql("alice") as conn:
        assert len(rows(conn, "SELECT * FROM annotation_attribute")) == 1
        assert len(rows(conn, "SELECT * FROM relation")) == 1


def test_a_curator_cannot_delete_a_relation_type_a_student_uses(shared: Shared, claims) -> None:
    with Project.open(shared.url("carol")) as curator:
        with pytest.raises(EditError, match="other people's work uses it"):
            curator.delete_relation_type(claims["type"])
        with pytest.raises(EditError, match="other people's work uses it"):
            curator.delete_attribute(claims["stance"])
        # but may add to the codebook
        curator.add_relation_type(RelationSpec("contradicts", "#d62728"))
