"""What a user waits for when importing a folder: articles per second, decode to commit.

Imports a folder of generated ~5 KB articles (most UTF-8, some cp1252 without a byte-order
mark so the encoding must be detected, some UTF-16 with one) through ``import_paths``, against
a same-run baseline of reading and decoding the same files with plain ``open(...).read()`` given
the right encoding. The ratio is the price of detection, normalisation, clean-up, checksums and
the database transaction.

Then the same articles as web pages (.html, with navigation, a cookie banner and comments),
Word documents (.docx) and two-column PDFs (.pdf, with a running header and page numbers), each
imported through ``import_paths`` and shown next to the plain-text import (articles/s and the
ratio to it), with the extracting library's own reading of the same files as a second baseline
(trafilatura's ``extract``, python-docx's paragraphs, pypdf's ``extract_text``): what is left
is what Claimdesk adds (reading order, metadata, clean-up, the transaction).

Run: .venv/bin/python benchmarks/bench_import.py [--articles 200] [--rich-articles 60]
     [--repeat 3]
"""

from __future__ import annotations

import argparse
import codecs
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import LATIN_WORDS  # noqa: E402
from benchmarks.corpus_formats import FORMATS, library_read  # noqa: E402
from claimdesk.core.importing import import_paths  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.text.textio import read_article  # noqa: E402

ARTICLE_BYTES = 5_000
WORDS = [
    *LATIN_WORDS,
    "café",
    "naïve",
    "déjà",
    "résumé",
    "Zürich",
    "façade",
    "Gorbachev’s",
    "“guns-for-butter”",
    "deal",
    "—",
    "élite",
]
DEBRIS = ["Article excerpt", "Advertisement", "Share this article", "Subscribe now"]


def article(number: int, rng: random.Random) -> str:
    lines = [f"Article {number}: {' '.join(rng.choice(WORDS) for _ in range(8)).capitalize()}"]
    size = len(lines[0])
    while size < ARTICLE_BYTES:
        if rng.random() < 0.1:
            lines.append(rng.choice(DEBRIS))
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
        lines.append(f"{sentence.capitalize()}.")
        size += len(lines[-1]) + 2
    return "\n\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int) -> list[tuple[Path, str]]:
    """Write `count` articles; return (path, encoding) for the baseline reader."""
    rng = random.Random(11)
    files: list[tuple[Path, str]] = []
    for number in range(count):
        text = article(number, rng)
        path = folder / f"article-{number:04d}.txt"
        if number % 10 == 3:
            path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
            files.append((path, "cp1252"))
        elif number % 10 == 7:
            path.write_bytes(text.encode("utf-16"))  # with a byte-order mark
            files.append((path, "utf-16"))
        else:
            path.write_text(text, encoding="utf-8")
            files.append((path, "utf-8"))
    return files


def baseline(files: list[tuple[Path, str]]) -> float:
    started = time.perf_counter()
    total = 0
    for path, encoding in files:
        with open(path, encoding=encoding) as handle:
            total += len(handle.read())
    assert total > 0
    return time.perf_counter() - started


def import_once(
    folder: Path, corpus: Path, run: int, files: list[tuple[Path, str]]
) -> tuple[float, list[str]]:
    """Import the corpus into a new project; return the time and the files decoded wrongly."""
    with Project.create(folder / f"run-{run}.claimdesk") as project:
        started = time.perf_counter()
        report, problems = import_paths(project, [corpus])
        elapsed = time.perf_counter() - started
        if problems or len(report.added) != len(files):
            raise SystemExit(f"import went wrong: {len(report.added)} added, {problems[:3]}")
        found = {Path(doc.source).name: doc.meta["encoding"] for doc in project.documents()}
    wrong = [
        f"{path.name} ({encoding} read as {found[path.name]})"
        for path, encoding in files
        if codecs.lookup(found[path.name]).name != codecs.lookup(encoding).name
    ]
    return elapsed, wrong


def import_folder(folder: Path, corpus: Path, name: str, count: int) -> tuple[float, list[str]]:
    """Import every file of `corpus` into a new project; return the time and the texts."""
    with Project.create(folder / f"{name}.claimdesk") as project:
        started = time.perf_counter()
        report, problems = import_paths(project, [corpus])
        elapsed = time.perf_counter() - started
        if problems or len(report.added) != count:
            raise SystemExit(f"{name}: {len(report.added)} of {count} added, {problems[:3]}")
        texts = [project.document_text(doc.id) for doc in project.documents()]
    return elapsed, texts


def formats(folder: Path, count: int, repeat: int) -> None:
    """The same articles as plain text, web pages, Word documents and PDFs, each imported."""
    rng = random.Random(29)
    articles = [article(number, rng) for number in range(count)]
    timings: dict[str, float] = {}
    for suffix, write in FORMATS.items():
        corpus = folder / f"as{suffix.replace('.', '-')}"
        corpus.mkdir()
        paths = [
            write(corpus / f"article-{n:04d}{suffix}", text) for n, text in enumerate(articles)
        ]
        read_article(paths[0])  # the extracting library is imported on first use: not timed
        library_read(paths[0])
        imports, reads = [], []
        for run in range(repeat):
            elapsed, texts = import_folder(folder, corpus, f"{suffix[1:]}-{run}", count)
            imports.append(elapsed)
            started = time.perf_counter()
            for path in paths:
                library_read(path)
            reads.append(time.perf_counter() - started)
        # Each article's last sentence must be in what was imported, whole.
        imported_text = " ".join(texts).replace("\n", " ")
        missing = sum(1 for text in articles if " ".join(text.split()[-6:]) not in imported_text)
        timings[suffix] = imported = statistics.median(imports)
        size = sum(path.stat().st_size for path in paths) / count / 1000
        line = f"import {suffix:5} {count / imported:6.0f} articles/s ({size:.0f} KB each"
        if suffix != ".txt":
            read = statistics.median(reads)
            line += (
                f"; {imported / timings['.txt']:.1f}x plain text; the library alone "
                f"{count / read:.0f} articles/s, ratio {imported / read:.1f}x"
            )
        print(line + ")" + (f"; {missing} article(s) lost their last sentence" if missing else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time importing a folder of articles.")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rich-articles", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "articles"
        corpus.mkdir()
        files = write_corpus(corpus, args.articles)
        size = sum(path.stat().st_size for path, _ in files)
        baseline(files)  # warm the page cache for both
        imports, reads = [], []
        for run in range(args.repeat):
            reads.append(baseline(files))
            elapsed, wrong = import_once(folder, corpus, run, files)
            imports.append(elapsed)
    imported, read = statistics.median(imports), statistics.median(reads)
    encodings = {e: sum(1 for _, x in files if x == e) for e in ("utf-8", "cp1252", "utf-16")}
    mix = ", ".join(f"{n} {e}" for e, n in encodings.items())
    print(f"corpus: {len(files)} articles, {size / 1e6:.1f} MB ({mix}); median of {args.repeat}")
    print(
        f"import a folder: {len(files) / imported:.0f} articles/s ({imported * 1000:.0f} ms; "
        f"plain open().read() {len(files) / read:.0f} articles/s, {read * 1000:.1f} ms; "
        f"ratio {imported / read:.0f}x)"
    )
    if wrong:
        print(f"encoding guessed wrong for {len(wrong)} file(s): {', '.join(wrong)}")
    print(f"the same {args.rich_articles} articles in each format; median of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        formats(Path(tmp), args.rich_articles, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
