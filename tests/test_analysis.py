"""Analysis: the tokenizer agrees with nltk's RegexpTokenizer, and the stem table with the stemmer."""

from __future__ import annotations

import pickle
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

import cables.index.stems as stems_module
from cables.index.analysis import STOP_MARK, STOP_WORDS, TOKEN_PATTERN, TOKEN_RE, SnowballStem, analyse, fold, positioned, stems_of, words
from cables.index.schema import stem_count
from cables.index.stems import StemTable, read_stem_table, write_stem_table


def test_tokens_equal_nltk_regexp_tokenizer(seed_records):
    """We tokenise with the same pattern nltk's RegexpTokenizer uses, without importing it at query time."""
    tokenizer = RegexpTokenizer(TOKEN_PATTERN)
    texts = [p.text for record in list(seed_records.values())[:200] for p in record.paragraphs]
    assert texts
    for text in texts:
        assert TOKEN_RE.findall(text) == tokenizer.tokenize(text)


def test_analysis_lowercases_stems_and_drops_stop_words_and_redactions():
    stem = SnowballStem()
    assert analyse("The Embassies of CANADA'S partners", stem) == ["embassi", "canada", "partner"]
    assert analyse("XXXXXXXXXXXX said XXXXXXXXXXXXthe minister", stem) == ["minist"]
    assert all(word not in STOP_WORDS for word, _, _ in words("the and of visa fraud"))


def test_spans_point_at_the_words():
    text = "Visa fraud, in Cairo."
    assert [(text[s:e], w) for w, s, e in words(text)] == [("Visa", "visa"), ("fraud", "fraud"), ("Cairo", "cairo")]


def test_stemmer_matches_nltk_and_pickles_without_its_state():
    stem = SnowballStem()
    english = SnowballStemmer("english")
    for word in ["embassies", "trafficking", "negotiations", "icesave", "running"]:
        assert stem(word) == english.stem(word)
    restored = pickle.loads(pickle.dumps(stem))
    assert restored.memo == {} and restored("embassies") == "embassi"


def test_stem_table_round_trip_and_fallback(tmp_path):
    table = {"embassies": "embassi", "fraud": "fraud", "zeta": "zeta", "élan": "élan"}
    write_stem_table(tmp_path, table)
    assert read_stem_table(tmp_path) == table
    fallback_calls = []

    def fallback(word: str) -> str:
        fallback_calls.append(word)
        return word.upper()

    lookup = StemTable(tmp_path, fallback)
    assert [lookup(w) for w in ["embassies", "élan", "zeta", "fraud"]] == ["embassi", "élan", "zeta", "fraud"]
    assert lookup("unseen") == "UNSEEN" and fallback_calls == ["unseen"]
    assert lookup.lookup("aaa") is None and lookup.lookup("zzz") is None


def test_stem_table_memo_forgets_at_its_limit_and_answers_the_same(tmp_path, monkeypatch):
    """A long-lived engine stems every word its snippets show: the memo is emptied when full, so it never holds more than the limit."""
    monkeypatch.setattr(stems_module, "MEMO_LIMIT", 3)
    table = {f"word{number}": f"stem{number}" for number in range(10)}
    write_stem_table(tmp_path, table)
    fallback_calls = []

    def fallback(word: str) -> str:
        fallback_calls.append(word)
        return word.upper()

    lookup = StemTable(tmp_path, fallback)
    for _ in range(2):
        assert [lookup(word) for word in [*table, "unseen"]] == [*table.values(), "UNSEEN"]
        assert len(lookup._memo) <= 3
    assert fallback_calls == ["unseen", "unseen"]  # forgotten, so asked again


def test_stem_table_tells_words_that_extend_each_other_apart(tmp_path):
    """Words that are each other's beginnings, and absent words between them: each found exactly, or not at all."""
    table = {"fr": "fr1", "fra": "fra1", "frau": "frau1", "fraud": "fraud1", "frauds": "fraud2", "fraudé": "fraud3", "fraue": "fraue1"}
    write_stem_table(tmp_path, table)
    lookup = StemTable(tmp_path, lambda word: "")
    assert {word: lookup.lookup(word) for word in table} == table
    assert [lookup.lookup(word) for word in ("f", "frab", "fraudr", "fraudsx", "fraudz", "fraz", "")] == [None] * 7


def test_index_stem_table_covers_indexed_words(engine, seed_records):
    """Every word of the seed cables' paragraphs is in the index's stem table, so queries need no nltk import."""
    every = {word for record in seed_records.values() for paragraph in record.paragraphs for word, _, _ in words(paragraph.text)}
    stemmer = SnowballStemmer("english")
    wrong = sorted(word for word in every if engine.stem.lookup(word) != stemmer.stem(word))
    assert len(every) > 10_000 and not wrong, wrong[:20]


def test_words_with_heads_are_exactly_the_words_so_headed(seed_records):
    """The head filter used for highlighting skips tokens early but must keep every word it asks for.

    Checked on every paragraph of 300 seed cables (redactions, possessives,
    accents and all), with heads taken from every fifth word and from odd
    tokens such as short, accented and redacted ones.
    """
    records = sorted(seed_records.values(), key=lambda record: record.id)[:300]
    for record in records:
        for paragraph in record.paragraphs:
            everything = list(words(paragraph.text))
            heads = {word[:2] for word, _, _ in everything[::5]} | {"d'", "a", "é", "xx", "i"}
            assert list(words(paragraph.text, heads)) == [item for item in everything if item[0][:2] in heads]


PIECES = [*"abXxyzAB019 '’\"“.-_,\n", "É", "é", "ß", "Х", "ﬁ", "İ", "K", "ſ", "\u0301", "ı"]
PIECES += ["XXXX", "VISA", "Fr", "em", "D'", "ab's", "’s "]
"""Fragments of cable text where the head filter could go wrong: apostrophes inside and after words, curly quotes,
accents, letters whose case or folding changes them, redactions glued to words, underscores."""


ODD_HEADS = ["d'", "a", "é", "xx", "i", "ab", "k", "s", "ss", "vi", "fr"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sets(st.sampled_from(ODD_HEADS)))
def test_words_with_heads_are_the_words_so_headed_on_odd_text(pieces, odd_heads):
    """The same as above on text built to probe token boundaries: every word kept with its span, none added."""
    text = "".join(pieces)
    everything = list(words(text))
    heads = {word[:2] for word, _, _ in everything[::2]} | odd_heads
    assert list(words(text, heads)) == [item for item in everything if item[0][:2] in heads]


def test_stop_words_are_the_listed_words_never_the_comment(tmp_path):
    """Every stop word is a word the list means: on a data line, before any ``#``.

    The loader used to read the file's own comment too, silently dropping
    'cable', 'still', 'short', 'names' ... from the index and from queries.
    """
    from cables.index.analysis import STOP_WORDS_FILE, load_stop_words

    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    listed = {word for line in lines if not line.lstrip().startswith("#") for word in line.split()}
    commented = {word for line in lines if line.lstrip().startswith("#") for word in line.split()}
    assert listed == STOP_WORDS
    assert not {"cable", "still", "short", "names", "words", "topic", "kept", "carry", "function", "phrases"} & STOP_WORDS
    assert commented - listed and not (commented - listed) & STOP_WORDS
    trial = tmp_path / "stop.txt"
    trial.write_text("# a comment: cable words\nthe of  # trailing comment: names\n\nand\n", encoding="utf-8")
    assert load_stop_words(trial) == {"the", "of", "and"}


def test_words_once_taken_by_the_comment_are_searchable(engine):
    """'cable' and 'still' are indexed and found (they were stop words by accident)."""
    from cables.search.engine import SearchRequest

    for word in ("cable", "still", "short"):
        assert engine.search(SearchRequest(query=word)).total > 0


def test_no_word_character_folds_to_the_stop_mark():
    """:func:`cables.index.schema.stem_count` counts stop entries by their marks: a stem must never hold one.

    A stem is made from a token's folded characters, so it is enough that no
    character a token can hold folds to a text holding ``_`` (some fold to a space).
    """
    folding = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF and TOKEN_RE.fullmatch(chr(code))]
    assert len(folding) > 100_000
    assert [char for char in folding if STOP_MARK in fold(char)] == []
    assert not any(STOP_MARK in word for word in STOP_WORDS)


def test_stem_count_counts_the_stem_entries(seed_records):
    """The BM25 length of a paragraph is its number of stem entries, whatever its stop words, gaps and odd characters.

    (A token that folds to a space splits into no entry; its stem is a space, not a gap, and is not counted.)
    """
    stem = SnowballStem()
    texts = [p.text for record in list(seed_records.values())[:200] for p in record.paragraphs]
    texts += ["", "the", "XXXXXX said the minister", "Greek \u037a and Arabic \ufe70 fold to spaces", "Shi'a of CANADA'S"]
    for text in texts:
        value = " ".join(positioned(text, stem))
        assert stem_count(value) == len(stems_of(value.split()))
