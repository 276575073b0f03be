"""`python -m searchweb.cli`: the same command as `postsearch`."""

import sys

from searchweb.cli.main import main

sys.exit(main())
