""" "Did you mean" and the typo fallback, both from the index's own vocabulary.

The index keeps the words of each body field before stemming, with how many posts hold
each (the spelling vocabularies `spell_body`, `spell_body_es`, ...: see
searchweb.query.vocabulary). A typed word that is rare or absent there is compared with
the words that are there, within an edit distance that grows with the word's length (a 4-letter word
tolerates one typo, an 8-letter word two), and the most frequent close word wins.
"""

from __future__ import annotations

from html import escape

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.reading import IndexReader

from indexer.index import body_field
from searchweb.query.vocabulary import (
    SPELLING_PREFIX,
    Vocabulary,
    frequency,
    has_vocabulary,
    segment_vocabulary,
    spelling_name,
)
from searchweb.records import Suggestion

# A word found in fewer posts than this may be a typo worth correcting.
RARE_WORD_DOCS = 2
# A correction must be this many times more frequent than the typed word.
CORRECTION_GAIN = 3
FUZZY_ALTERNATIVES = 4


def max_edits(word: str) -> int:
    """Edit distance tolerated for a word of this length: 0 up to 3 letters, then 1, then 2."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 7 else 2


def spelling_fields(reader: IndexReader, languages: tuple[str, ...]) -> list[str]:
    """The spelling vocabularies present in this index, for its languages."""
    names = [spelling_name(body_field(lang)) for lang in languages or ("en",)]
    return [name for name in names if has_vocabulary(reader, name)]


def close_words(reader: IndexReader, fields: list[str], word: str) -> list[tuple[int, str]]:
    """Words of the index within `max_edits(word)` of `word`: (posts containing it, word),
    the closest first."""
    distance = max_edits(word)
    if not distance:
        return []
    # Whoosh's `IndexReader.terms_within(..., prefix=1)`: the same first letter, then at
    # most `distance` edits, a swap of two letters counting as one ("tmie" → "time"), over
    # each segment's word list held in memory, compared in C++ by rapidfuzz. Whoosh's own
    # ran 5-30 ms a word at 30k posts, and on a one-segment index used an automaton that
    # counts a swap as two edits.
    found: dict[str, int] = {}
    for name in fields:
        close: set[str] = set()
        for segment_reader, _ in reader.leaf_readers():
            close.update(_within(segment_vocabulary(segment_reader, name), word, distance))
        for candidate in close - {word}:
            found[candidate] = found.get(candidate, 0) + frequency(reader, name, candidate)
    # Fewest edits first ("starterr" is "starter", not the commoner "started"), then the
    # most widespread, then alphabetically.
    ranked = sorted(found.items(), key=lambda p: (OSA.distance(word, p[0]), -p[1], p[0]))
    return [(count, candidate) for candidate, count in ranked]


def _within(words: Vocabulary, word: str, distance: int) -> list[str]:
    """Words sharing `word`'s first letter whose rest is within `distance` edits of its rest."""
    start, end = words.span(word[0])
    if start == end:
        return []
    matches = process.extract(
        word[1:],
        words.rests[start:end],
        scorer=OSA.distance,
        score_cutoff=distance,
        limit=None,
    )
    return [words.words[start + index] for _, _, index in matches]


def word_frequency(reader: IndexReader, fields: list[str], word: str) -> int:
    return sum(frequency(reader, name, word) for name in fields)


def correct_word(
    reader: IndexReader, fields: list[str], word: str, only_unknown: bool = False
) -> str | None:
    """The best correction of a rare word, or None when the word is fine or nothing is close.

    `only_unknown` limits corrections to words the index does not hold at all.
    """
    typed = word.lower()
    if _is_stop_word(reader, fields, typed):
        return None  # a real word the index leaves out on purpose ("being"), not a typo
    own = word_frequency(reader, fields, typed)
    rare = own == 0 if only_unknown else own < RARE_WORD_DOCS
    if not rare or not typed.isalpha():
        return None
    candidates = close_words(reader, fields, typed)
    if not candidates:
        return None
    count, best = candidates[0]
    # An unknown word takes any close word; a rare one only a much more frequent word.
    return best if own == 0 or count >= own * CORRECTION_GAIN else None


def _is_stop_word(reader: IndexReader, fields: list[str], word: str) -> bool:
    """Whether a body field's analyzer drops `word` as a stop word of its language."""
    bodies = [name.removeprefix(SPELLING_PREFIX) for name in fields]
    analyzers = [reader.schema[name].analyzer for name in bodies if name in reader.schema]
    return any(not any(True for _ in analyzer(word, mode="query")) for analyzer in analyzers)


def suggest_query(
    text: str,
    words: list[str],
    reader: IndexReader,
    languages: tuple[str, ...],
    only_unknown: bool = False,
) -> Suggestion | None:
    """The visitor's text with rare words (of `words`) replaced by close frequent ones."""
    fields = spelling_fields(reader, languages)
    if not fields:
        return None
    corrections = {}
    for word in words:
        better = correct_word(reader, fields, word, only_unknown)
        if better:
            corrections[word] = better
    if not corrections:
        return None
    return rewrite_query(text, corrections)


def rewrite_query(text: str, corrections: dict[str, str]) -> Suggestion:
    """Replace whole typed words, keeping everything else the visitor wrote."""
    plain, marked = [], []
    for piece in text.split(" "):
        better = corrections.get(piece)
        plain.append(better or piece)
        marked.append(f"<mark>{escape(better)}</mark>" if better else escape(piece))
    return Suggestion(text=" ".join(plain), html=" ".join(marked))


def fuzzy_alternatives(reader: IndexReader, languages: tuple[str, ...], word: str) -> list[str]:
    """Close spellings of `word` that the index holds, most frequent first (typo fallback)."""
    fields = spelling_fields(reader, languages)
    return [w for _, w in close_words(reader, fields, word.lower())[:FUZZY_ALTERNATIVES]]
