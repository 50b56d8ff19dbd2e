"""Suggestions: how good and how fast.

* Quality: a generated corpus is annotated in two halves by a simulated annotator (claims are
  phrases of each label, filed nine times in ten; some phrases appear only in the second half,
  some words are claims only in some places). Suggestions are learned from the first half (the
  texts it filed, the codebook's rules, a model trained on it) and judged on the second half
  against what the annotator filed there: precision and recall per source and together.
* Speed: suggestions for a 1 MB document without the model (target < 200 ms), first call and
  again, against cutting the same text into words with one ``re.findall`` in the same run; and
  the model's training and prediction times.
* The model's training on the long articles of the keystroke benchmark (1 MB / 10,000 and
  5 MB / 100,000 annotations), each in a fresh process as the worker trains it: its seconds
  (wall, CPU of its thread, CPU of the process with the linear algebra's threads) and its peak
  memory (``VmHWM``), beside the process's memory before it (the annotations read) and the time
  to cut the texts into words, which any training must do.
* The suggestions' worker on those articles (the model trained on them): one ``suggest``
  call, each in a fresh process, its seconds (wall and CPU) and its peak memory (the process's
  high-water mark: ``VmHWM``, as ``ru_maxrss`` keeps the benchmark's own across the exec),
  beside the same process's memory before the call and one ``re.findall`` of the text's words
  in it. The suggestions stop at the 10,000th in text order, so the call reads only as much of
  the text as they need.

Run: .venv/bin/python benchmarks/bench_suggest.py [--quick]   (--quick: 1 MB only)
"""

from __future__ import annotations

import json
import os
import pickle
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import re  # noqa: E402

from sqlalchemy import insert  # noqa: E402

from benchmarks.corpus import article_text  # noqa: E402
from claimdesk.core.codebook import load_codebook  # noqa: E402
from claimdesk.core.paths import seeds_dir  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.store.tables import annotation_table, utcnow  # noqa: E402
from claimdesk.core.suggest import SuggestionModel, suggest, training_examples  # noqa: E402
from claimdesk.core.suggest import phrases as phrase_cache  # noqa: E402
from claimdesk.core.suggest.engine import learned_matches, rule_matches  # noqa: E402
from claimdesk.core.suggest.model import model_problem  # noqa: E402
from claimdesk.core.suggest.phrases import words  # noqa: E402
from claimdesk.core.suggest_worker import RETIRE_BYTES  # noqa: E402
from claimdesk.core.text.suggest_rules import SuggestRules  # noqa: E402
from claimdesk.core.text.textio import Article, sha256_text  # noqa: E402

# label name -> claim phrases (the last two of each appear only in the second half)
CLAIMS = {
    "Military": [
        "troop reduction", "border troops", "arms sales", "military exercises",
        "naval patrols", "missile deployment",
    ],
    "Economy": [
        "trade agreement", "barter deal", "credit line", "joint venture",
        "grain purchases", "oil pipeline",
    ],
    "Diplomacy": [
        "summit meeting", "foreign ministers", "normalisation of relations", "state visit",
        "consular agreement", "ambassador recalled",
    ],
}  # fmt: skip
# The codebook's rules: partly right, partly too general (a word also used outside claims).
RULES = {
    "Military": SuggestRules(phrases=("troop reduction", "troops"), patterns=(r"\d+ divisions",)),
    "Economy": SuggestRules(phrases=("trade agreement", "oil pipeline")),
}
FILED = 0.9  # how often the simulated annotator files a claim phrase they meet


def corpus(
    documents: int, size: int, seed: int = 7
) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Texts with the claims filed in them: (text, [(start, end, label name)])."""
    rng = random.Random(seed)
    made = []
    for number in range(documents):
        second_half = number >= documents // 2
        filler = article_text(size, seed=seed * 1000 + number).split(". ")
        pieces: list[str] = []
        spans: list[tuple[int, int, str]] = []
        length = 0
        for sentence in filler:
            if rng.random() < 0.25:
                label = rng.choice(list(CLAIMS))
                pool = CLAIMS[label] if second_half else CLAIMS[label][:-2]
                phrase = rng.choice(pool)
                words = sentence.split(" ")
                cut = rng.randint(0, len(words))
                before = " ".join(words[:cut])
                start = length + len(before) + (1 if before else 0)
                sentence = " ".join([*words[:cut], phrase, *words[cut:]])
                assert sentence[start - length : start - length + len(phrase)] == phrase
                if rng.random() < FILED:
                    spans.append((start, start + len(phrase), label))
                if rng.random() < 0.1:  # a number of divisions, a claim only sometimes
                    sentence += f" with {rng.randint(2, 40)} divisions"
            pieces.append(sentence)
            length += len(sentence) + 2
        made.append((". ".join(pieces), spans))
    return made


def build(folder: Path, documents: int, size: int) -> tuple[Project, int, list[int], dict]:
    project = Project.create(
        folder / "bench-suggest.claimdesk", codebook=load_codebook(seeds_dir() / "codebook.json")
    )
    labels = {label.name: label.id for label in project.labels()}
    for name in CLAIMS:
        if name not in labels:
            project.add_label(name, "#4363d8")
    labels = {label.name: label.id for label in project.labels()}
    project.set_suggestion_rules({labels[name]: rules for name, rules in RULES.items()})
    made = corpus(documents, size)
    report = project.import_articles(
        [
            Article(Path(f"{i}.txt"), text, f"Article {i}", sha256_text(text), "utf-8", ())
            for i, (text, _spans) in enumerate(made)
        ]
    )
    ids = [document_id for document_id, _title in report.added]
    annotator = project.ensure_annotator("Bench")
    gold: dict[int, set[tuple[int, int, int]]] = {}
    rows = []
    now = utcnow()
    for document_id, (text, spans) in zip(ids, made, strict=True):
        gold[document_id] = {(s, e, labels[name]) for s, e, name in spans}
        if document_id in ids[: len(ids) // 2]:
            rows.extend(
                {
                    "document_id": document_id,
                    "label_id": labels[name],
                    "annotator_id": annotator.id,
                    "start": s,
                    "end": e,
                    "quote": text[s:e],
                    "note": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for s, e, name in spans
            )
    with project.writing() as conn:
        conn.execute(insert(annotation_table), rows)
    return project, annotator.id, ids, gold


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def quality(documents: int, size: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        project, annotator_id, ids, gold = build(Path(folder), documents, size)
        with project:
            started = time.perf_counter()
            model = None
            if model_problem() is None:
                model = SuggestionModel.train(training_examples(project, annotator_id))
            trained = time.perf_counter() - started
            second = ids[len(ids) // 2 :]
            wanted = sum(len(gold[d]) for d in second)
            counts = {s: [0, 0] for s in ("codebook", "project", "model", "all")}
            predicting = 0.0
            rules = project.suggestion_rules()
            marked = project.marked_texts(annotator_id)
            for document_id in second:
                text = project.document_text(document_id)
                # Each source on its own, then all together as the window shows them.
                alone = {
                    "codebook": rule_matches(rules, text),
                    "project": learned_matches(marked, Counter(), text),
                    "model": model.predict(text) if model is not None else [],
                }
                started = time.perf_counter()
                found = suggest(project, document_id, annotator_id, model=model)
                predicting += time.perf_counter() - started
                alone["all"] = [(x.start, x.end, x.label_id, x.score) for x in found]
                for source, spans in alone.items():
                    unique = {(start, end, label) for start, end, label, _score in spans}
                    counts[source][0] += len(unique)
                    counts[source][1] += len(unique & gold[document_id])
            lines.append(
                f"corpus: {documents} documents of {size:,} characters; first half filed "
                f"({sum(len(gold[d]) for d in ids[: len(ids) // 2])} spans), judged on the "
                f"second ({wanted} spans filed)"
            )
            for source, (shown, right) in counts.items():
                lines.append(
                    f"  {source:<9} suggested {shown:>6}  right {right:>6}  "
                    f"precision {ratio(right, shown)}  recall {ratio(right, wanted)}"
                )
            if model is None:
                lines.append(f"  model: none ({model_problem() or 'too few spans to train'})")
            else:
                lines.append(
                    f"  model trained in {trained:.2f} s; suggesting in the second half took "
                    f"{predicting:.2f} s with the model"
                )
    return lines


def speed(size: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        project, annotator_id, _ids, _gold = build(Path(folder), 2, 20_000)
        with project:
            text = article_text(size, seed=99)
            for phrase in ("troop reduction", "trade agreement", "summit meeting"):
                text = text.replace("troops border", f"troops {phrase}", 50)
            report = project.import_articles(
                [Article(Path("big.txt"), text, "Big", sha256_text(text), "utf-8", ())]
            )
            big = report.added[0][0]
            project.document_text(big)
            first, again, baseline = [], [], []
            for _ in range(5):  # interleaved with the baseline: both see the same machine load
                phrase_cache._CUT.clear()
                phrase_cache._HAYSTACKS.clear()
                started = time.perf_counter()
                found = suggest(project, big, annotator_id)
                first.append(time.perf_counter() - started)
                started = time.perf_counter()
                suggest(project, big, annotator_id)
                again.append(time.perf_counter() - started)
                started = time.perf_counter()
                re.findall(r"\w+", text)
                baseline.append(time.perf_counter() - started)
            f, a, b = (statistics.median(x) * 1000 for x in (first, again, baseline))
            ok = "OK" if f < 200 else "SLOW"
            lines.append(
                f"1 document of {len(text) / 1e6:.1f} MB, {len(found)} suggestions, no model: "
                f"first {f:.0f} ms, again {a:.0f} ms (re.findall of its words {b:.0f} ms, "
                f"ratio {f / b:.1f}x; target < 200 ms) {ok}"
            )
    return lines


# (characters, annotations) of the keystroke benchmark's long articles.
LONG_ARTICLES = ((1_000_000, 10_000), (5_000_000, 100_000))


def long_articles(sizes: tuple[tuple[int, int], ...]) -> list[str]:
    """One suggest() call per article, in a process of its own (as the worker runs it)."""
    from benchmarks.bench_app import build_project

    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for size, spans in sizes:
            path = Path(folder) / f"long-{size}.claimdesk"
            document_id, annotator_id = build_project(path, size, spans)
            saved = Path(folder) / f"model-{size}.pickle"
            trainings = [
                child("--train", str(path), str(annotator_id), str(saved)) for _ in range(2)
            ]
            model = pickle.loads(saved.read_bytes())
            lines.append(
                f"{size / 1e6:.0f} MB / {spans:,} annotations: one training "
                f"{spread(trainings, 'wall')} s (CPU {spread(trainings, 'cpu')} s; with the "
                f"linear algebra's threads {spread(trainings, 'process_cpu')} s), peak "
                f"{spread(trainings, 'peak_mb', '.0f')} MB (the process before it, annotations "
                f"read, {trainings[0]['before_mb']:.0f} MB; cutting the text into words "
                f"{trainings[0]['words']:.2f} s), {'a model' if model else 'no model'}"
            )
            runs = [
                child("--one-call", str(path), str(document_id), str(annotator_id), str(saved))
                for _ in range(2)
            ]
            lines.append(
                f"{size / 1e6:.0f} MB / {spans:,} annotations, that model: one suggest call "
                f"{spread(runs, 'wall')} s (CPU {spread(runs, 'cpu')} s), peak "
                f"{spread(runs, 'peak_mb', '.0f')} MB (the process before the call "
                f"{runs[0]['before_mb']:.0f} MB; re.findall of the text's words "
                f"{runs[0]['findall']:.2f} s), {runs[0]['found']:,} suggestions"
            )
            faster = min(r["wall"] for r in runs) / max(r["again_wall"] for r in runs)
            lines.append(
                f"{size / 1e6:.0f} MB / {spans:,} annotations, that model: the next call after "
                f"one claim filed (the filed texts' index kept) {spread(runs, 'again_wall')} s "
                f"(CPU {spread(runs, 'again_cpu')} s, {faster:.1f}x faster than the first); the "
                f"process's own memory after it {spread(runs, 'own_mb', '.0f')} MB (a worker "
                f"retires above {RETIRE_BYTES // 2**20} MB)"
            )
    return lines


def spread(runs: list[dict[str, float]], figure: str, form: str = ".2f") -> str:
    """The lowest and highest of one figure over the runs, as "low-high"."""
    values = [run[figure] for run in runs]
    return f"{min(values):{form}}-{max(values):{form}}"


def child(*arguments: str) -> dict[str, float]:
    """Run this file with ``arguments`` in a fresh process; the figures it printed last."""
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments[:1])} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def peak_mb() -> float:
    """This process's peak resident memory in MB: ``VmHWM`` on Linux (``ru_maxrss`` of a child
    starts from its parent's), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def own_mb() -> float:
    """This process's own resident memory in MB (what the worker counts to retire, see
    `claimdesk.core.suggest_worker`): resident less the libraries' files it shares."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        fields = statm.read().split()
    return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def one_call(path: str, document_id: int, annotator_id: int, saved: str) -> None:
    """The child of `long_articles`: time one suggest() call, print its figures as JSON."""
    model = pickle.loads(Path(saved).read_bytes())
    with Project.open_to_read(Path(path), None) as project:
        text = project.document_text(document_id)
        started = time.perf_counter()
        re.findall(r"\w+", text)
        findall = time.perf_counter() - started
        before = peak_mb()
        started, cpu = time.perf_counter(), time.thread_time()
        found = suggest(project, document_id, annotator_id, model=model)
        wall, cpu = time.perf_counter() - started, time.thread_time() - cpu
        label_id = project.labels()[0].id
    peak = peak_mb()
    # The next computation, as the worker's after the reader files one more claim: the project
    # opened again, the index of its filed texts brought up to date rather than built again.
    with Project.open(Path(path)) as window:
        taken = {(span.start, span.end) for span in window.spans(document_id, annotator_id)}
        start = next(at for at in range(3, 100_000) if (at, at + 14) not in taken)
        window.add_annotation(document_id, label_id, annotator_id, start, start + 14)
    with Project.open_to_read(Path(path), None) as project:
        started, again = time.perf_counter(), time.thread_time()
        found_again = suggest(project, document_id, annotator_id, model=model)
        again_wall, again = time.perf_counter() - started, time.thread_time() - again
    assert len(found_again) >= len(found) - 1
    figures = {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak,
        "before_mb": before,
        "findall": findall,
        "found": len(found),
        "again_wall": again_wall,
        "again_cpu": again,
        "own_mb": own_mb(),
    }
    print(json.dumps(figures), flush=True)


def one_training(path: str, annotator_id: int, saved: str) -> None:
    """The child of `long_articles`: time one training (as the worker's process does it, from
    the annotations read), save the model, print its figures as JSON."""
    with Project.open_to_read(Path(path), None) as project:
        examples = training_examples(project, annotator_id)
    before = peak_mb()
    started = time.perf_counter()
    for example in examples:
        words(example.text)
    cut = time.perf_counter() - started
    started, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
    model = SuggestionModel.train(examples)
    wall, cpu = time.perf_counter() - started, time.thread_time() - cpu
    process = time.process_time() - process  # with the linear algebra's own threads
    peak = peak_mb()
    Path(saved).write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    figures = {
        "wall": wall,
        "cpu": cpu,
        "process_cpu": process,
        "peak_mb": peak,
        "before_mb": before,
        "words": cut,
    }
    print(json.dumps(figures), flush=True)


def main() -> None:
    if "--train" in sys.argv:
        at = sys.argv.index("--train")
        path, annotator_id, saved = sys.argv[at + 1 : at + 4]
        one_training(path, int(annotator_id), saved)
        return
    if "--one-call" in sys.argv:
        at = sys.argv.index("--one-call")
        path, document_id, annotator_id, saved = sys.argv[at + 1 : at + 5]
        one_call(path, int(document_id), int(annotator_id), saved)
        return
    quick = "--quick" in sys.argv
    for line in quality(8 if quick else 40, 5_000 if quick else 20_000):
        print(line, flush=True)
    for line in speed(100_000 if quick else 1_000_000):
        print(line, flush=True)
    for line in long_articles(LONG_ARTICLES[:1] if quick else LONG_ARTICLES):
        print(line, flush=True)


if __name__ == "__main__":
    main()
