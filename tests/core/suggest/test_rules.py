"""A codebook label's "suggest" rules: read, checked (hostile patterns refused with a sentence),
and matched as whole words on awkward text."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from claimdesk.core.codebook import CodebookError, load_codebook
from claimdesk.core.suggest import phrases
from claimdesk.core.suggest.engine import rule_matches
from claimdesk.core.text.suggest_rules import RuleError, SuggestRules, check_pattern, parse_rules


def write_codebook(tmp_path: Path, suggest: object) -> Path:
    path = tmp_path / "codebook.json"
    data = {
        "format": "claimdesk-codebook",
        "version": 1,
        "labels": [{"name": "Military", "colour": "#4363d8", "suggest": suggest}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_codebook_label_carries_its_phrases_patterns_and_case(tmp_path: Path) -> None:
    path = write_codebook(
        tmp_path, {"phrases": ["troop  reduction", "troops"], "patterns": [r"\d+ divisions"]}
    )
    label = load_codebook(path).labels[0]
    assert label.suggest == SuggestRules(("troop reduction", "troops"), (r"\d+ divisions",), False)


@pytest.mark.parametrize(
    ("suggest", "words_in_sentence"),
    [
        ({"patterns": ["(unclosed"]}, "not a valid regular expression"),
        ({"patterns": ["(a+)+$"]}, "can take minutes to match"),
        ({"patterns": ["(x|xx)*y"]}, "can take minutes to match"),
        ({"patterns": ["(?:a{1,100}){1,100}b"]}, "can take minutes to match"),
        ({"patterns": ["x*"]}, "matches empty text"),
        ({"phrases": "troops"}, "is not a list"),
        ({"phrases": [3]}, "is not text"),
        ({"phrases": ["x" * 201]}, "longer than 200 characters"),
        ({"phrases": ["bad\x00byte"]}, "control characters"),
        ({"case": "yes"}, "not true or false"),
        ({"regex": ["a"]}, "unknown key"),
        (["troops"], "not an object"),
    ],
)
def test_a_bad_rule_is_refused_with_a_sentence_naming_the_label(
    tmp_path: Path, suggest: object, words_in_sentence: str
) -> None:
    with pytest.raises(CodebookError) as refused:
        load_codebook(write_codebook(tmp_path, suggest))
    message = str(refused.value)
    assert "codebook.json" in message
    assert "label 'Military'" in message
    assert words_in_sentence in message


def test_a_refused_pattern_would_really_have_hung() -> None:
    # What the check keeps out: this pattern takes seconds on 26 characters, and doubles with each.
    import re

    started = time.perf_counter()
    re.match(r"(a+)+$", "a" * 22 + "!")
    assert time.perf_counter() - started > 0.05
    with pytest.raises(RuleError):
        check_pattern(r"(a+)+$")


def test_harmless_patterns_pass() -> None:
    for pattern in (r"[A-Z][a-z]+ troops", r"\d{1,3} divisions?", r"(?:US|U\.S\.) forces", "ab+c"):
        check_pattern(pattern)


@pytest.mark.parametrize("few", [48, 0], ids=["scan-per-phrase", "word-by-word"])
def test_phrases_match_whole_words_any_case_on_awkward_text(
    few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both ways of finding phrases (a few: a scan each; many: word by word) agree.
    monkeypatch.setattr(phrases, "FEW", few)
    text = (
        "Troops 🚀 troops! retroops troopsx 𠀀troops𠀀 "  # emoji, a CJK character outside the BMP
        "café troops, cafe\u0301 TROOPS\n"  # combining accent
        "中国军队 and 军队 again"
    )
    rules = {
        1: SuggestRules(phrases=("troops",)),
        2: SuggestRules(phrases=("café",)),
        3: SuggestRules(phrases=("军队",)),
        4: SuggestRules(phrases=("cafe\u0301",), case=True),
    }
    found = sorted(rule_matches(rules, text))
    quotes = [(text[s:e], label) for s, e, label, _score in found]
    assert quotes == [
        ("Troops", 1),
        ("troops", 1),
        ("troops", 1),  # between two CJK characters: each is a word of its own
        ("café", 2),
        ("troops", 1),
        ("cafe\u0301", 4),
        ("TROOPS", 1),
        ("军队", 3),
        ("军队", 3),
    ]
    # Offsets are code points: the emoji and the supplementary character count one each.
    start = next(s for s, _e, label, _ in found if label == 1 and s > 10)
    assert text[start : start + 6] == "troops"


def test_case_sensitive_rules_and_patterns() -> None:
    text = "NATO troops; nato; Nato. 12 divisions and 3 division"
    rules = {
        1: SuggestRules(phrases=("NATO",), case=True),
        2: SuggestRules(patterns=(r"\d+ divisions?",)),
    }
    quotes = sorted((text[s:e], label) for s, e, label, _ in rule_matches(rules, text))
    assert quotes == [("12 divisions", 2), ("3 division", 2), ("NATO", 1)]


def test_rules_parse_round_trip() -> None:
    rules = parse_rules({"phrases": ["a b"], "patterns": ["c+"], "case": True})
    assert parse_rules(rules.as_data()) == rules


@pytest.mark.parametrize("few", [48, 0], ids=["scan-per-phrase", "word-by-word"])
def test_phrases_with_punctuation_and_phrases_inside_phrases(
    few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phrases, "FEW", few)
    text = "U.S. troops left. The U.S. troops, and (troops) again; us troops no. 🚀 launch!"
    rules = {
        1: SuggestRules(phrases=("U.S. troops", "troops", "(troops)", "🚀 launch!")),
    }
    quotes = sorted((text[s:e], s) for s, e, _label, _ in rule_matches(rules, text))
    assert [q for q, _s in quotes] == sorted(
        ["U.S. troops", "troops", "U.S. troops", "troops", "(troops)", "troops", "troops",
         "🚀 launch!"]
    )  # fmt: skip
