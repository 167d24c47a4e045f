"""The Border analytics page's tables as a person reads them.

Each function takes what :mod:`borderwatch.corridor` returns and keeps only
the columns a person reads, under plain headers with their units, with
numbers formatted (counts as whole numbers with thousands separators,
chances in %) and help on each header. Every column has a width, and a
table's widths add up to at most :data:`MAX_TABLE_WIDTH_PX`, so it fits
beside the sidebar in a 1366 px wide window without scrolling sideways.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import streamlit as st

from borderwatch import config, corridor

#: The page's width beside the open sidebar in a 1366 px window is about 900 px;
#: this leaves room for the table's border and its vertical scrollbar.
MAX_TABLE_WIDTH_PX: Final[int] = 860
#: Background of the rows of the hottest segments (the palest step of the segment colours).
HOTTEST_ROW_COLOUR: Final[str] = "#FFEDA0"
#: The page's segment summary comes from the cache with ``segment_summary``'s default "recent" window.
RECENT_PERIODS: Final[int] = inspect.signature(corridor.segment_summary).parameters["recent_periods"].default

_COUNT: Final[str] = "%,d"
_ONE_DECIMAL: Final[str] = "%,.1f"
#: Where positions along the border start: Tunisia–Libya's coast, else the start of the border's line.
_FROM: Final[dict[bool, str]] = {True: "from the coast", False: "from km 0 (named above the map)"}


@dataclass(frozen=True)
class Table:
    """A table ready for ``st.dataframe``.

    Attributes
    ----------
    frame : pandas.DataFrame
        Only the shown columns, in order, without a meaningful index.
    columns : dict
        Column name to its ``st.column_config`` (header, width, format, help).
    highlighted : tuple of int
        Positions of the rows drawn with :data:`HOTTEST_ROW_COLOUR`.
    """

    frame: pd.DataFrame
    columns: dict[str, Any]
    highlighted: tuple[int, ...] = ()

    @property
    def width_px(self) -> int:
        """The columns' widths added up."""
        return sum(int(column["width"]) for column in self.columns.values())

    def show(self, **kwargs: Any) -> None:
        """Draw the table (``kwargs`` go to ``st.dataframe``, e.g. ``height``)."""
        data: Any = self.frame
        if self.highlighted:
            marked = set(self.highlighted)
            data = self.frame.style.apply(
                lambda row: [f"background-color: {HOTTEST_ROW_COLOUR}" if row.name in marked else ""] * len(row),
                axis=1)
        st.dataframe(data, hide_index=True, width="content", column_config=self.columns,
                     column_order=list(self.columns), **kwargs)


def _count(label: str, width: int, help_text: str) -> Any:
    return st.column_config.NumberColumn(label, width=width, format=_COUNT, help=help_text)


def _whole(values: pd.Series) -> pd.Series:
    """Counts that arrive as floats (deaths), as whole numbers."""
    return pd.to_numeric(values, errors="coerce").fillna(0).round().astype("int64")


def distance_bins_table(histogram: pd.DataFrame) -> Table:
    """The distance histogram as rows of "from, to, incidents".

    Parameters
    ----------
    histogram : pandas.DataFrame
        As :func:`borderwatch.corridor.distance_histogram` returns it.
    """
    frame = pd.DataFrame({
        "from_km": histogram["from_km"], "to_km": histogram["to_km"], "incidents": _whole(histogram["incidents"]),
    }).reset_index(drop=True)
    return Table(frame, {
        "from_km": st.column_config.NumberColumn("From (km)", width=120, format="%g",
                                                 help="Distance to the border where the bin starts"),
        "to_km": st.column_config.NumberColumn("To (km)", width=120, format="%g",
                                               help="Distance to the border where the bin ends (not included)"),
        "incidents": _count("Incidents", 120, "Incidents at least the first distance and less than the second "
                                              "from the border"),
    })


def segments_table(summary: pd.DataFrame, corridor_km: float, from_the_coast: bool = True) -> Table:
    """The border segments that had incidents, busiest first, the hottest highlighted.

    Parameters
    ----------
    summary : pandas.DataFrame
        As :func:`borderwatch.corridor.segment_summary` returns it.
    corridor_km : float
        How far from the border incidents were counted (for the help text).
    from_the_coast : bool
        Whether positions start at the coast (Tunisia–Libya), else at the start of the border's line.
    """
    unit = str(summary["trend_unit"].iloc[0]) if len(summary) else "period"
    active = summary[summary["incidents"] > 0].sort_values("rank").reset_index(drop=True)
    frame = pd.DataFrame({
        "rank": active["rank"].astype("int64"),
        "label": active["label"].astype(str),
        "incidents": _whole(active["incidents"]),
        "deaths": _whole(active["deaths"]),
        # Adding 0.0 turns a rounded -0.0 into 0.0, which would show as "-0.0".
        "trend": active["trend"].round(1) + 0.0,
        "recent_mean": active["recent_mean"],
        "earlier_mean": active["earlier_mean"],
    })
    return Table(frame, {
        "rank": st.column_config.NumberColumn(
            "Rank", width=60, format="%d",
            help="1 = most incidents; ties go to more deaths. The highlighted rows are the hottest segments, "
                 "drawn thicker on the map."),
        "label": st.column_config.TextColumn("Stretch of border", width=190,
                                             help="Where the segment lies, measured along the border "
                                                  + _FROM[from_the_coast]),
        "incidents": _count("Incidents", 85,
                            f"Incidents within {corridor_km:g} km of this stretch, over the date range"),
        "deaths": _count("Deaths", 75, "Deaths in those incidents (best estimates)"),
        "trend": st.column_config.NumberColumn(
            f"Trend per {unit}", width=140, format="%+.1f",
            help=f"Incidents gained (+) or lost (−) per {unit} over the date range: the least-squares slope"),
        "recent_mean": st.column_config.NumberColumn(
            f"Recent per {unit}", width=140, format=_ONE_DECIMAL,
            help=f"Mean incidents per {unit} over the last {RECENT_PERIODS} {unit}s of the date range"),
        "earlier_mean": st.column_config.NumberColumn(
            f"Earlier per {unit}", width=140, format=_ONE_DECIMAL,
            help=f"Mean incidents per {unit} before those {RECENT_PERIODS} {unit}s"),
    }, highlighted=tuple(int(position) for position in active.index[active["hottest"].to_numpy(bool)]))


def _place(location: pd.Series, side: pd.Series) -> pd.Series:
    # The side first: a long place name is cut at the column's edge, the side never.
    return side.astype(str) + ": " + location.astype(str)


def sequences_table(pairs: pd.DataFrame) -> Table:
    """Cross-border sequences as rows of "first incident, then the one across the border".

    Parameters
    ----------
    pairs : pandas.DataFrame
        As :func:`borderwatch.corridor.cross_border_sequences` returns them.
    """
    frame = pd.DataFrame({
        "first_date": pd.to_datetime(pairs["first_date"]),
        "first_place": _place(pairs["first_location"], pairs["first_side"]),
        "then_date": pd.to_datetime(pairs["then_date"]),
        "then_place": _place(pairs["then_location"], pairs["then_side"]),
        "lag_days": _whole(pairs["lag_days"]),
        "distance_km": pairs["distance_km"].astype(float),
    }).reset_index(drop=True)
    return Table(frame, {
        "first_date": st.column_config.DateColumn("First", width=105, format="D MMM YYYY",
                                                  help="Day of the first incident"),
        "first_place": st.column_config.TextColumn("Where", width=235,
                                                   help="Side of the border and place of the first incident"),
        "then_date": st.column_config.DateColumn("Then", width=105, format="D MMM YYYY",
                                                 help="Day of the incident across the border"),
        "then_place": st.column_config.TextColumn("Where", width=235,
                                                  help="Side of the border and place of the later incident"),
        "lag_days": _count("Days later", 85, "Days from the first incident to the later one"),
        "distance_km": st.column_config.NumberColumn("Apart (km)", width=85, format="%,.0f",
                                                     help="Distance between the two incidents"),
    })


def surge_table(by_segment: pd.DataFrame, labels: Mapping[int, str], period: str,
                from_the_coast: bool = True) -> Table:
    """The surge test of each border segment with incidents near it.

    Parameters
    ----------
    by_segment : pandas.DataFrame
        As :func:`borderwatch.corridor.corridor_surge` returns it with
        ``group="segment"``.
    labels : mapping of int to str
        Each segment's stretch of border ("10–20 km from the coast").
    period : str
        "week", "month", ...
    from_the_coast : bool
        Whether positions start at the coast (Tunisia–Libya), else at the start of the border's line.
    """
    rows = by_segment[by_segment["group"] != corridor.WHOLE_CORRIDOR].reset_index(drop=True)
    frame = pd.DataFrame({
        "stretch": [labels.get(int(group), f"segment {group}") for group in rows["group"]],
        "current": _whole(rows["current"]),
        "baseline_mean": rows["baseline_mean"].astype(float),
        "ratio": rows["ratio"].astype(float),
        "chance_pct": rows["p_value"].astype(float) * 100,
        "surge": rows["surge"].astype(bool),
    })
    return Table(frame, {
        "stretch": st.column_config.TextColumn("Stretch of border", width=200,
                                               help="Segment, measured along the border " + _FROM[from_the_coast]),
        "current": _count(f"This {period}", 100, f"Incidents near this stretch in the {period} tested"),
        "baseline_mean": st.column_config.NumberColumn(
            f"Baseline per {period}", width=150, format=_ONE_DECIMAL,
            help=f"Mean incidents per {period} over the {period}s before it"),
        "ratio": st.column_config.NumberColumn(
            "Ratio", width=80, format="%.1f×",
            help=f"This {period} over the baseline (a baseline under {config.SURGE_BASELINE_FLOOR:g} counts as "
                 f"{config.SURGE_BASELINE_FLOOR:g})"),
        "chance_pct": st.column_config.NumberColumn(
            "Chance (%)", width=110, format="%.1f",
            help=f"Chance of a count this high if the baseline held (Poisson); a surge needs "
                 f"{config.SURGE_MAX_P:.0%} or less"),
        "surge": st.column_config.CheckboxColumn(
            "Surge", width=80,
            help=f"At least {config.SURGE_MIN_RATIO:g}× the baseline, a chance of {config.SURGE_MAX_P:.0%} or "
                 f"less, and at least {config.SURGE_MIN_COUNT} incidents"),
    })
