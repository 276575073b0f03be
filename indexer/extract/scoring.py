"""The element of a page that holds the most of its content for the least of its chrome.

The fallback of container finding, for pages whose theme names its content with no class
the rules know: modular pages (a recipe's ingredients, steps and notes in sibling blocks,
a service page's sections, a forum post), and articles whose text is not in `<p>`s.

Every element's text is split, in one walk from the leaves up, into content (text outside
links and outside chrome) and noise (link text, and all the text of menus, footers, forms,
chrome-named blocks). The element whose content minus its noise is largest is the one: a
parent that adds more content than chrome wins over its child, a page-wide wrapper whose
menus outweigh what it adds loses to the article inside it.
"""

from __future__ import annotations

from lxml import etree

from indexer.extract.parse import Element
from indexer.extract.strip import chrome_concept

# What may be chosen: blocks, and the table cells old layouts put posts in.
CANDIDATE_TAGS = frozenset(
    "div section article main td body table tbody tr center font form".split()
)
# Whose text is all noise, wherever they stand.
NOISE_TAGS = frozenset("a nav aside footer header form select button figcaption noscript".split())


def best_scoring(root: Element, page_size: int, in_chrome) -> Element | None:
    """The candidate with the most content net of noise that is not itself chrome."""
    content: dict[Element, int] = {}
    noise: dict[Element, int] = {}
    scored: list[tuple[int, Element]] = []
    for _, element in etree.iterwalk(root, events=("end",), tag=etree.Element):
        own, inner, noisy = len(element.text or ""), 0, 0
        for child in element:
            if isinstance(child.tag, str):
                inner += content.pop(child, 0)
                noisy += noise.pop(child, 0)
            own += len(child.tail or "")
        if element.tag in NOISE_TAGS or chrome_concept(element):
            inner, noisy = 0, noisy + inner + own
        else:
            inner += own
        content[element], noise[element] = inner, noisy
        if element.tag in CANDIDATE_TAGS and inner > noisy:
            scored.append((inner - noisy, element))
    scored.sort(key=lambda pair: -pair[0])
    return next((element for _, element in scored if not in_chrome(element, page_size)), None)
