"""Border analytics: distances to the border, hot segments, cross-border sequences, surges."""

from __future__ import annotations

import dataclasses
import math

import altair as alt
import geopandas as gpd
import shapely
import streamlit as st

from borderwatch import config, corridor
from borderwatch.escape import escape_markdown
from borderwatch.infrastructure import barrier_lines
from layers.segments import segments_layer
from layers.sequences import sequences_layer
from ui import cache
from ui.analytics_tables import distance_bins_table, segments_table, sequences_table, surge_table
from ui.border import current_border
from ui.permalink import QUESTION_KEY
from ui.sidebar import current_query, is_default_border
from ui.staticmap import render_static_map

#: The distance histogram covers this far from the border.
HISTOGRAM_MAX_KM = 200.0
HISTOGRAM_BIN_KM = 5.0
ANALYTICS_MAP_HEIGHT_PX = 520
PERIODS = ("week", "month", "quarter", "year")
#: The questions the page answers, by the id a link holds (``?question=segments``).
QUESTIONS = {
    "distance": "Distance to the border",
    "segments": "Border segments",
    "sequences": "Cross-border sequences",
    "surge": "Surge signal",
}
DEFAULT_QUESTION = "distance"
QUESTION_WIDGET_KEY = "analytics_view"
#: A question the link named that the page does not know; shown until the person picks one.
UNREAD_QUESTION_KEY = "analytics_unread_question"


def _distance_histogram(near: gpd.GeoDataFrame) -> None:
    """The incidents near the border by distance and side: a chart, and the same as a table."""
    histogram = corridor.distance_histogram(near["distance_border_km"], HISTOGRAM_BIN_KM, HISTOGRAM_MAX_KM)
    sides = near.assign(side=near["border_side"].replace("", "at sea / elsewhere"))
    by_side = (
        sides.assign(bin=(sides["distance_border_km"] // HISTOGRAM_BIN_KM) * HISTOGRAM_BIN_KM)
        .groupby(["bin", "side"], as_index=False).size().rename(columns={"size": "incidents"})
    )
    st.altair_chart(
        alt.Chart(by_side).mark_bar().encode(
            x=alt.X("bin:Q", bin=alt.BinParams(step=HISTOGRAM_BIN_KM, extent=[0, HISTOGRAM_MAX_KM]),
                    title="Distance to the border (km)"),
            y=alt.Y("incidents:Q", title="Incidents", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("side:N", title="Side"),
            tooltip=[alt.Tooltip("bin:Q", title="From (km)"), alt.Tooltip("side:N", title="Side"),
                     alt.Tooltip("incidents:Q", title="Incidents", format=",d")],
        ).properties(height=320),
        width="stretch",
    )
    with st.expander("The histogram as a table"):
        distance_bins_table(histogram).show(height=240)


def _map(groups: list, key: str, center: tuple[float, float] = (32.4, 10.9), zoom: float = 7) -> None:
    # Another border than the bundled case's opens fitted to it.
    render_static_map(groups, key, center if bundled_case else None, zoom, ANALYTICS_MAP_HEIGHT_PX, border.key)


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.2f}° {positive if value >= 0 else negative}"


def _where_km_0(pieces: gpd.GeoDataFrame) -> str:
    """Where positions along a border other than the bundled case's start, in words."""
    lon, lat = shapely.get_coordinates(pieces.geometry.iloc[0])[0]
    text = (f"Kilometres are counted along the border from its end at {_degrees(lat, 'N', 'S')}, "
            f"{_degrees(lon, 'E', 'W')}")
    if border.parts > 1:
        text += f", the start of the longest of its {border.parts} parts; the other parts follow it, end to end"
    return text + "."


def _share(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0%}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _question_picked() -> None:
    st.session_state.pop(UNREAD_QUESTION_KEY, None)


def _question() -> str:
    """The question to show: the person's choice, else the link's, else the default.

    The choice is kept as a plain session value too (:data:`ui.permalink.QUESTION_KEY`): it outlives
    the widget on other pages, and the permalink writes it into the address bar.
    """
    asked = st.session_state.get(QUESTION_KEY)
    if asked is not None and asked not in QUESTIONS:
        st.session_state[UNREAD_QUESTION_KEY] = asked
        del st.session_state[QUESTION_KEY]
    if QUESTION_WIDGET_KEY not in st.session_state:
        st.session_state[QUESTION_WIDGET_KEY] = st.session_state.get(QUESTION_KEY, DEFAULT_QUESTION)
    chosen = st.segmented_control("Question", list(QUESTIONS), format_func=QUESTIONS.__getitem__, required=True,
                                  key=QUESTION_WIDGET_KEY, on_change=_question_picked)
    unread = st.session_state.get(UNREAD_QUESTION_KEY)
    if unread is not None:
        st.warning(f"This link asks for question={escape_markdown(repr(unread))}, which is not one of "
                   f"{', '.join(QUESTIONS)}: it shows {QUESTIONS[DEFAULT_QUESTION].lower()} instead. "
                   "Pick a question above.")
    if chosen == DEFAULT_QUESTION:
        st.session_state.pop(QUESTION_KEY, None)
    else:
        st.session_state[QUESTION_KEY] = chosen
    return chosen


query = current_query()
border = current_border()
bundled_case = is_default_border()
st.title("Border analytics")
if not bundled_case:
    st.caption(f"On the {escape_markdown(border.name)} border ({border.length_km:,.0f} km).")
view = _question()
include_centroids = st.toggle(
    "Include centroid-level locations", value=False, key="analytics_centroids",
    help="Incidents placed at a district or province centroid (ACLED geo_precision 3) are left out by "
    "default: their distance to the border says little.",
)

if view == "distance":
    near = cache.measured(query, HISTOGRAM_MAX_KM, include_centroids)
    every = cache.measured(query, HISTOGRAM_MAX_KM, True)
    statistics = corridor.distance_statistics(near, include_centroids=True)
    total = cache.summary(query).shown
    st.markdown(
        f"Of the **{total:,}** incidents the filters select, **{len(every):,}** lie within "
        f"{HISTOGRAM_MAX_KM:g} km of the border; the figures below describe "
        f"**{statistics['count']:,}** of them"
        + ("" if include_centroids else f", leaving out {len(every) - len(near):,} placed at a district or "
           "province centroid")
        + "."
    )
    # Without a barrier there is no strip between it and the border.
    has_barrier = bool(barrier_lines(cache.border_infrastructure(border.key)))
    median, within_10, within_25, *strip = st.columns(4 if has_barrier else 3)
    median_km = statistics["median_km"]
    median.metric("Median distance", "–" if math.isnan(median_km) else f"{median_km:.1f} km")
    within_10.metric("Within 10 km", _share(statistics["share_within_10_km"]))
    within_25.metric("Within 25 km", _share(statistics["share_within_25_km"]))
    if strip:
        strip[0].metric("Between barrier and border", _share(statistics["share_between_barrier_and_border"]),
                        help="In the area a barrier encloses with the stretch of border it follows")
    if near.empty:
        # An empty histogram would draw a bare axis labelled "0.000000": say what is there instead.
        st.info(f"No incident of the current filters lies within {HISTOGRAM_MAX_KM:g} km of this border.")
    else:
        _distance_histogram(near)

elif view == "segments":
    period_column, length_column, corridor_column = st.columns(3)
    period = period_column.selectbox("Period", PERIODS, index=1, key="analytics_period")
    segment_km = length_column.number_input("Segment length (km)", 1.0, 100.0, config.SEGMENT_KM, 1.0,
                                            format="%g", key="analytics_segment_km")
    corridor_km = corridor_column.number_input("Corridor (km from the border)", 1.0, 200.0, config.CORRIDOR_KM,
                                               1.0, format="%g", key="analytics_corridor_km")
    activity, summary = cache.segment_table(query, segment_km, corridor_km, period, include_centroids)
    pieces = cache.segments(segment_km, border.key)
    hottest = summary[summary["hottest"]].sort_values("rank")
    if hottest.empty:
        st.info(f"No incident of the current filters lies within {corridor_km:g} km of the border.")
    else:
        st.markdown("**Hottest segments:** " + "; ".join(
            f"km {row.start_km:g}–{row.end_km:g} ({_plural(int(row.incidents), 'incident')}, "
            f"{_plural(round(row.deaths), 'death')})"
            for row in hottest.itertuples()))
    if not bundled_case:
        st.caption(_where_km_0(pieces))
    _map([segments_layer(pieces, summary)], key="segments-map")
    if not hottest.empty:
        segments_table(summary, corridor_km, bundled_case).show()
        quiet = int((summary["incidents"] == 0).sum())
        if quiet:
            st.caption(f"The other {_plural(quiet, 'segment')} had no incident within {corridor_km:g} km "
                       "(grey on the map).")
    if not activity.empty and not hottest.empty:
        trend = activity[activity["segment"].isin(hottest["segment"])]
        stretches = summary.set_index("segment")
        trend = trend.assign(
            segment=[f"km {stretches.at[number, 'start_km']:g}–{stretches.at[number, 'end_km']:g}"
                     for number in trend["segment"]],
            period_start=trend["period"].dt.start_time)
        st.altair_chart(
            alt.Chart(trend).mark_line(point=True).encode(
                x=alt.X("period_start:T", title=period.capitalize()),
                y=alt.Y("incidents:Q", title="Incidents", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color("segment:N", title="Segment"),
                tooltip=[alt.Tooltip("segment:N", title="Segment"),
                         alt.Tooltip("period_start:T", title=period.capitalize() + " from", format="%-d %b %Y"),
                         alt.Tooltip("incidents:Q", title="Incidents", format=",d")],
            ).properties(height=280),
            width="stretch",
        )

elif view == "sequences":
    days_column, radius_column = st.columns(2)
    days = days_column.number_input("Within days", 0, 365, config.SEQUENCE_DAYS, key="analytics_days")
    radius_km = radius_column.number_input("Within km", 1.0, 1000.0, config.SEQUENCE_RADIUS_KM, 5.0,
                                           format="%g", key="analytics_radius_km")
    pairs = cache.sequences(query, int(days), float(radius_km), include_centroids)
    first_side = "on one side of the border" if bundled_case else \
        f"in {escape_markdown(border.name_a)} or {escape_markdown(border.name_b)}"
    st.markdown(
        f"An incident {first_side}, then within **{days}** days an incident on the other side "
        f"within **{radius_km:g} km** of it. **{len(pairs):,}** such pairs under the current filters. "
        "A pair is a coincidence in time and place, not evidence that one led to the other."
    )
    if pairs.attrs.get("truncated"):
        st.warning(f"Only the earliest {len(pairs):,} pairs are listed: narrow the filters, the days or the distance.")
    _map([sequences_layer(pairs)], key="sequences-map", center=(32.9, 11.6), zoom=7)
    if not pairs.empty:
        sequences_table(pairs).show()

else:
    period_column, corridor_column, baseline_column = st.columns(3)
    period = period_column.selectbox("Period", PERIODS, index=1, key="surge_period")
    corridor_km = corridor_column.number_input("Corridor (km from the border)", 1.0, 200.0, config.CORRIDOR_KM,
                                               1.0, format="%g", key="surge_corridor_km")
    baseline = baseline_column.number_input("Compared with the previous periods", 1, 60,
                                            config.SURGE_BASELINE_PERIODS, key="surge_baseline")
    first, last = query.selection.start, query.selection.end
    until = st.date_input("Test the period that holds", value=last, min_value=first, max_value=last,
                          key="surge_until", help="Defaults to the last day of the sidebar's date range.")
    # The baseline periods may start before the sidebar's range: read back to them.
    reach = corridor.baseline_start(until, period, int(baseline)) if until else None
    surge_query = query if reach is None or (first and first <= reach) else dataclasses.replace(
        query, selection=dataclasses.replace(query.selection, start=reach))
    near = cache.measured(surge_query, corridor_km, include_centroids)
    whole = corridor.corridor_surge(near, period, corridor_km, int(baseline), until=until)
    by_segment = corridor.corridor_surge(near, period, corridor_km, int(baseline), until=until, group="segment")
    st.markdown(
        f"The latest {period} of the date range (the one holding {until:%-d %B %Y}) against the mean of the "
        f"{baseline} {period}s before it, for incidents within {corridor_km:g} km of the border. A surge is "
        f"flagged at {config.SURGE_MIN_RATIO:g}× the baseline or more, when a Poisson count with the baseline's "
        f"mean would reach it with a chance of {config.SURGE_MAX_P:.0%} or less."
    )
    if not whole.empty:
        row = whole.iloc[0]
        current, baseline_mean, signal = st.columns(3)
        current.metric(f"This {period}", f"{int(row['current']):,}")
        baseline_mean.metric(f"Baseline (mean per {period})", f"{row['baseline_mean']:,.1f}")
        signal.metric("Signal", "Surge" if row["surge"] else "No surge",
                      help=f"{row['ratio']:.1f}× the baseline; the chance of a count this high if the baseline "
                           f"held is {row['p_value']:.1%}")
    stretches = cache.segments(config.SEGMENT_KM, border.key).set_index("segment")["label"].to_dict()
    table = surge_table(by_segment, stretches, period, bundled_case)
    flagged = table.frame.loc[table.frame["surge"], "stretch"]
    st.markdown(f"**Segments ({config.SEGMENT_KM:g} km) with a surge:** "
                + ("; ".join(escape_markdown(stretch) for stretch in flagged) or "none"))
    if not table.frame.empty:
        table.show()
