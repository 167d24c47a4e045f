"""Casualty counts written as text, read into low / best / high integers.

Sources write counts as "12", "3-5", "~42-50", "60+", "10 (+attackers)" or
"several". :func:`parse_count` reads the regular forms and declines the rest
(returns ``None``), so that an importer can send irregular records to a
reviewed override instead of guessing. Pure functions, no I/O.

Conventions (documented for users in ``docs/schema.md``):

* ``low`` and ``high`` bound what the text reports; ``best`` is the figure
  shown. For a single number all three are equal.
* For a range "a-b", ``best`` is the midpoint rounded down
  (:func:`range_best`): it never overstates the middle of what was reported.
* An open-ended figure ("60+", "at least 60", "10 (+attackers)") has no
  reported upper bound: ``high`` is ``None``.
* "~" (about) does not widen the range; the caller keeps the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class CountRange:
    """A reported count: bounds and the figure shown.

    Attributes
    ----------
    low : int
        Smallest count reported.
    best : int
        Figure shown; ``low <= best``.
    high : int or None
        Largest count reported, ``None`` when the text gives only a lower
        bound.
    """

    low: int
    best: int
    high: int | None

    def __post_init__(self) -> None:
        if self.low < 0 or not self.low <= self.best:
            raise ValueError(f"need 0 <= low <= best, got {self}")
        if self.high is not None and self.best > self.high:
            raise ValueError(f"need best <= high, got {self}")

    @classmethod
    def exact(cls, value: int) -> CountRange:
        """Return the range of a single, exactly reported number.

        Parameters
        ----------
        value : int
            The count, >= 0.

        Returns
        -------
        CountRange
            ``low == best == high == value``.
        """
        return cls(value, value, value)


# A whole number, with optional thousands commas ("1,200").
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"

# Leading words that make a figure a lower bound only.
_AT_LEAST = r"at\s+least|more\s+than|over|>=|≥|>"

# Leading words that mark a figure as approximate (kept only in the text).
_ABOUT = r"~|about|around|approx\.?|approximately|some|c\.|ca\.?"

_COUNT_PATTERN: Final[re.Pattern[str]] = re.compile(
    rf"""
    ^\s*
    (?:(?P<at_least>{_AT_LEAST})\s*)?
    (?:(?P<about>{_ABOUT})\s*)?
    (?P<low>{_NUMBER})
    (?:\s*[-–]\s*~?\s*(?P<high>{_NUMBER}))?
    \s*(?P<plus>\+)?
    (?P<rest>.*)$
    """,
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)

# A bracketed aside: a qualifier ("(incl. 4 civilians)"), not a further count.
_PARENTHETICAL: Final[re.Pattern[str]] = re.compile(r"\([^()]*\)")

# "(+attackers)": the figure leaves out some deaths, so it is a lower bound.
_PLUS_ASIDE: Final[re.Pattern[str]] = re.compile(r"^\s*\(\s*\+")


def range_best(low: int, high: int) -> int:
    """Return the figure shown for a reported range: its midpoint, rounded down.

    Parameters
    ----------
    low, high : int
        Bounds of the range, ``low <= high``.

    Returns
    -------
    int
        ``(low + high) // 2``.

    Examples
    --------
    >>> range_best(3, 5), range_best(5, 6), range_best(42, 50)
    (4, 5, 46)
    """
    return (low + high) // 2


def _to_int(number: str) -> int:
    return int(number.replace(",", ""))


def _rest_is_qualifier(rest: str) -> bool:
    """Tell whether text after the figure only qualifies it.

    Words ("soldiers", "Libyan (leg)") and bracketed asides qualify it; any
    digit or ';' outside brackets means a second figure ("2 police + 1
    militant", "36 on 7 Mar; 42 by 9 Mar"), which is not a regular form.
    """
    outside = _PARENTHETICAL.sub("", rest)
    return not re.search(r"[\d;+]", outside) and "(" not in outside and ")" not in outside


def parse_count(text: str | None) -> CountRange | None:
    """Read a count written as text, if it has a regular form.

    Regular forms: ``"12"``, ``"3-5"`` (hyphen or en dash), ``"~42-50"``,
    ``"60+"``, ``"43-49+"``, ``"at least 7"``, each optionally followed by
    words or a bracketed aside that qualify it (``"8-12 soldiers"``,
    ``"16-24 (incl. 4 civilians)"``). An aside starting with "+"
    (``"10 (+attackers)"``) makes the figure a lower bound.

    Parameters
    ----------
    text : str or None
        The count as a source words it.

    Returns
    -------
    CountRange or None
        ``None`` when the text gives no figure ("", "several", "unknown") or
        is not a regular form (several figures, a reversed range): such
        records need a reviewed value, not a guess.

    Examples
    --------
    >>> parse_count("3-5 (attackers)")
    CountRange(low=3, best=4, high=5)
    >>> parse_count("60+ (mostly police recruits)")
    CountRange(low=60, best=60, high=None)
    >>> parse_count("several") is None
    True
    """
    if not text:
        return None
    match = _COUNT_PATTERN.match(text)
    if match is None or not _rest_is_qualifier(match["rest"]):
        return None
    low = _to_int(match["low"])
    high = _to_int(match["high"]) if match["high"] else low
    if high < low:
        return None
    open_ended = bool(match["at_least"] or match["plus"] or _PLUS_ASIDE.match(match["rest"]))
    return CountRange(low, range_best(low, high), None if open_ended else high)


