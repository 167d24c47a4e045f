"""Exception classes of BorderWatch.

Each is a subclass of the built-in exception a caller would expect, so code
that catches ``ValueError`` or ``OSError`` keeps working.
"""

from __future__ import annotations


class BorderWatchError(Exception):
    """Base class of every error BorderWatch raises on purpose."""


class ReferenceDataError(BorderWatchError, ValueError):
    """A bundled reference file is missing, unreadable or breaks its schema."""


class DataValidationError(BorderWatchError, ValueError):
    """A table breaks the incident schema.

    Carries every problem found, so the user sees them all at once.

    Parameters
    ----------
    source : str
        File or table the problems were found in.
    problems : list of str
        One line per problem, each naming the row and column.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s):\n{listing}")


class OfflineAssetError(BorderWatchError, OSError):
    """A browser asset the map needs is not installed."""


class BarrierGeometryError(ReferenceDataError):
    """The inputs do not allow a barrier alignment to be derived from the border."""


class FileRejectedError(BorderWatchError, ValueError):
    """A whole file is refused: not what it claims, unreadable, or missing columns.

    The message says what is wrong with the file, in one sentence a user can act on.
    """


class StrictImportError(BorderWatchError, ValueError):
    """An import met rejected rows (strict mode) or accepted none, so nothing was stored.

    Parameters
    ----------
    report : borderwatch.store.ImportReport
        The full validation report of the file (every rejection), for the user.
    """

    def __init__(self, report: object, reason: str = "strict import refused") -> None:
        self.report = report
        rejected = getattr(report, "rejected", 0)
        super().__init__(f"{reason}: {rejected:,} row(s) rejected; nothing was stored")


class UnknownDatasetError(BorderWatchError, LookupError):
    """A dataset name that the store does not hold."""


class DatasetConflictError(BorderWatchError, ValueError):
    """An import that does not fit the dataset named: another format, or a reserved name."""


class StoreBusyError(BorderWatchError, TimeoutError):
    """The store stayed locked by another writer (usually another import) for too long."""
