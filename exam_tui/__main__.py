"""Entry point for ``python -m exam_tui``."""

import sys

from exam_tui.cli import main

sys.exit(main())
