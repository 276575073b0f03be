"""Module names that indexes written by postsearch 0.1 pickled, kept so those indexes open.

Whoosh pickles the schema, analyzers included, into every index's TOC and names each class
by its module. An index written by postsearch 0.1 names `indexer.analysis.SnowballStem`,
`indexer.schema.BodyText` and `indexer.schema.SpellingWords`; those modules are
`indexer.index.analysis` and `indexer.index.schema`. Registering them under the names such
an index uses lets pickle find the classes, so it is served and updated without a rebuild
(its next commit pickles the current names). Nothing imports those names otherwise.
"""

from __future__ import annotations

import sys

from indexer.index import analysis, schema

PICKLED_NAMES = {"indexer.analysis": analysis, "indexer.schema": schema}


def register_pickled_names() -> None:
    """Make the module names older indexes pickled resolve to the modules of today."""
    for name, module in PICKLED_NAMES.items():
        sys.modules.setdefault(name, module)
