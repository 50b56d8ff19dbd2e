"""What a user waits for when searching the whole project: from Enter to the concordance.

Builds a project of generated news-like articles (default 50 MB of text: the words of
benchmarks/corpus.py with emoji and CJK outside the BMP, plus a long tail of rarer words so
that, as in real text, most words occur in few documents), then times ``search`` for a rare
word, a rarer phrase, a word part (inside other words), a whole word, and a regular expression,
against a same-run baseline: a plain Python scan, reading every text with raw ``sqlite3`` and
running the same compiled pattern over each. The ratio is what the full-text index saves (or,
for a word in every document, what the index and the context columns cost).

Run: .venv/bin/python benchmarks/bench_search.py [--megabytes 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import WORDS  # noqa: E402
from claimdesk.core.search.concordance import Query, search  # noqa: E402
from claimdesk.core.search.matching import compile_query, find  # noqa: E402
from claimdesk.core.store.project import Project  # noqa: E402
from claimdesk.core.text.textio import Article, sha256_text  # noqa: E402

ARTICLE_CHARS = 5_000
SYLLABLES = ["ka", "lo", "min", "ter", "sa", "vo", "rek", "du", "pan", "gi", "tor", "shen"]


def vocabulary(rng: random.Random, size: int = 15_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def article_text(rng: random.Random, tail: list[str], cumulative: list[float], number: int) -> str:
    parts: list[str] = [f"Article {number}."]
    size = 0
    while size < ARTICLE_CHARS:
        common = rng.choices(WORDS, k=8)
        rare = rng.choices(tail, cum_weights=cumulative, k=8)
        sentence = " ".join(rng.sample(common + rare, 16)).capitalize() + "."
        parts.append(sentence)
        size += len(sentence) + 1
    return "\n".join(parts) + "\n"


def build(path: Path, megabytes: float) -> tuple[float, int, list[str]]:
    rng = random.Random(17)
    tail = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tail))))
    articles = []
    chars = 0
    number = 0
    while chars < megabytes * 1_000_000:
        text = article_text(rng, tail, cumulative, number)
        articles.append(
            Article(Path(f"a{number}.txt"), text, f"Article {number}", sha256_text(text), "", ())
        )
        chars += len(text)
        number += 1
    with Project.create(path, codebook=None) as project:
        started = time.perf_counter()
        project.import_articles(articles)
        seconds = time.perf_counter() - started
    return seconds, len(articles), tail


def baseline(path: Path, query: Query) -> tuple[float, int]:
    """Every text read with raw sqlite3, the same pattern run over each."""
    compiled = compile_query(query)
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    hits = sum(len(find(compiled, text)) for (text,) in conn.execute("SELECT text FROM document"))
    conn.close()
    return time.perf_counter() - started, hits


def timed(project: Project, query: Query, repeat: int) -> tuple[float, int, int]:
    times = []
    result = search(project, query)  # warm: the index's word list, the page cache
    for _ in range(repeat):
        started = time.perf_counter()
        result = search(project, query)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(result.hits), result.documents_read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "search.claimdesk"
        seconds, count, tail = build(path, args.megabytes)
        size = path.stat().st_size / 1e6
        print(
            f"built {count} articles ({args.megabytes:g} MB of text) in {seconds:.1f} s, "
            f"indexed as they were imported; file {size:.0f} MB"
        )
        rare, rarer = tail[2_000], tail[12_000]
        queries = [
            ("rare word", Query(rare)),
            ("rarer phrase", Query(f"{rarer} {tail[12_001]}")),
            ("word part", Query(rare[1:-1])),
            ("whole word", Query(rare, whole_word=True)),
            ("regex", Query(rf"\b{rare}s?\b", is_regex=True)),
            ("common word", Query("barter", whole_word=True)),
        ]
        print(f"{'search':<14}{'hits':>8}{'docs read':>11}{'ms':>9}{'scan ms':>9}{'ratio':>8}")
        with Project.open(path) as project:
            for name, query in queries:
                took, hits, read = timed(project, query, args.repeat)
                scan, scan_hits = baseline(path, query)
                note = "" if scan_hits == hits else f"  (scan found {scan_hits})"
                print(
                    f"{name:<14}{hits:>8}{read:>11}{took * 1000:>9.1f}{scan * 1000:>9.1f}"
                    f"{took / scan:>8.2f}{note}"
                )
        print("target: a search answers in < 300 ms at 50 MB (the common word shows the cost")
        print("of a concordance of 100k+ lines; the others what the index saves)")


if __name__ == "__main__":
    main()
