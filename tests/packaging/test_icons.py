"""The icons: every size the platforms need, made from the SVGs by packaging/make_icons.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PIL import Image, ImageChops, ImageStat

from tests.packaging.conftest import ROOT

ICONS = ROOT / "resources" / "icons"
spec = importlib.util.spec_from_file_location("make_icons", ROOT / "packaging" / "make_icons.py")
assert spec and spec.loader
make_icons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_icons)


def test_committed_icons_have_every_size() -> None:
    for name in make_icons.ICONS:
        assert (ICONS / f"{name}.svg").is_file()
        for size in make_icons.PNG_SIZES:
            with Image.open(ICONS / "png" / f"{name}-{size}.png") as image:
                assert image.size == (size, size) and image.mode == "RGBA"
        with Image.open(ICONS / f"{name}.ico") as ico:
            assert set(make_icons.ICO_SIZES) <= {w for w, _ in ico.info["sizes"]}
        with Image.open(ICONS / f"{name}.icns") as icns:
            assert {(512, 512, 1), (256, 256, 1), (16, 16, 2)} <= set(icns.info["sizes"])


def test_make_icons_regenerates_them(tmp_path: Path) -> None:
    made = make_icons.make_icons(tmp_path)
    assert {p.relative_to(tmp_path) for p in made} == {
        p.relative_to(ICONS) for p in ICONS.rglob("*") if p.suffix in (".png", ".ico", ".icns")
    }
    # Same drawing as the committed files (allowing for antialiasing differences between Qt builds).
    for name in make_icons.ICONS:
        fresh = Image.open(tmp_path / "png" / f"{name}-64.png").convert("RGBA")
        kept = Image.open(ICONS / "png" / f"{name}-64.png").convert("RGBA")
        assert max(ImageStat.Stat(ImageChops.difference(fresh, kept)).mean) < 2


def _difference(a: str, b: str, size: int) -> float:
    first = Image.open(ICONS / "png" / f"{a}-{size}.png").convert("RGB")
    second = Image.open(ICONS / "png" / f"{b}-{size}.png").convert("RGB")
    return sum(ImageStat.Stat(ImageChops.difference(first, second)).mean)


def test_the_three_file_icons_differ_at_a_glance_even_at_16_px() -> None:
    kinds = ("claimdesk-project", "claimdesk-exercise", "claimdesk-submission")
    for size in (16, 48):
        for i, a in enumerate(kinds):
            for b in kinds[i + 1 :]:
                assert _difference(a, b, size) > 20, (a, b, size)
