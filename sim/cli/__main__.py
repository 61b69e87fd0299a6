"""``python -m sim.cli``: the same as the ``negsim`` command."""

import sys

from sim.cli.commands import main

sys.exit(main())
