#!/usr/bin/env python3
"""Regenerate stemmer-vocabulary.tsv, the reference data for EnglishStemmerTests.

Each output line is `word<TAB>stem`, sorted by word (code-point order), where the
stem comes from the reference Snowball English (Porter2) stemmer as published on
PyPI: snowballstemmer 3.1.1 (`pip install snowballstemmer==3.1.1`).

The words are every distinct word of the shared test data:
  * the Markdown corpus  <data>/corpus-cpp-docs/docs/**/*.md
  * the Cranfield collection  <data>/cranfield/docs.jsonl and queries.jsonl
    (the "title" and "text" fields of each record)

A word is a maximal run of letters after lower-casing the text (Unicode letters
included; digits, underscores and marks end a run). Letter runs alone give only
46,746 distinct words, fewer than the 50,000 the test wants, so two more kinds
of word are kept as well:
  * words with internal ASCII apostrophes (`don't`, `children's`), beside their
    letter runs;
  * mixed runs of letters and digits that start with a letter (`utf8`, `x64`,
    `c4996`), which exercise digits as non-vowels.

Usage: python3 make-stemmer-vocabulary.py [DATA_DIR] > stemmer-vocabulary.tsv
DATA_DIR defaults to /work/shared/data.
"""
import json
import pathlib
import re
import sys

import snowballstemmer

EXPECTED_VERSION = "3.1.1"

LETTERS = r"[^\W\d_]+"
LETTER_RUN = re.compile(LETTERS)
APOSTROPHE_WORD = re.compile(LETTERS + r"(?:'" + LETTERS + r")+")
# Letters and digits, starting with a letter that does not follow a digit.
MIXED_RUN = re.compile(r"(?<![^\W_])[^\W\d_][^\W_]*")


def words_in(text, into):
    text = text.lower()
    into.update(LETTER_RUN.findall(text))
    into.update(APOSTROPHE_WORD.findall(text))
    into.update(MIXED_RUN.findall(text))


def main():
    from importlib.metadata import version
    if version("snowballstemmer") != EXPECTED_VERSION:
        sys.exit(f"expected snowballstemmer {EXPECTED_VERSION}, found {version('snowballstemmer')}")

    data = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
    words = set()
    for path in sorted((data / "corpus-cpp-docs" / "docs").rglob("*.md")):
        words_in(path.read_text(encoding="utf-8", errors="replace"), words)
    for name in ("docs.jsonl", "queries.jsonl"):
        with open(data / "cranfield" / name, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                for field in ("title", "text"):
                    words_in(record.get(field) or "", words)

    stemmer = snowballstemmer.stemmer("english")
    out = sys.stdout
    for word in sorted(words):
        out.write(f"{word}\t{stemmer.stemWord(word)}\n")
    print(f"{len(words)} distinct words", file=sys.stderr)


if __name__ == "__main__":
    main()
