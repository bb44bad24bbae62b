"""Where the shared corpus lives, for the benchmarks and the bench scripts.

One setting names it: ``$CABLES_CORPUS``, the folder that holds ``cables/``
and ``seed/`` (default: ``shared/corpus`` beside the repository checkout).
The tests read the same variable (``tests/conftest.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VARIABLE = "CABLES_CORPUS"
REPO = Path(__file__).resolve().parent.parent


def shared_corpus() -> Path:
    """The shared corpus folder ($CABLES_CORPUS, else ../shared/corpus from the repo)."""
    return Path(os.environ.get(ENV_VARIABLE) or REPO.parent / "shared" / "corpus")
