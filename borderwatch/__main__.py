"""``python -m borderwatch``: the command line (see :mod:`borderwatch.cli`)."""

import sys

from borderwatch.cli import main

sys.exit(main())
