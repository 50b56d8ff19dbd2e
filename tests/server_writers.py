"""Many annotators editing one server project at once, each in its own process (for the concurrency
test and benchmarks/bench_server.py).

Each writer opens the project through `Project`, makes mixed edits (add, relabel, note, delete,
undo) on its own spans and logs what each committed edit changed (the `Changes` it returned).
Replaying a writer's log gives the spans that writer must find on the server at the end.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from claimdesk.core.records import Changes
from claimdesk.core.store.project import Project
from claimdesk.core.text.textio import Article, sha256_text

WORDS = [
    "the",
    "minister",
    "said",
    "taxes",
    "would",
    "fall",
    "while",
    "critics",
    "warned",
    "prices",
    "rose",
    "again",
]


@dataclass
class WritersRun:
    seconds: float  # from the start signal to the last writer's end
    committed: int  # edits committed, all writers together
    errors: list[str] = field(default_factory=list)  # one entry per writer that failed
    expected: dict[str, dict[int, list[Any]]] = field(default_factory=dict)  # writer -> id -> span
    found: dict[str, dict[int, list[Any]]] = field(default_factory=dict)


def make_project(url: str, documents: int = 20, size: int = 3000) -> None:
    """A project with five labels and ``documents`` texts of about ``size`` characters."""
    rng = random.Random(7)
    with Project.create(url, name="writers") as project:
        for n, colour in enumerate(("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")):
            project.add_label(f"Label {n}", colour, shortcut=str(n + 1))
        articles = []
        for d in range(documents):
            text = " ".join(rng.choice(WORDS) for _ in range(size // 6))
            text = f"Document {d}. {text}"
            articles.append(
                Article(Path(f"d{d}.txt"), text, f"Document {d}", sha256_text(text), "utf-8", ())
            )
        project.import_articles(articles)


def writer(url: str, name: str, edits: int, seed: int, log: str, barrier: Barrier) -> None:
    """One annotator's session: ``edits`` mixed edits, each committed one logged to ``log``."""
    entries: list[dict[str, Any]] = []
    try:
        with Project.open(url) as project:
            me = project.ensure_annotator(name).id
            labels = [label.id for label in project.labels()]
            documents = [(d.id, len(project.document_text(d.id))) for d in project.documents()]
            rng = random.Random(seed)
            mine: dict[int, tuple[int, int, int, int]] = {}  # id -> (document, start, end, label)
            barrier.wait(timeout=120)
            for n in range(edits):
                roll = rng.random()
                if not mine or roll < 0.4:
                    document_id, length = rng.choice(documents)
                    start = rng.randrange(0, length - 40)
                    end = start + rng.randrange(5, 40)
                    label = rng.choice(labels)
                    if (document_id, start, end, label) in mine.values():
                        continue
                    changes = project.add_annotation(document_id, label, me, start, end)
                elif roll < 0.55:
                    target = rng.choice(list(mine))
                    document_id, start, end, old = mine[target]
                    choices = [x for x in labels if x != old]
                    label = rng.choice(choices)
                    if (document_id, start, end, label) in mine.values():
                        continue
                    changes = project.set_annotation_label(target, label)
                elif roll < 0.7:
                    changes = project.set_note(rng.choice(list(mine)), f"note {n} by {name}")
                elif roll < 0.85:
                    changes = project.delete_annotations([rng.choice(list(mine))])
                else:
                    undone = project.undo()
                    if undone is None:
                        continue
                    changes = undone
                entries.append(_entry(changes))
                for record in changes.annotations_removed:
                    mine.pop(record.id, None)
                for record in changes.annotations_added + changes.annotations_updated:
                    key = (record.document_id, record.start, record.end, record.label_id)
                    mine[record.id] = key
        Path(log).write_text(json.dumps({"entries": entries}), encoding="utf-8")
    except Exception:
        Path(log).write_text(json.dumps({"error": traceback.format_exc()}), encoding="utf-8")
        barrier.abort()


def _entry(changes: Changes) -> dict[str, Any]:
    def span(r: Any) -> list[Any]:
        return [r.id, r.document_id, r.label_id, r.start, r.end, r.note]

    return {
        "added": [span(r) for r in changes.annotations_added],
        "updated": [span(r) for r in changes.annotations_updated],
        "removed": [r.id for r in changes.annotations_removed],
    }


def replay(entries: list[dict[str, Any]]) -> dict[int, list[Any]]:
    spans: dict[int, list[Any]] = {}
    for entry in entries:
        for removed in entry["removed"]:
            del spans[removed]  # a KeyError here: the log removes what it never had
        for row in entry["added"] + entry["updated"]:
            spans[row[0]] = row[1:]
    return spans


def run_writers(url: str, folder: Path, writers: int = 40, edits: int = 500) -> WritersRun:
    """Start ``writers`` processes on one project at once; compare each replayed log with the
    server's final state of that writer's spans."""
    context = multiprocessing.get_context("fork")  # no Qt here; forking skips 40 imports
    barrier = context.Barrier(writers + 1)
    names = [f"Writer {i:02d}" for i in range(writers)]
    logs = [folder / f"writer{i:02d}.json" for i in range(writers)]
    processes = [
        context.Process(target=writer, args=(url, name, edits, i, str(log), barrier))
        for i, (name, log) in enumerate(zip(names, logs, strict=True))
    ]
    for process in processes:
        process.start()
    run = WritersRun(0.0, 0)
    try:
        barrier.wait(timeout=180)
    except Exception:
        run.errors.append("a writer did not reach the start")
    began = time.perf_counter()
    for process in processes:
        process.join(timeout=600)
    run.seconds = time.perf_counter() - began
    for name, log, process in zip(names, logs, processes, strict=True):
        if process.exitcode != 0 or not log.exists():
            run.errors.append(f"{name}: exit code {process.exitcode}")
            continue
        data = json.loads(log.read_text(encoding="utf-8"))
        if "error" in data:
            run.errors.append(f"{name}: {data['error']}")
            continue
        run.committed += len(data["entries"])
        run.expected[name] = replay(data["entries"])
    with Project.open(url) as project:
        people = {a.name: a.id for a in project.annotators()}
        for name in run.expected:
            found: dict[int, list[Any]] = {}
            for document in project.documents():
                for r in project.annotations(document.id, people[name]):
                    found[r.id] = [r.document_id, r.label_id, r.start, r.end, r.note]
            run.found[name] = found
    return run
