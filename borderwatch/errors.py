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
