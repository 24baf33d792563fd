"""The one exception module: every error the package raises on purpose is a ``WorkbenchError``.

Messages are one line, name the file or field, and say what to do, because analysts
read them in a notebook cell or a terminal, not in a traceback.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """Base class: catch this to catch everything the workbench raises deliberately."""


class ReportError(WorkbenchError):
    """A report file (or one record inside it) could not be read.

    Examples
    --------
    >>> str(ReportError("seeds/x.bin", "binary file, not text"))
    'seeds/x.bin: binary file, not text'
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelError(WorkbenchError):
    """The spaCy model named by configuration is not installed or cannot load."""


class StoreError(WorkbenchError):
    """The store file is missing, locked, corrupt, or from an unknown schema version."""


class CorrectionError(WorkbenchError):
    """A correction refers to something that does not exist or is malformed."""
