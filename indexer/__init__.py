"""postsearch's indexer: everything that turns a site's pages into a search index.

The flow is sources → extract (parse, strip chrome, read metadata, decide post or not)
→ index, and `indexer.pipeline.run` is the one module that knows that order:

- `indexer.sources`: where pages come from (a crawl, a folder, a WordPress export) and
  what changed since the last run;
- `indexer.extract`: one page → a Post, or the reason it is not one;
- `indexer.index`: the schema, the files of the index and the PostStore that writes them;
- `indexer.pipeline`: a run over the sources, and one page at a time for the webhook.

Other packages call `indexer.api`, and read an index through `indexer.index`.
"""

__version__ = "0.2.0"
