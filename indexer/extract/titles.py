"""A post's title as plain text, whatever markup it was read from, and a title for a post
that has none.

Every reader of a title that comes as markup passes it through `clean_title`: `og:title`
and the JSON-LD headline, the `<title>` tag, and a WordPress export's `<title>`. WordPress
keeps `Title <em>With</em> Markup` as the title and exports it so, and writes it escaped
into `<title>` (`&lt;em&gt;`); an og:title or a headline holds the same tags, sometimes
escaped once more. A result's title is text, so the tags go and the entities are decoded.
The page's own heading (and a `title_selector`) is already text, as its readers see it: a
heading that shows `<script>` is a post about it, and keeps it.

What only looks like a tag stays: "Why I stopped using <div>" is the title of a post about
HTML, "1<2" a comparison. A tag is taken as markup when it has attributes, is a line break,
or its name is both opened and closed in the title (`<em>…</em>`).
"""

from __future__ import annotations

import html
import re

# Tags and comments; group 1 is "/" for a closing tag, group 2 the name, group 3 the rest.
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?/?>", re.DOTALL)
_LINE_BREAKS = frozenset({"br", "wbr", "hr"})  # markup wherever they stand
_BLOCKS = frozenset({"br", "hr", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"})
_ENTITY_OR_TAG = re.compile(r"[<&]")
# Markup escaped once more (a headline's `&lt;em&gt;`) needs a second pass; no more.
ROUNDS = 2

# A title made from a post's first words: this many words, at most this many characters.
WORDS_IN_MADE_TITLE = 10
MADE_TITLE_CHARS = 60
ELLIPSIS = "…"


def clean_title(text: str) -> str:
    """`text` without markup, its entities decoded and its whitespace collapsed."""
    for _ in range(ROUNDS):
        if not _ENTITY_OR_TAG.search(text):
            break
        text = html.unescape(_strip_tags(text))
    return " ".join(text.split())


def _strip_tags(text: str) -> str:
    opened = {m.group(2).lower() for m in _TAG.finditer(text) if m.group(2) and not m.group(1)}
    closed = {m.group(2).lower() for m in _TAG.finditer(text) if m.group(2) and m.group(1)}
    paired = opened & closed

    def replace(match: re.Match[str]) -> str:
        name = (match.group(2) or "").lower()
        if not name:  # a comment
            return ""
        if name in _LINE_BREAKS or name in paired or (match.group(3) or "").strip():
            return " " if name in _BLOCKS else ""
        return match.group(0)

    return _TAG.sub(replace, text)


def title_from_words(text: str) -> str:
    """A title for a post that has none: its first words, cut on a word boundary, with an
    ellipsis when something was left out ("" for a post without text)."""
    words = text.split()
    chosen: list[str] = []
    for word in words[:WORDS_IN_MADE_TITLE]:
        if len(" ".join([*chosen, word])) > MADE_TITLE_CHARS:
            break
        chosen.append(word)
    if len(chosen) == len(words):
        return " ".join(chosen)
    if not chosen:  # one word longer than a title may be
        return words[0][:MADE_TITLE_CHARS] + ELLIPSIS
    return " ".join(chosen).rstrip(",;:–—-") + ELLIPSIS
