"""Colour contrast as WCAG 2.x defines it, to check that label colours stay readable."""

from __future__ import annotations

import re

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")

# WCAG 2.x success criterion 1.4.3 (AA): normal text needs 4.5:1 against its background.
TEXT_MINIMUM = 4.5

RGB = tuple[int, int, int]


def parse_hex(colour: str) -> RGB:
    """``"#1f77b4"`` → ``(31, 119, 180)``; ValueError names the bad value."""
    match = _HEX.match(colour.strip())
    if match is None:
        raise ValueError(f"{colour!r} is not a colour of the form #rrggbb")
    digits = match.group(1)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def linear_channel(channel: int) -> float:
    """An sRGB channel (0–255) as linear light, 0 to 1."""
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    r, g, b = (linear_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB, second: RGB) -> float:
    """From 1 (same luminance) to 21 (black on white); order does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def blend(over: RGB, alpha: int, under: RGB) -> RGB:
    """``over`` painted with ``alpha`` (0–255) on top of the opaque ``under``."""
    a = alpha / 255
    mixed = (round(o * a + u * (1 - a)) for o, u in zip(over, under, strict=True))
    return tuple(mixed)  # type: ignore[return-value]


def highlighted_text_contrast(label: str, alpha: int, text: str, background: str) -> float:
    """Contrast of ``text`` over a highlight of colour ``label`` laid on ``background``."""
    fill = blend(parse_hex(label), alpha, parse_hex(background))
    return contrast_ratio(parse_hex(text), fill)


def readable_text(background: str, dark: str = "#000000", light: str = "#ffffff") -> str:
    """Of ``dark`` and ``light``, the text colour with the higher contrast on ``background``.

    With black and white this switches at a relative luminance of about 0.179, where both
    reach the same ratio (at least 4.58:1, above the 4.5:1 text minimum on any background).
    """
    under = parse_hex(background)
    on_dark = contrast_ratio(parse_hex(dark), under)
    on_light = contrast_ratio(parse_hex(light), under)
    return dark if on_dark >= on_light else light
