"""What a format is (name, title, file or folder, suffix) is said once, in the registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claimdesk.core.formats import registry

ROOT = Path(__file__).resolve().parents[3]
AVAILABLE = [info for info in registry.all_formats() if info.available()]


@pytest.mark.parametrize("info", AVAILABLE, ids=lambda info: info.name)
def test_each_format_module_reads_its_metadata_from_the_registry(
    info: registry.FormatInfo,
) -> None:
    assert info.load().FORMAT is info


@pytest.mark.parametrize("info", registry.FORMATS, ids=lambda info: info.name)
def test_no_format_module_keeps_a_second_copy_of_its_metadata(info: registry.FormatInfo) -> None:
    source = ROOT / "core" / "formats" / f"{info.module}.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert not assigned & {"NAME", "TITLE", "FOLDER", "SUFFIX", "DESCRIPTION"}


def test_a_module_outside_the_registry_is_named() -> None:
    with pytest.raises(LookupError, match=r"claimdesk\.core\.formats\.base is not a format module"):
        registry.info_of("claimdesk.core.formats.base")
