"""Random bytes and random JSON shapes given to each importer: a clean error or an import,
never another exception (which the command line would show as a traceback)."""

from __future__ import annotations

import io
import json
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdesk.core.errors import EditError, ProjectError
from claimdesk.core.formats import qdpx, uima_xmi
from claimdesk.core.formats.importer import import_annotations, read_dataset
from claimdesk.core.store.project import Project
from tests.core.formats.exchange_samples import awkward_source

FUZZ = settings(
    max_examples=int(os.environ.get("CLAIMDESK_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KEYS = [
    "text", "label", "labels", "spans", "note", "annotator", "entities", "start_offset",
    "end_offset", "meta", "title", "source", "id", "data", "annotations", "predictions",
    "result", "type", "value", "start", "end", "created_username", "completed_by", "email",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.sampled_from([0, 1, 2, 5, 6, -1, 10**18])
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(["labels", "Gold", "X", "", "\ud800", "\x1b[2J", "a\u202eb"])
)
SHAPES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=25,
)

# Spans that are almost right: offsets near the text, any label.
NEAR_SPAN = st.tuples(st.integers(-2, 25), st.integers(-2, 25), SCALARS).map(list)


def _outcome(project: Project, fmt: str, path: Path) -> None:
    """Import the file: success, or an error written for the user; anything else fails."""
    try:
        documents = read_dataset(fmt, path)
        import_annotations(project, fmt, path, documents=documents)
    except (ProjectError, EditError) as exc:
        assert str(exc).startswith(path.name) or isinstance(exc, EditError), str(exc)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


@FUZZ
@given(lines=st.lists(SHAPES | st.fixed_dictionaries({"text": st.text(max_size=20)}, optional={
    "label": st.lists(st.lists(SCALARS, max_size=4) | NEAR_SPAN, max_size=3),
    "annotator": SCALARS, "spans": SHAPES, "entities": SHAPES, "meta": SHAPES, "title": SCALARS,
}), max_size=4))  # fmt: skip
def test_jsonl_shapes(project: Project, tmp_path: Path, lines: list[Any]) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_text("".join(_dumps(line) + "\n" for line in lines), encoding="utf-8")
    _outcome(project, "jsonl", path)


REGION = st.fixed_dictionaries(
    {"type": st.sampled_from(["labels", "choices", "labels"]) | SCALARS},
    optional={
        "value": st.fixed_dictionaries(
            {},
            optional={"start": SCALARS, "end": SCALARS, "text": SCALARS, "labels": SHAPES},
        )
        | SHAPES,
        "meta": SHAPES,
    },
)
TASK = st.fixed_dictionaries(
    {"data": st.fixed_dictionaries({"text": st.text(max_size=20) | SCALARS}) | SHAPES},
    optional={
        "annotations": st.lists(
            st.fixed_dictionaries(
                {"result": st.lists(REGION, max_size=3) | SHAPES},
                optional={"created_username": SCALARS, "completed_by": SHAPES},
            )
            | SHAPES,
            max_size=3,
        )
        | SHAPES
    },
)


@FUZZ
@given(tasks=st.lists(TASK, max_size=3) | TASK | SHAPES)
def test_label_studio_shapes(project: Project, tmp_path: Path, tasks: Any) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(_dumps(tasks), encoding="utf-8")
    _outcome(project, "labelstudio", path)


@FUZZ
@given(data=st.binary(max_size=200), fmt=st.sampled_from(["jsonl", "labelstudio", "qdpx"]))
def test_random_bytes(project: Project, tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(data)
    _outcome(project, fmt, path)


ANN_LINES = st.lists(
    st.sampled_from(["T1\tPlace 0 6\tMoscow", "T2\tX 7 12\ttalks", "#1\tAnnotatorNotes T1\tn"])
    | st.text(alphabet="T0123456789 \t;#ARX\r-é", max_size=30),
    max_size=5,
)


@FUZZ
@given(lines=ANN_LINES, folder=st.sampled_from(["", "Ana", "Gold", "%FF", "a%2Fb"]))
def test_brat_lines(project: Project, tmp_path: Path, lines: list[str], folder: str) -> None:
    root = tmp_path / "brat"
    where = root / folder if folder else root
    where.mkdir(parents=True, exist_ok=True)
    (where / "a.txt").write_text("Moscow talks", encoding="utf-8")
    (where / "a.ann").write_text("\n".join(lines), encoding="utf-8")
    _outcome(project, "brat", root)


def _mutated(data: bytes, seed: int, flips: int) -> bytes:
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("archives")
    qdpx.export(awkward_source(), folder / "p.qdpx")
    uima_xmi.export(awkward_source(), folder / "xmi")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in sorted((folder / "xmi").iterdir()):
            archive.write(item, item.name)
    return {"qdpx": (folder / "p.qdpx").read_bytes(), "uima-xmi": buffer.getvalue()}


# cassis reads leniently and warns about the unknown types a flipped byte makes.
@pytest.mark.filterwarnings("ignore:Type with name")
@FUZZ
@given(
    seed=st.integers(0, 2**32),
    flips=st.integers(1, 12),
    fmt=st.sampled_from(["qdpx", "uima-xmi"]),
)
def test_damaged_archives(
    project: Project, tmp_path: Path, archives: dict[str, bytes], seed: int, flips: int, fmt: str
) -> None:
    path = tmp_path / "fuzz.zip"
    path.write_bytes(_mutated(archives[fmt], seed, flips))
    _outcome(project, fmt, path)


@pytest.mark.filterwarnings("ignore:Type with name")
@FUZZ
@given(seed=st.integers(0, 2**32), flips=st.integers(1, 8))
def test_damaged_xmi_files(project: Project, tmp_path: Path, seed: int, flips: int) -> None:
    folder = tmp_path / "xmi"
    if not folder.exists():
        uima_xmi.export(awkward_source(), folder)
    target = sorted(folder.glob("*.xmi"))[0]
    original = tmp_path / "original.xmi"
    if not original.exists():
        original.write_bytes(target.read_bytes())
    target.write_bytes(_mutated(original.read_bytes(), seed, flips))
    _outcome(project, "uima-xmi", folder)
