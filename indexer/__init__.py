"""postsearch's indexer: everything that turns a site's pages into a search index.

The flow is sources → extract (parse, strip chrome, read metadata, decide post or not)
→ store; `indexer.pipeline` is the one module that knows that order.
"""

__version__ = "0.1.0"
