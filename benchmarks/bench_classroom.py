"""What a teacher waits for after the class hands in: collecting and grading the submissions.

40 students × 20 documents × 50 annotations each (40,000 annotations in 40 submission files),
graded against a key of 50 annotations per document. Students' spans are mostly the key's
(exact or with shifted ends, some under another label) plus spans of their own, so matching
has real work to do. Submission files are written in the format ``core.workspace.submit``
writes, each signed with its workspace proof (directly, to keep the set-up short). Baseline, in
the same run: reading the same files raw (zip + ``json.loads``), which any checking collect must
do at least.

Timed twice: on a quiet machine, and with one core kept busy by another process (a spinning
Python, as when the teacher's machine runs something else); the target holds for both.

Run: .venv/bin/python benchmarks/bench_classroom.py [--students 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from benchmarks.corpus import annotation_rows, article_text, random_spans  # noqa: E402
from claimdesk.core.classroom.collect import collect  # noqa: E402
from claimdesk.core.classroom.exercise import create_exercise  # noqa: E402
from claimdesk.core.classroom.exercise_files import timestamp_text, write_archive  # noqa: E402
from claimdesk.core.classroom.grading import grade  # noqa: E402
from claimdesk.core.classroom.submission_proof import (  # noqa: E402
    new_secret,
    new_workspace_id,
    sign,
)
from claimdesk.core.classroom.workspace import (  # noqa: E402
    PLAIN_SUBMISSION_VERSION,
    SUBMISSION_FORMAT,
    SUBMISSION_MIMETYPE,
)
from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store import edits  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.store.tables import (  # noqa: E402
    annotation_table,
    utcnow,
)
from claimdesk.core.text.textio import sha256_text  # noqa: E402

TARGET_SECONDS = 2.0
DOCUMENTS = 20
PER_DOCUMENT = 50


Teacher = tuple[
    Path, str, str, dict[int, str], dict[int, list[tuple[int, int, int]]], dict[int, str]
]


def build_teacher(folder: Path) -> Teacher:
    """The teacher's project with documents, a key and the exercise: (file, exercise id,
    fingerprint, texts by document id, key spans by document id, label names by id)."""
    project = Project.create(
        folder / "teacher.claimdesk", codebook=load_codebook(seeds_dir() / "codebook.json")
    )
    texts = [article_text(6000, seed=n) for n in range(DOCUMENTS)]
    rows = [
        {
            "title": f"Article {n}",
            "source": "",
            "date": "",
            "meta": {},
            "text": text,
            "sha256": sha256_text(text),
        }
        for n, text in enumerate(texts)
    ]
    project.apply(edits.AddDocuments(rows))
    key = project.ensure_annotator("Key")
    labels = project.labels()
    label_ids = [label.id for label in labels]
    documents = project.documents()
    with project.writing() as conn:
        for document, text in zip(documents, texts, strict=True):
            spans = random_spans(text, PER_DOCUMENT, seed=document.id)
            conn.execute(
                insert(annotation_table),
                annotation_rows(text, spans, document.id, key.id, label_ids),
            )
    info = create_exercise(
        project,
        folder / "exercise",
        title="Benchmark",
        document_ids=[d.id for d in documents],
        key_annotator=key.id,
    )
    keyed = {
        d.id: [(a.start, a.end, a.label_id) for a in project.annotations(d.id, key.id)]
        for d in documents
    }
    names = {label.id: label.name for label in labels}
    doc_texts = {d.id: project.document_text(d.id) for d in documents}
    project.close()
    return folder / "teacher.claimdesk", info.id, info.fingerprint, doc_texts, keyed, names


def write_submissions(
    inbox: Path,
    students: int,
    exercise_id: str,
    fingerprint: str,
    texts: dict[int, str],
    keyed: dict[int, list[tuple[int, int, int]]],
    names: dict[int, str],
) -> int:
    rng = random.Random(11)
    label_ids = sorted(names)
    total = 0
    for number in range(students):
        annotations = []
        for document_id, key_spans in keyed.items():
            text = texts[document_id]
            chosen: set[tuple[int, int, int]] = set()
            while len(chosen) < PER_DOCUMENT:
                start, end, label = rng.choice(key_spans)
                roll = rng.random()
                if roll < 0.2:  # a span of their own
                    start = rng.randrange(0, len(text) - 40)
                    end = start + rng.randint(3, 40)
                elif roll < 0.4:  # shifted ends
                    start = max(0, start + rng.randint(-3, 3))
                    end = min(len(text), max(start + 1, end + rng.randint(-3, 3)))
                elif roll < 0.5:  # another label
                    label = rng.choice(label_ids)
                chosen.add((start, end, label))
            annotations += [
                {
                    "document": document_id,
                    "label": names[label],
                    "start": start,
                    "end": end,
                    "quote": text[start:end],
                    "note": "",
                }
                for start, end, label in sorted(chosen)
            ]
        total += len(annotations)
        data: dict[str, object] = {
            "format": SUBMISSION_FORMAT,
            "version": PLAIN_SUBMISSION_VERSION,
            "submission_id": uuid.uuid4().hex,
            "exercise_id": exercise_id,
            "fingerprint": fingerprint,
            "student": {"name": f"Student {number:02d}", "id": f"s{number:03d}"},
            "seconds_spent": 3600,
            "submitted_at": timestamp_text(utcnow()),
            "documents_done": sorted(texts),
            "annotations": annotations,
        }
        # Signed as the student's workspace signs its first submission.
        data["proof"] = sign(data, new_workspace_id(), new_secret(), 1)
        path = inbox / f"student-{number:02d}.claimdesk-submission"
        write_archive(path, SUBMISSION_MIMETYPE, "submission.json", data)
    return total


def raw_read(inbox: Path) -> int:
    count = 0
    for path in sorted(inbox.glob("*.claimdesk-submission")):
        with zipfile.ZipFile(path) as archive:
            count += len(json.loads(archive.read("submission.json"))["annotations"])
    return count


Rounds = tuple[list[float], list[float], list[float]]  # collect, grade, raw read


def measure(
    folder: Path,
    teacher: Path,
    inbox: Path,
    args: argparse.Namespace,
    total: int,
    exercise_id: str,
    tag: str,
) -> Rounds:
    collects: list[float] = []
    grades: list[float] = []
    raws: list[float] = []
    for round_number in range(args.rounds):
        start = time.perf_counter()
        assert raw_read(inbox) == total
        raws.append(time.perf_counter() - start)
        copy = folder / f"{tag}-{round_number}.claimdesk"
        shutil.copy2(teacher, copy)
        with Project.open(copy) as project:
            start = time.perf_counter()
            report = collect(project, [inbox])
            middle = time.perf_counter()
            result = grade(project, exercise_id)
            end = time.perf_counter()
        copy.unlink()
        assert len(report.accepted) == args.students and not report.rejected, report.summary
        assert len(result.students) == args.students
        collects.append(middle - start)
        grades.append(end - middle)
    return collects, grades, raws


def busy_core() -> subprocess.Popen[bytes]:
    """Another program keeping one core busy (a Python that spins) until it is stopped."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(0.5)  # started and spinning
    return spinner


def report(title: str, rounds: Rounds) -> bool:
    collects, grades, raws = rounds
    both = [c + g for c, g in zip(collects, grades, strict=True)]
    collect_s, grade_s, both_s, raw_s = (statistics.median(v) for v in (*rounds[:2], both, raws))
    print(f"{title}:")
    print(f"  collect (read, check, store):  {collect_s:.3f} s")
    print(f"  grade (exact + overlap):       {grade_s:.3f} s")
    print(
        f"  collect + grade:               {both_s:.3f} s  "
        f"(range {min(both):.3f}–{max(both):.3f}; target < {TARGET_SECONDS:.0f} s)"
    )
    print(f"  baseline, raw zip + json read: {raw_s:.3f} s  -> ratio {both_s / raw_s:.1f}x")
    ok = both_s < TARGET_SECONDS
    print("  OK" if ok else "  MISSED the target")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        teacher, exercise_id, fingerprint, texts, keyed, names = build_teacher(folder)
        inbox = folder / "inbox"
        inbox.mkdir()
        total = write_submissions(
            inbox, args.students, exercise_id, fingerprint, texts, keyed, names
        )
        quiet = measure(folder, teacher, inbox, args, total, exercise_id, "quiet")
        spinner = busy_core()
        try:
            busy = measure(folder, teacher, inbox, args, total, exercise_id, "busy")
        finally:
            spinner.kill()
            spinner.wait()
    print(
        f"{args.students} students × {DOCUMENTS} documents × {PER_DOCUMENT} annotations "
        f"({total:,} annotations, signed files), key of {DOCUMENTS * PER_DOCUMENT:,}; "
        f"median of {args.rounds}"
    )
    ok = report("quiet machine", quiet)
    ok = report("one core busy with another program", busy) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
