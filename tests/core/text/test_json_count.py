"""JSON items are counted on the bytes, before parsing, as an upper bound."""

from __future__ import annotations

from claimdesk.core.text.json_count import json_items


def test_json_items_bound_the_values() -> None:
    assert json_items(b"5") == 1
    assert json_items(b'[{"a": 1}, [2, 3]]') == 6


def test_commas_and_brackets_inside_strings_are_text_not_items() -> None:
    assert json_items(b'{"a": "[,,,{", "b": [1, 2]}') == 5
    many = b'["' + b'[{,\\"' * 2_000_000 + b'", 1]'
    assert json_items(many, 100) == 3


def test_a_rough_count_within_enough_is_returned_as_is() -> None:
    # The strings are not blanked when the quick count is small enough: cheap and still a bound.
    assert json_items(b'{"t": "' + b"[{,}]" * 10 + b'"}', 100) == 32
    assert json_items(b'{"t": "' + b"[{,}]" * 10 + b'"}', 10) == 2
