"""Exception classes of BorderWatch.

Each is a subclass of the built-in exception a caller would expect, so code
that catches ``ValueError`` or ``OSError`` keeps working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from borderwatch import config

if TYPE_CHECKING:  # the store imports these errors: no import at run time
    from borderwatch.importers.base import Rejection
    from borderwatch.store.interface import ImportReport


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
        super().__init__(f"{source}: {counted(len(self.problems), 'problem')}:\n{listing}")


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

    def __init__(self, report: ImportReport, reason: str = "strict import refused") -> None:
        self.report = report
        rejected = report.rejected
        super().__init__(f"{reason}: {counted(rejected, 'row')} rejected; nothing was stored")


class UnknownDatasetError(BorderWatchError, LookupError):
    """A dataset name that the store does not hold."""


class DatasetConflictError(BorderWatchError, ValueError):
    """An import that does not fit the dataset named: another format, or a reserved name."""


class StoreBusyError(BorderWatchError, TimeoutError):
    """The store stayed locked by another writer (usually another import) for too long."""


class StoreDamagedError(BorderWatchError, OSError):
    """The store file fails SQLite's integrity check: nothing is written to it.

    The message names the file and says what to do (restore a backup, or
    export what can still be read and start a new store).
    """


class StoreUnavailableError(BorderWatchError, OSError):
    """The store's folder is missing and cannot be made, or cannot be written.

    The message names the folder.
    """


class InvalidQueryError(BorderWatchError, ValueError):
    """A query of the store asks for something that cannot be (every problem in one message)."""


class BorderNotMeasuredError(BorderWatchError, LookupError):
    """A read asked for the measures against a border the store has not (or not fully) measured.

    The message names the border and says to call ``measure_border`` for it.
    """

    def __init__(self, border: str, reason: str) -> None:
        self.border = border
        super().__init__(
            f"the store's incidents are {reason} against the border {border}: call"
            f" IncidentStore.measure_border({border!r}, ...) first (it measures only what is missing)")


class UnknownLayerError(BorderWatchError, LookupError):
    """An infrastructure layer the store does not hold for the border named."""


class DatasetNameError(BorderWatchError, ValueError):
    """A dataset name that is empty, too long, or holds control characters."""


def quoted(value: object, limit: int = config.MESSAGE_QUOTE_CHARS) -> str:
    """Quote a value from a file for a message, cut to ``limit`` characters.

    Parameters
    ----------
    value : object
        Text from a file (a cell, a column name, a dataset name).
    limit : int
        Most characters of the value kept.

    Returns
    -------
    str
        ``repr`` of the text, with "…" and the count of characters left out
        inside the quotes when it was cut: a 300 MB cell makes a short message.
    """
    return repr(shortened(value, limit))


def shortened(value: object, limit: int = config.MESSAGE_QUOTE_CHARS) -> str:
    """A value from a file as a message shows it unquoted, cut like :func:`quoted`.

    Parameters
    ----------
    value : object
    limit : int

    Returns
    -------
    str
    """
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def capped(message: str, limit: int = config.MESSAGE_MAX_CHARS) -> str:
    """Cut a message to ``limit`` characters, saying how much was left out.

    Parameters
    ----------
    message : str
    limit : int

    Returns
    -------
    str
    """
    return shortened(message, limit)


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun, singular or plural as the count needs.

    Parameters
    ----------
    count : int
    noun : str
        Singular, e.g. "incident".
    plural : str, optional
        The plural when it is not ``noun + "s"``.

    Returns
    -------
    str
        ``"1 incident"``, ``"0 incidents"``, ``"1,234 incidents"``.
    """
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


class SettingsError(BorderWatchError, ValueError):
    """A settings file (sign-in, roles, allowed hosts) is wrong; every problem is listed."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{source}: {counted(len(self.problems), 'problem')}:\n{listing}")


class EmailAddressError(BorderWatchError, ValueError):
    """Text given as an e-mail address (to grant a role to) that is not one; every problem is named."""


class UnknownGrantError(BorderWatchError, LookupError):
    """A role grant that is not there (to revoke)."""


class PermissionDeniedError(BorderWatchError, PermissionError):
    """Someone tried what their role does not allow (checked where the action runs, not only in the page)."""


class InfrastructureDataError(DataValidationError):
    """An infrastructure file has rows that break its format, or lie too far from the border.

    Parameters
    ----------
    source : str
        The file's name.
    rejections : list of borderwatch.importers.base.Rejection
        Every refused row, by feature number, column and reason; the message
        lists them as "feature N, column C: reason".
    """

    def __init__(self, source: str, rejections: list[Rejection]) -> None:
        self.rejections = list(rejections)
        super().__init__(source, [f"feature {item.row}, column {item.column}: {item.reason}" for item in rejections])
