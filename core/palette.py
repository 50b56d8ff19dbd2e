"""Colours for new labels: a colour-blind-safe palette, and the next colour that stays distinct.

Two colours count as distinct when their CIEDE2000 difference (ΔE00, in CIELAB under D65) is
at least MIN_DISTANCE in normal vision and also in simulated deuteranopia and protanopia (the
red-green colour blindness of about one man in twelve), simulated with Machado, Oliveira and
Fernandes (2009) at full severity on linear RGB. For scale: 2.3 is a just-noticeable
difference; #d62728 and #2ca02c (red, green) are 72 apart, but 4.6 for a deuteranope.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from itertools import product

from claimdesk.core.contrast import RGB, linear_channel, parse_hex

Lab = tuple[float, float, float]
Matrix = tuple[tuple[float, float, float], tuple[float, float, float], tuple[float, float, float]]

# Okabe & Ito (2008), the colour-blind-safe set, without its black (a black highlight hides the
# text); then a neutral grey.
PALETTE = (
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#009e73",  # bluish green
    "#f0e442",  # yellow
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#cc79a7",  # reddish purple
    "#999999",  # grey
)
MIN_DISTANCE = 10.0  # ΔE00, in every vision of VISIONS

# Machado et al. 2009, severity 1.0, applied to linear RGB.
SIMULATIONS: dict[str, Matrix] = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}
VISIONS = ("normal", "deuteranopia", "protanopia")

# When every palette colour is taken or too close to one in use: an 8×8×8 grid of sRGB, kept
# to the colours light and saturated enough for a translucent highlight on a light and on a
# dark page (about 280; a finer grid finds hardly more distinct ones and costs more).
_STEPS = tuple(f"{round(i * 255 / 7):02x}" for i in range(8))
_LIGHTNESS = (45.0, 85.0)
_MIN_CHROMA = 20.0


def _encode(value: float) -> int:
    value = min(max(value, 0.0), 1.0)
    c = value * 12.92 if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
    return round(c * 255)


def _simulated_linear(rgb: RGB, vision: str) -> tuple[float, float, float]:
    r, g, b = (linear_channel(c) for c in rgb)
    if vision == "normal":
        return r, g, b
    matrix = SIMULATIONS[vision]  # KeyError names an unknown vision
    x, y, z = (min(max(row[0] * r + row[1] * g + row[2] * b, 0.0), 1.0) for row in matrix)
    return x, y, z


def simulate(colour: str, vision: str) -> str:
    """``colour`` as someone with ``vision`` ("deuteranopia", "protanopia") sees it, as #rrggbb."""
    r, g, b = (_encode(c) for c in _simulated_linear(parse_hex(colour), vision))
    return f"#{r:02x}{g:02x}{b:02x}"


@lru_cache(maxsize=4096)
def to_lab(colour: str, vision: str = "normal") -> Lab:
    """CIELAB (D65) of an sRGB colour ``#rrggbb``, as seen with ``vision``."""
    r, g, b = _simulated_linear(parse_hex(colour), vision)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def ciede2000(first: Lab, second: Lab) -> float:
    """The CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    l1, a1, b1 = first
    l2, a2, b2 = second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    delta_l = l2 - l1
    delta_c = c2p - c1p
    delta_h = 0.0
    if c1p * c2p:
        delta_h = h2p - h1p
        if delta_h > 180:
            delta_h -= 360
        elif delta_h < -180:
            delta_h += 360
    delta_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(delta_h / 2))
    mean_l = (l1 + l2) / 2
    mean_cp = (c1p + c2p) / 2
    if not c1p * c2p:
        mean_h = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        mean_h = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        mean_h = (h1p + h2p + 360) / 2
    else:
        mean_h = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    rotation = 30 * math.exp(-(((mean_h - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(mean_cp**7 / (mean_cp**7 + 25**7))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c = 1 + 0.045 * mean_cp
    s_h = 1 + 0.015 * mean_cp * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    dl, dc, dh = delta_l / s_l, delta_c / s_c, delta_big_h / s_h
    return math.sqrt(dl * dl + dc * dc + dh * dh + r_t * dc * dh)


def distance(first: str, second: str) -> float:
    """The smallest ΔE00 between two colours in normal, deuteranope and protanope vision."""
    return min(ciede2000(to_lab(first, v), to_lab(second, v)) for v in VISIONS)


def _candidates() -> list[str]:
    found = []
    for r, g, b in product(_STEPS, repeat=3):
        colour = f"#{r}{g}{b}"
        lightness, a, b_ = to_lab(colour)
        if _LIGHTNESS[0] <= lightness <= _LIGHTNESS[1] and math.hypot(a, b_) >= _MIN_CHROMA:
            found.append(colour)
    return found


_GENERATED = tuple(_candidates())


def next_colour(used: Iterable[str]) -> str:
    """The colour for a new label, given the colours of the labels there are.

    The first palette colour that no label uses and that is at least MIN_DISTANCE from every
    colour in use (in each vision); when none is, the candidate (palette or generated) farthest
    from the colours in use. Colours are compared by value (``#D62728`` is ``#d62728``); values
    that are not ``#rrggbb`` are ignored.
    """
    taken: list[str] = []
    for colour in used:
        try:
            r, g, b = parse_hex(colour)
        except ValueError:
            continue
        taken.append(f"#{r:02x}{g:02x}{b:02x}")
    if not taken:
        return PALETTE[0]

    def nearest(candidate: str) -> float:
        return min(distance(candidate, other) for other in taken)

    for colour in PALETTE:
        if colour not in taken and nearest(colour) >= MIN_DISTANCE:
            return colour
    # The farthest candidate; a candidate stops being measured once it is closer to some
    # colour than the best so far is to all (the same answer as max(pool, key=nearest)).
    best, best_gap = PALETTE[len(taken) % len(PALETTE)], -1.0
    for candidate in (*PALETTE, *_GENERATED):
        if candidate in taken:
            continue
        gap = math.inf
        for other in taken:
            gap = min(gap, distance(candidate, other))
            if gap <= best_gap:
                break
        if gap > best_gap:
            best, best_gap = candidate, gap
    return best
