"""Where two annotators made the same span but gave it other attribute values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from claimdesk.core.agreement.report import Disagreement, SideSpan
from claimdesk.core.records import AttributeRecord, SchemeRecords
from claimdesk.core.scheme import AttributeKind, display_value

__all__ = ["attribute_differences"]


def _effective(record: AttributeRecord, explicit: Mapping[int, Any]) -> Any:
    value = explicit.get(record.id)
    value = record.default if value is None else value
    return tuple(value) if isinstance(value, list) else value


def _shown(value: Any) -> str:
    return display_value(value) or "not set"


def attribute_differences(
    document_id: int,
    title: str,
    spans: Sequence[tuple[int, SideSpan]],
    scheme: SchemeRecords,
    values: Mapping[int, Mapping[int, Any]],
) -> list[Disagreement]:
    """Spans of side 0 and side 1 with the same start, end and label whose effective values
    (defaults applied) of an attribute differ; free text is compared too, as typed."""
    by_label: dict[int, list[AttributeRecord]] = {}
    for record in scheme.attributes:
        by_label.setdefault(record.label_id, []).append(record)
    firsts: list[dict[tuple[int, int, int], SideSpan]] = [{}, {}]
    for side, span in sorted(spans, key=lambda item: item[1].annotation_id):
        firsts[side].setdefault((span.start, span.end, span.label_id), span)
    found: list[Disagreement] = []
    for key in sorted(firsts[0].keys() & firsts[1].keys()):
        mine, theirs = firsts[0][key], firsts[1][key]
        parts = []
        for record in by_label.get(key[2], ()):
            ours = _effective(record, values.get(mine.annotation_id, {}))
            other = _effective(record, values.get(theirs.annotation_id, {}))
            if ours != other and not (
                record.kind == AttributeKind.NUMBER
                and ours is not None
                and other is not None
                and float(ours) == float(other)
            ):
                parts.append(f"{record.name}: {_shown(ours)} / {_shown(other)}")
        if parts:
            found.append(
                Disagreement(
                    document_id,
                    title,
                    "attribute",
                    key[0],
                    key[1],
                    (mine,),
                    (theirs,),
                    "; ".join(parts),
                )
            )
    return found
