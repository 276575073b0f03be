"""Which encoding a page's bytes are in: the decoder's candidates, in order.

Beautiful Soup's detector reads a byte-order mark and a declared charset; this adds the
one case it reads as binary, UTF-16 saved without a byte-order mark, and leaves out the
statistical guess (see `encodings_to_try`).
"""

from __future__ import annotations

from bs4.dammit import EncodingDetector

# How much of a page's start tells UTF-16 without a byte-order mark from other bytes.
UTF16_SNIFF_BYTES = 256


def encodings_to_try(content: bytes) -> tuple[bytes, list[str]]:
    """The page's bytes (less a byte-order mark) and the encodings to try, in order: the
    byte-order mark's, the declared charset, UTF-8, Windows-1252. Beautiful Soup would
    also ask a statistical detector when one is installed (charset-normalizer comes with
    other libraries), which reads a short UTF-8 page with soft hyphens as Shift-JIS: left
    out, a page reads the same whatever else is installed."""
    detector = EncodingDetector(content, is_html=True)
    markup = detector.markup
    declared = EncodingDetector.find_declared_encoding(markup, is_html=True)
    found = (detector.sniffed_encoding, declared, "utf-8", "windows-1252")
    return markup, list(dict.fromkeys(e.lower() for e in found if e))


def utf16_with_bom(content: bytes) -> bytes:
    """UTF-16 markup saved without a byte-order mark, given the mark it lacks, so that the
    decoder reads it; any other content as it is. Markup starts with ASCII (`<`, spaces,
    letters), which UTF-16 writes as one zero byte beside each character byte: zeros in
    (nearly) every odd place and (almost) none in the even ones is little-endian, the
    reverse big-endian. "Nearly": a non-ASCII letter in the first lines fills a zero."""
    head = content[:UTF16_SNIFF_BYTES]
    if len(head) < 8 or content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content
    even, odd = head[0::2], head[1::2]
    if _zeros_over(odd, 0.9) and not _zeros_over(even, 0.02):
        return b"\xff\xfe" + content
    if _zeros_over(even, 0.9) and not _zeros_over(odd, 0.02):
        return b"\xfe\xff" + content
    return content


def _zeros_over(data: bytes, share: float) -> bool:
    """Whether more than `share` of `data` is zero bytes."""
    return data.count(0) > share * len(data)
