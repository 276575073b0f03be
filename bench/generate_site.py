"""Generate a large, realistic blog site for the speed benchmark, from the shared real corpora.

The speed figures at 100k posts are only worth something if the pages look like the real thing
to the indexer: the same theme chrome to strip, the same metadata markup, a vocabulary with a
real (Zipfian) distribution and real post lengths. So nothing here is invented: the paragraphs,
titles, dates, bylines, categories and tags come from the real posts in
`../shared/corpora/*/posts` and are recombined into new posts, which are poured into the real
page template of one sowrey post (WordPress Twenty Sixteen), whose content, title, date,
byline and taxonomy are swapped. Each post's body length is drawn from the real distribution of
body lengths, then filled with random real paragraphs (blocks) until it is that long.

The pool of real material is read with lxml and XPath, not with the product's extractor, so the
generator does not depend on the code it is used to measure; it is cached in /tmp.

Deterministic for a given seed and corpora. Usage:

    python bench/generate_site.py 10000 /tmp/site-10k [--seed 7] [--corpora ../shared/corpora]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import pickle
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
DEFAULT_CORPORA = HERE.parent.parent / "shared" / "corpora"
TEMPLATE_PAGE = "sowrey/posts/2005/06/the-dim-sum-curse-lifted/index.html"
TEMPLATE_URL_PATH = "2005/06/the-dim-sum-curse-lifted"
TEMPLATE_TITLE = "The dim sum curse lifted"
TEMPLATE_PID = "577"
SITE_URL = "https://generated.postsearch.test/"
CACHE_DIR = Path("/tmp/postsearch-bench")
SKIP_TAGS = {"script", "style", "iframe", "noscript", "form"}


@dataclass
class Pool:
    """The real material that generated posts are recombined from."""

    blocks: list[str] = field(default_factory=list)  # HTML of body blocks (p, ul, pre, ...)
    block_chars: list[int] = field(default_factory=list)  # visible text length of each block
    body_chars: list[int] = field(default_factory=list)  # text length of each real post body
    titles: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    taxonomies: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (cats, tags)


class GeneratorError(Exception):
    """The corpora are missing or do not have the shape the generator expects."""


def _texts(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


def _first(tree: lxml.html.HtmlElement, xpath: str) -> str:
    found = [text for text in _texts(tree, xpath) if text]
    return found[0] if found else ""


def _url_date(path: Path) -> date | None:
    match = re.search(r"/(\d{4})/(\d{2})/(?:(\d{2})/)?", path.as_posix())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _body_nodes(site: str, tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The block children of the post body, with the selectors of corpora/README.md."""
    if site == "wasp":
        main = tree.xpath("//div[@id='content-main']")
        if not main:
            return []
        children = list(main[0])
        summary = [i for i, c in enumerate(children) if c.get("id") == "content-summary"]
        return children[summary[0] + 1 :] if summary else children
    bodies = tree.xpath(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]"
        " | (//section/article[contains(@class, 'post')])[1]"
    )
    return list(bodies[0]) if bodies else []


def _read_post(site: str, path: Path, pool: Pool) -> None:
    tree = lxml.html.fromstring(path.read_bytes())
    nodes = [
        n for n in _body_nodes(site, tree) if isinstance(n.tag, str) and n.tag not in SKIP_TAGS
    ]
    body_chars = 0
    for node in nodes:
        chars = len(" ".join(node.text_content().split()))
        if chars < 2 and node.tag != "img":
            continue
        pool.blocks.append(lxml.html.tostring(node, encoding="unicode", with_tail=False))
        pool.block_chars.append(chars)
        body_chars += chars
    if body_chars:
        pool.body_chars.append(body_chars)
    title = _first(
        tree,
        "//h1[contains(@class, 'entry-title')] | //h2[contains(@class, 'entry-title')]"
        " | //header[@id='page']/h1 | //div[@id='content-summary']/h2",
    )
    if title:
        pool.titles.append(title)
    when = _url_date(path)
    if when:
        pool.dates.append(when)
    author = _first(tree, "//*[contains(@class, 'vcard')]//a | //header[@id='page']/h3")
    author = re.sub(r"^By\s+", "", author).split(",")[0].strip()
    if author:
        pool.authors.append(author)
    cats = _texts(
        tree, "//span[@class='cat-links']/a | //a[contains(@rel, 'category') and not(@rel='tag')]"
    )
    cats += _texts(tree, "//p[contains(@class, 'meta-categories')]/a")
    tags = _texts(tree, "//span[@class='tags-links']/a | //footer//a[contains(@class, 'category')]")
    pool.taxonomies.append((sorted(set(filter(None, cats))), sorted(set(filter(None, tags)))))


def _corpus_key(corpora: Path) -> str:
    stamp = "|".join(f"{p}:{p.stat().st_mtime_ns}" for p in sorted(corpora.glob("*/files.json")))
    return hashlib.sha1(stamp.encode()).hexdigest()[:12]


def load_pool(corpora: Path = DEFAULT_CORPORA) -> Pool:
    """Read (or load from the /tmp cache) every real post of the corpora into a Pool."""
    sites = [p.parent.name for p in sorted(corpora.glob("*/posts"))]
    if not sites:
        raise GeneratorError(f"no corpora with a posts/ folder under {corpora}")
    cache = CACHE_DIR / f"pool-{_corpus_key(corpora)}.pickle"
    if cache.exists():
        return Pool(**pickle.loads(cache.read_bytes()))
    pool = Pool()
    for site in sites:
        for path in sorted((corpora / site / "posts").rglob("*.html")):
            _read_post(site, path, pool)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(vars(pool)))  # plain dict: loadable from any module
    return pool


class PageTemplate:
    """The real sowrey page with its post-specific parts replaced by named slots."""

    SLOT = re.compile(r"@@(\w+)@@")

    def __init__(self, corpora: Path = DEFAULT_CORPORA) -> None:
        page = (corpora / TEMPLATE_PAGE).read_text(encoding="utf-8")
        page = re.sub(
            r'(<div class="entry-content">).*?(</div><!-- \.entry-content -->)',
            r"\1@@BODY@@\2",
            page,
            count=1,
            flags=re.S,
        )
        page = re.sub(
            r'<footer class="entry-footer">.*?</footer>', "@@FOOTER@@", page, count=1, flags=re.S
        )
        page = re.sub(
            r'(<article id="post-\d+" class="[^"]*?hentry)[^"]*"', r'\1 @@ARTCLASS@@"', page
        )
        page = page.replace(TEMPLATE_URL_PATH, "@@PATH@@")
        page = page.replace(TEMPLATE_URL_PATH.replace("/", "%2F"), "@@QPATH@@")
        page = page.replace("https://geoff.sowrey.org/@@PATH@@", f"{SITE_URL}@@PATH@@")
        page = page.replace(TEMPLATE_TITLE, "@@TITLE@@")
        page = re.sub(rf"(?<=[-=/]){TEMPLATE_PID}\b", "@@PID@@", page)
        for slot in ("BODY", "FOOTER", "ARTCLASS", "PATH", "TITLE", "PID"):
            if f"@@{slot}@@" not in page:
                raise GeneratorError(f"template {TEMPLATE_PAGE} has no place for {slot}")
        self.parts = self.SLOT.split(page)  # even: literal text, odd: slot names

    def render(self, values: dict[str, str]) -> str:
        parts = self.parts
        return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(parts))


def _links(kind: str, names: list[str]) -> str:
    rel = "category tag" if kind == "category" else "tag"
    return ", ".join(
        f'<a href="{SITE_URL}{kind}/{_slug(n)}/" rel="{rel}">{html.escape(n)}</a>' for n in names
    )


def _footer(author: str, when: date, url: str, cats: list[str], tags: list[str]) -> str:
    """The Twenty Sixteen entry footer: byline, date, categories, tags (as the real page)."""
    parts = [
        '<footer class="entry-footer">\n\t\t<span class="byline"><span class="author vcard">'
        '<span class="screen-reader-text">Author </span> '
        f'<a class="url fn n" href="{SITE_URL}author/{_slug(author)}/">{html.escape(author)}</a>'
        '</span></span><span class="posted-on"><span class="screen-reader-text">Posted on </span>'
        f'<a href="{url}" rel="bookmark"><time class="entry-date published updated" '
        f'datetime="{when.isoformat()}T12:00:00-05:00">{when.day} {when:%B %Y}</time></a></span>'
    ]
    if cats:
        parts.append(
            '<span class="cat-links"><span class="screen-reader-text">Categories </span>'
            f"{_links('category', cats)}</span>"
        )
    if tags:
        parts.append(
            '<span class="tags-links"><span class="screen-reader-text">Tags </span>'
            f"{_links('tag', tags)}</span>"
        )
    parts.append("\t\t\t</footer><!-- .entry-footer -->")
    return "".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "post"


@dataclass(frozen=True)
class GeneratedPost:
    """One generated post: where it goes and its HTML."""

    path: str  # relative to the site folder, e.g. 2009/04/some-title-123/index.html
    url: str
    html: str


class SiteGenerator:
    """Recombines a Pool into posts; post `i` depends only on (seed, i)."""

    def __init__(self, pool: Pool, template: PageTemplate, seed: int = 7) -> None:
        self.pool = pool
        self.template = template
        self.seed = seed

    def post(self, i: int, variant: int = 0) -> GeneratedPost:
        """Post number `i`; another `variant` gives the same post (URL) with other content."""
        rng = random.Random(f"{self.seed}:{i}:{variant}")
        url_rng = random.Random(f"{self.seed}:{i}")
        pool = self.pool
        title = self._title(url_rng)
        when = url_rng.choice(pool.dates) + timedelta(days=url_rng.randint(-120, 120))
        path = f"{when:%Y/%m}/{_slug(title)}-{i}"
        url = f"{SITE_URL}{path}/"
        cats, tags = rng.choice(pool.taxonomies)
        classes = [f"category-{_slug(c)}" for c in cats] + [f"tag-{_slug(t)}" for t in tags]
        values = {
            "TITLE": html.escape(title if variant == 0 else f"{title} (updated)"),
            "PATH": path,
            "QPATH": path.replace("/", "%2F"),
            "PID": str(100000 + i),
            "ARTCLASS": " ".join(classes),
            "BODY": "\n" + self._body(rng) + "\n\t",
            "FOOTER": _footer(rng.choice(pool.authors), when, url, cats, tags),
        }
        return GeneratedPost(path=f"{path}/index.html", url=url, html=self.template.render(values))

    def _title(self, rng: random.Random) -> str:
        # Half the titles are real; the others join the start of one real title to the end of
        # another, so titles vary without drifting from real title words and lengths.
        first = rng.choice(self.pool.titles)
        if rng.random() < 0.5:
            return first
        a, b = first.split(), rng.choice(self.pool.titles).split()
        return " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :]) or first

    def _body(self, rng: random.Random) -> str:
        pool = self.pool
        target = rng.choice(pool.body_chars)
        blocks, chars = [], 0
        while chars < target or not blocks:
            k = rng.randrange(len(pool.blocks))
            blocks.append(pool.blocks[k])
            chars += pool.block_chars[k]
        return "\n".join(blocks)

    def write(self, out: Path, i: int, variant: int = 0) -> GeneratedPost:
        post = self.post(i, variant)
        target = out / post.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(post.html, encoding="utf-8")
        return post


def generate(n: int, out: Path, seed: int = 7, corpora: Path = DEFAULT_CORPORA) -> SiteGenerator:
    """Write posts 0..n-1 into `out` (which should be empty or absent)."""
    generator = SiteGenerator(load_pool(corpora), PageTemplate(corpora), seed)
    for i in range(n):
        generator.write(out, i)
    return generator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of posts")
    parser.add_argument("out", type=Path, help="site folder to write")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty; give a new folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        generate(args.n, args.out, args.seed, args.corpora)
    except GeneratorError as error:
        print(f"generate_site: {error}", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    print(f"wrote {args.n} posts to {args.out} in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
