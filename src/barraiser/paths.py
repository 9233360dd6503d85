"""Where Bar Raiser keeps user data: one function decides, tests redirect it.

`BARRAISER_HOME` overrides the platform's user data directory (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path


def user_dir() -> Path:
    env = os.environ.get("BARRAISER_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("barraiser", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_packs_dir() -> Path:
    """User content packs: each sub-folder is a pack laid out like the shipped one."""
    return Path(os.environ.get("BARRAISER_PACKS", user_dir() / "packs")).expanduser()
