"""Checks and conversions the border analyses share."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from borderwatch.errors import DataValidationError

#: Calendar periods incidents can be counted in, and their pandas frequencies
#: (weeks run Monday to Sunday).
PERIOD_FREQUENCIES: Final[dict[str, str]] = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC", "year": "Y-DEC"}

METRES_PER_KM = 1_000.0

# A division that should give a whole number can miss it by an ulp (0.3 / 0.1);
# pieces and bins are counted after rounding to this many decimals.
_COUNT_DECIMALS = 9


def require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str = "incidents") -> None:
    problems = [f"column {column!r}: missing" for column in columns if column not in frame.columns]
    if problems:
        raise DataValidationError(source, problems)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_positive(value: float, name: str) -> None:
    if not (_is_number(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def check_non_negative(value: float, name: str) -> None:
    if not (_is_number(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def check_count(value: int, name: str, smallest: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < smallest:
        raise ValueError(f"{name} must be a whole number >= {smallest}, got {value!r}")


def period_frequency(period: str) -> str:
    if period not in PERIOD_FREQUENCIES:
        raise ValueError(f"period must be one of {', '.join(map(repr, PERIOD_FREQUENCIES))}; got {period!r}")
    return PERIOD_FREQUENCIES[period]


def period_name(dtype: object) -> str:
    for name, code in PERIOD_FREQUENCIES.items():
        if dtype == pd.PeriodDtype(code):
            return name
    return "period"


def calendar_days(values: pd.Series) -> pd.Series:
    # Dates may be datetime.date objects or timestamps; the day is what counts.
    return pd.to_datetime(values).dt.normalize()


def day_numbers(values: pd.Series) -> np.ndarray:
    return calendar_days(values).to_numpy("datetime64[D]").astype(np.int64)


def death_counts(values: pd.Series) -> np.ndarray:
    # deaths_best is float with NaN, or nullable Int64 with NA: both become float NaN.
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def piece_count(total: float, width: float) -> int:
    return max(1, math.ceil(round(total / width, _COUNT_DECIMALS)))


def floor_index(values: np.ndarray, width: float) -> np.ndarray:
    """Index ``k`` with ``k * width <= value < (k + 1) * width``, exact at the edges."""
    index = np.floor(values / width).astype(np.int64)
    # value / width can round across a whole number; compare with the edges as
    # border_segments computes them (k * width) instead.
    index -= values < index * width
    index += values >= (index + 1) * width
    return index


def km_text(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def position_problems(incidents: pd.DataFrame, rows: pd.Series) -> list[str]:
    positions = pd.to_numeric(incidents.loc[rows, "border_position_km"], errors="coerce")
    bad = positions[~(np.isfinite(positions.to_numpy(float)) & (positions.to_numpy(float) >= 0))]
    return [f"row {label!r}, column 'border_position_km': missing or negative" for label in bad.index]


def corridor_rows(incidents: pd.DataFrame, corridor_km: float) -> pd.Series:
    distances = pd.to_numeric(incidents["distance_border_km"], errors="coerce")
    return (distances <= corridor_km).fillna(False).astype(bool)

