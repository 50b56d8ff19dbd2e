"""OffsetMap: code points <-> UTF-16, checked against arithmetic and against Qt itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from claimdesk.gui import offsets as offsets_module
from claimdesk.gui.offsets import OffsetMap

PARAGRAPH_SEPARATOR = "\u2029"  # what QTextCursor.selectedText() returns for "\n"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


SAMPLES = [
    "",
    "plain ASCII text",
    "caf\u00e9 cafe\u0301 na\u0308ive",  # precomposed and combining accents (all BMP)
    "👍",
    "a👍b",
    "𠀀",
    "rare 𠀀𠀁 and emoji 👨\u200d👩\u200d👧 then 🇫🇷 done",
    "line one 😀\nline two 𠀀\n\nline four e\u0301",
    "😀😀😀",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_every_offset_matches_utf16_arithmetic(text: str) -> None:
    offsets = OffsetMap(text)
    assert offsets.cp_length == len(text)
    assert offsets.qt_length == _utf16_len(text)
    for cp in range(len(text) + 1):
        u16 = _utf16_len(text[:cp])
        assert offsets.to_qt(cp) == u16
        assert offsets.to_cp(u16) == cp


def test_bmp_text_takes_the_fast_path() -> None:
    assert OffsetMap("caf\u00e9 e\u0301 \u4e2d\u6587").is_identity
    assert not OffsetMap("x 😀").is_identity


def test_inside_a_surrogate_pair_rounds_down() -> None:
    text = "ab😀c𠀀"
    offsets = OffsetMap(text)
    assert offsets.to_cp(3) == 2  # between the two halves of 😀
    assert offsets.to_cp(4) == 3
    assert offsets.to_cp(6) == 4  # between the halves of 𠀀
    assert offsets.to_cp(7) == 5


def test_out_of_range_positions_clamp() -> None:
    offsets = OffsetMap("a😀b")
    assert offsets.to_qt(-3) == 0
    assert offsets.to_qt(99) == 4
    assert offsets.to_cp(-1) == 0
    assert offsets.to_cp(99) == 3
    assert offsets.to_qt_range(1, 2) == (1, 3)
    assert offsets.to_cp_range(1, 3) == (1, 2)


texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from(["😀", "𠀀", "🏽", "\u0301", "\n"]),
    ),
    max_size=60,
)


@given(texts)
def test_round_trip(text: str) -> None:
    offsets = OffsetMap(text)
    for cp in range(len(text) + 1):
        assert offsets.to_cp(offsets.to_qt(cp)) == cp
    assert offsets.to_qt(len(text)) == _utf16_len(text)


@given(texts, st.integers(0, 130))
def test_to_cp_lands_on_a_character_start(text: str, u16: int) -> None:
    offsets = OffsetMap(text)
    cp = offsets.to_cp(u16)
    assert 0 <= cp <= len(text)
    back = offsets.to_qt(cp)
    assert back <= min(u16, offsets.qt_length)
    assert min(u16, offsets.qt_length) - back <= 1  # at most the low half of one pair


@pytest.mark.parametrize("text", [s for s in SAMPLES if s])
def test_qt_cursor_selection_matches_python_slices(qtbot: QtBot, text: str) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.setPlainText(text)
    offsets = OffsetMap(text)
    cursor = QTextCursor(edit.document())
    for a in range(len(text) + 1):
        for b in range(a, len(text) + 1):
            cursor.setPosition(offsets.to_qt(a))
            cursor.setPosition(offsets.to_qt(b), QTextCursor.MoveMode.KeepAnchor)
            assert cursor.selectedText().replace(PARAGRAPH_SEPARATOR, "\n") == text[a:b]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5])
@pytest.mark.parametrize("text", SAMPLES)
def test_a_text_read_a_stretch_at_a_time_converts_the_same(
    monkeypatch: pytest.MonkeyPatch, text: str, chunk: int
) -> None:
    """Astral characters are looked for a stretch at a time (a long article is only read as
    far as a conversion reaches): every boundary, from either end, converts as one pass does."""
    monkeypatch.setattr(offsets_module, "CHUNK", chunk)
    forward, backward = OffsetMap(text), OffsetMap(text)
    for cp in range(len(text) + 1):
        assert forward.to_qt(cp) == _utf16_len(text[:cp])
    for u16 in reversed(range(_utf16_len(text) + 1)):  # the far end read first
        cp = backward.to_cp(u16)
        assert _utf16_len(text[:cp]) <= u16 < _utf16_len(text[: cp + 1]) or cp == len(text)


def test_a_long_text_is_only_read_as_far_as_asked() -> None:
    text = ("word 😀 " * 40_000) + "end 𠀀"
    offsets = OffsetMap(text)
    assert offsets.to_qt(10) == 11  # one emoji before it
    assert len(offsets._chunk_cp) == 1  # the rest of the text not looked through yet
    assert offsets.to_qt(len(text) - 1) == _utf16_len(text) - 2
    assert offsets.to_cp(_utf16_len(text) - 2) == len(text) - 1
