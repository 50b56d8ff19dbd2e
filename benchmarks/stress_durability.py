"""Nothing lost, nothing locked: SIGKILL trials and two writers at once, through the real Project.

``kill``: a writer process makes edits as fast as it can (add, relabel, note, delete; each one a
committed transaction through ``Project``), printing "BEGIN" before and "DONE" after every edit.
The parent kills it with SIGKILL at a random moment, reopens the file and checks that every edit
reported DONE is there, exactly as reported. The one edit in flight may have landed or not, but
never half. Repeated over many trials.

``writers``: two processes add annotations to one project at the same time (each under its own
annotator, both creating a shared third annotator first); every edit must succeed ("database is
locked" counts as a failure) and the file must hold exactly the rows that were reported.

Run: .venv/bin/python benchmarks/stress_durability.py kill --trials 700
     .venv/bin/python benchmarks/stress_durability.py writers --edits 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.importing import import_paths  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402

ANNOTATORS = ("Writer A", "Writer B")


def make_project(folder: Path) -> Path:
    path = folder / "stress.claimdesk"
    with Project.create(
        path, name="Stress", codebook=load_codebook(seeds_dir() / "codebook.json")
    ) as project:
        import_paths(project, sorted(seeds_dir().glob("*.txt")))
    return path


def _random_span(rng: random.Random, text: str) -> tuple[int, int]:
    while True:
        start = rng.randrange(0, len(text) - 40)
        end = start + rng.randrange(3, 40)
        if text[start:end].strip():
            return start, end


def _say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def kill_worker(path: Path, seed: int, early: bool = False) -> None:
    """Edit until killed; report each edit before and after its commit.

    `early` makes the worker report a note as done *before* saving it, the way a program that
    says "saved" too soon would: the checker must then find lost edits (its own test).
    """
    rng = random.Random(seed)
    with Project.open(path) as project:
        annotator = project.ensure_annotator(ANNOTATORS[0]).id
        documents = [d.id for d in project.documents()]
        texts = {d: project.document_text(d) for d in documents}
        labels = [label.id for label in project.labels()]
        mine = [a.id for d in documents for a in project.annotations(d, annotator)]
        _say("READY")
        serial = 0
        while True:
            serial += 1
            action = rng.random()
            if action < 0.55 or not mine:
                document = rng.choice(documents)
                start, end = _random_span(rng, texts[document])
                label = rng.choice(labels)
                _say("BEGIN add", serial)
                try:
                    changes = project.add_annotation(document, label, annotator, start, end)
                except Exception as exc:  # a duplicate span is refused: not an edit
                    _say("REFUSED", serial, type(exc).__name__)
                    continue
                (record,) = changes.annotations_added
                new_id = record.id
                mine.append(new_id)
                _say("DONE add", serial, new_id, label, json.dumps(""))
            elif action < 0.75:
                target = rng.choice(mine)
                note = f"note {serial} 🔫 𠀋"
                _say("BEGIN note", serial, target)
                if early:
                    _say("DONE note", serial, target, json.dumps(note))
                    _say("BEGIN note", serial)  # the check must not excuse it as in flight
                    time.sleep(0.05)
                project.set_note(target, note)
                _say("DONE note", serial, target, json.dumps(note))
            elif action < 0.9:
                target = rng.choice(mine)
                label = rng.choice(labels)
                _say("BEGIN relabel", serial, target)
                project.set_annotation_label(target, label)
                _say("DONE relabel", serial, target, label)
            else:
                target = mine.pop(rng.randrange(len(mine)))
                _say("BEGIN delete", serial, target)
                project.delete_annotations([target])
                _say("DONE delete", serial, target)


def _expected(lines: list[str]) -> tuple[dict[int, dict[str, object] | None], set[int], int]:
    """From the worker's lines: each annotation's last reported state, the ids in flight, and
    the number of edits reported done."""
    state: dict[int, dict[str, object] | None] = {}
    in_flight: set[int] = set()
    done = 0
    for line in lines:
        words = line.split(" ", 5 if line.startswith("DONE add") else 4)
        if words[0] == "BEGIN" and len(words) > 3:
            in_flight = {int(words[3])}
        elif words[0] == "BEGIN":
            in_flight = set()
        elif words[0] == "DONE":
            done += 1
            kind, ident = words[1], int(words[3])
            if kind == "add":
                state[ident] = {"label": int(words[4]), "note": json.loads(words[5])}
            elif kind == "note":
                entry = state.get(ident)
                if entry is not None:
                    entry["note"] = json.loads(words[4])
            elif kind == "relabel":
                entry = state.get(ident)
                if entry is not None:
                    entry["label"] = int(words[4])
            else:
                state[ident] = None
            in_flight = set()
    return state, in_flight, done


def _missing_annotation_id(project: Project, ident: int) -> bool:
    try:
        project.annotation(ident)
    except Exception:
        return True
    return False


def kill_trial(
    template: Path, folder: Path, seed: int, rng: random.Random, early: bool = False
) -> tuple[int, int]:
    """One trial: (edits reported done, edits lost)."""
    path = folder / f"trial-{seed}.claimdesk"
    shutil.copy2(template, path)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "packaging" / "editable"), str(ROOT)]),
    }
    process = subprocess.Popen(
        [sys.executable, __file__, "kill-worker", str(path), str(seed), "early" if early else ""],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if first != "READY":
        process.kill()
        raise SystemExit(f"worker failed to start: {first!r} {process.stderr.read()!r}")

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(rng.uniform(0.02, 0.8))
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    reader.join(30)
    if process.stderr is not None:
        process.stderr.close()
    # A line cut by the kill is not a report.
    complete = [line for line in lines if line.split(" ")[0] in ("BEGIN", "DONE", "REFUSED")]
    state, in_flight, done = _expected(complete)
    lost = 0
    with Project.open(path) as project:
        for ident, expected in state.items():
            if ident in in_flight:
                continue
            if expected is None:
                lost += 0 if _missing_annotation_id(project, ident) else 1
                continue
            if _missing_annotation_id(project, ident):
                lost += 1
                continue
            record = project.annotation(ident)
            if record.label_id != expected["label"] or record.note != expected["note"]:
                lost += 1
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return done, lost


def run_kill(trials: int, seed: int, early: bool = False) -> tuple[int, int]:
    """Run `trials` kill trials; return (edits reported saved, edits lost)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = make_project(folder)
        total_done = total_lost = 0
        started = time.perf_counter()
        for trial in range(trials):
            done, lost = kill_trial(template, folder, seed * 100_000 + trial, rng, early)
            total_done += done
            total_lost += lost
            if (trial + 1) % 50 == 0:
                print(f"  {trial + 1} trials, {total_done:,} edits, {total_lost} lost", flush=True)
        elapsed = time.perf_counter() - started
    print(
        f"SIGKILL trials: {trials}; edits reported saved: {total_done:,}; lost: {total_lost} "
        f"({elapsed:.0f} s)"
    )
    return total_done, total_lost


def writer_worker(path: Path, name: str, edits: int, seed: int) -> None:
    rng = random.Random(seed)
    ok = failed = 0
    errors: dict[str, int] = {}
    with Project.open(path) as project:
        project.ensure_annotator("Shared reviewer")
        annotator = project.ensure_annotator(name).id
        documents = [d.id for d in project.documents()]
        texts = {d: project.document_text(d) for d in documents}
        labels = [label.id for label in project.labels()]
        _say("READY")
        sys.stdin.readline()  # both start together
        for _ in range(edits):
            document = rng.choice(documents)
            start, end = _random_span(rng, texts[document])
            try:
                project.add_annotation(document, rng.choice(labels), annotator, start, end)
                ok += 1
            except Exception as exc:
                message = str(exc)
                if "already filed" in message:
                    continue
                failed += 1
                errors[message[:80]] = errors.get(message[:80], 0) + 1
    _say("RESULT", json.dumps({"ok": ok, "failed": failed, "errors": errors}))


def run_writers(edits: int, seed: int) -> dict[str, int]:
    """Two writers at once; return the counts (ok, failed, stored, shared annotator rows)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = make_project(Path(tmp))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "packaging" / "editable"), str(ROOT)]),
        }
        processes = [
            subprocess.Popen(
                [sys.executable, __file__, "writer-worker", str(path), name, str(edits), str(i)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i, name in enumerate(ANNOTATORS, start=seed)
        ]
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "READY"
        started = time.perf_counter()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in processes:
            out, _ = process.communicate(timeout=600)
            line = next(x for x in out.splitlines() if x.startswith("RESULT "))
            results.append(json.loads(line.split(" ", 1)[1]))
        elapsed = time.perf_counter() - started
        with Project.open(path) as project:
            counts = {a.name: 0 for a in project.annotators()}
            for document in project.documents():
                for record in project.annotations(document.id, None):
                    name = next(a.name for a in project.annotators() if a.id == record.annotator_id)
                    counts[name] += 1
            shared = sum(1 for a in project.annotators() if a.name == "Shared reviewer")
    ok = sum(r["ok"] for r in results)
    failed = sum(r["failed"] for r in results)
    stored = sum(counts[name] for name in ANNOTATORS)
    errors: dict[str, int] = {}
    for result in results:
        for message, count in result["errors"].items():
            errors[message] = errors.get(message, 0) + count
    print(
        f"Two writers: {ok:,} edits saved in {elapsed:.1f} s ({ok / elapsed:,.0f}/s together), "
        f"{failed} failed {errors or ''}; rows in the file: {stored:,}; shared annotator rows: "
        f"{shared}"
    )
    return {"ok": ok, "failed": failed, "stored": stored, "shared": shared}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "kill-worker":
        kill_worker(Path(sys.argv[2]), int(sys.argv[3]), early=sys.argv[4:5] == ["early"])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "writer-worker":
        writer_worker(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    kill = sub.add_parser("kill")
    kill.add_argument("--trials", type=int, default=100)
    kill.add_argument("--seed", type=int, default=1)
    writers = sub.add_parser("writers")
    writers.add_argument("--edits", type=int, default=2000)
    writers.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.mode == "kill":
        _, lost = run_kill(args.trials, args.seed)
        return 0 if lost == 0 else 1
    counts = run_writers(args.edits, args.seed)
    good = counts["failed"] == 0 and counts["stored"] == counts["ok"] and counts["shared"] == 1
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
