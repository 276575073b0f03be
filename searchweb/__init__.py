"""postsearch's search side: the search function, the web UI and the JSON API.

It reads an index written by `indexer` and imports only the index's contract from it
(the schema, its analyzers and the store's open functions), never the extraction pipeline.
"""
