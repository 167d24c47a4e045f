"""Borders side by side: the headline figures of ``python -m scripts.bench --border A B`` in one table.

Every border runs in the same process, one after the other, so their
figures compare as fairly as a shared machine allows; each other border's
figure is also given as a ratio to the first border's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

#: (label, how to read the figure from one size's results, how to print it: a format, or "ratio").
FIGURES: Final[tuple[tuple[str, Callable[[dict[str, Any]], float | None], str], ...]] = (
    ("import, rows/s", lambda size: size["import"]["rows_per_s"], "{:,.0f}"),
    # The default border's measures are stored during the import: nothing to compare them with.
    ("border measures stored, s",
     lambda size: size["border_measures"]["seconds"] if size["border_measures"]["rows"] else None, "{:.2f}"),
    ("date range -> map data p50, s", lambda size: size["filters"]["date_range"]["p50_s"], "{:.3f}"),
    ("type set -> map data p50, s", lambda size: size["filters"]["type_set"]["p50_s"], "{:.3f}"),
    ("map move -> map data p50, s", lambda size: size["filters"]["map_view"]["p50_s"], "{:.3f}"),
    ("zoom 6 data + build, s", lambda size: size["zooms"]["6"]["data_s"] + size["zooms"]["6"]["build_s"], "{:.3f}"),
    ("zoom 6 payload, B", lambda size: size["zooms"]["6"]["payload_bytes"], "{:,.0f}"),
    ("zoom 12 data + build, s",
     lambda size: size["zooms"]["12"]["data_s"] + size["zooms"]["12"]["build_s"], "{:.3f}"),
    ("time / GeoJson baseline", lambda size: size["ratios"]["geojson_of_geodataframe"]["build_time"], "ratio"),
    ("payload / GeoJson baseline", lambda size: size["ratios"]["geojson_of_geodataframe"]["payload"], "ratio"),
    ("measures, rows/s", lambda size: size["analytics"]["measures"]["rows_per_s"], "{:,.0f}"),
    ("measures / to_crs().distance()", lambda size: size["analytics"]["measures"]["ratio"], "ratio"),
    ("within 35 km map data p50, s", lambda size: size["analytics"]["within_corridor_map_data"]["p50_s"], "{:.3f}"),
    ("segment table, s", lambda size: size["analytics"]["segments"]["seconds"], "{:.3f}"),
    ("sequences, incidents", lambda size: size["analytics"]["sequences"]["incidents"], "{:,.0f}"),
    ("sequences, s", lambda size: size["analytics"]["sequences"]["seconds"], "{:.3f}"),
    ("sequences / self-join", lambda size: size["analytics"]["sequences_vs_self_join"]["ratio"], "ratio"),
    ("planner greedy, s", lambda size: size["analytics"]["planner"]["greedy_s"], "{:.3f}"),
)


def comparison(sizes: list[dict[str, Any]], borders: list[str]) -> list[dict[str, Any]]:
    """The headline figures of each size on every border, and each border's ratios to the first.

    Parameters
    ----------
    sizes : list of dict
        The ``sizes`` of :func:`scripts.bench.run`, each with its ``rows`` and ``border``.
    borders : list of str
        The borders' keys, in the order they ran (the first is the reference).

    Returns
    -------
    list of dict
        One per store size: ``rows`` and ``figures``, one dict per figure with
        ``figure`` (its label), ``values`` (by border) and ``ratios`` (each other
        border's value over the first's, None where the first's is 0 or missing).
    """
    by_key = {(size["border"], size["rows"]): size for size in sizes}
    table = []
    for rows in dict.fromkeys(size["rows"] for size in sizes):
        figures = []
        for label, read, _ in FIGURES:
            values = {border: _value(read, by_key[(border, rows)]) for border in borders}
            first = values[borders[0]]
            figures.append({"figure": label, "values": values,
                            "ratios": {border: values[border] / first if first and values[border] is not None
                                       else None for border in borders[1:]}})
        table.append({"rows": rows, "figures": figures})
    return table


def _value(read: Callable[[dict[str, Any]], float | None], size: dict[str, Any]) -> float | None:
    value = read(size)
    return None if value is None else float(value)


def ratio_text(value: float | None) -> str:
    """A ratio as people read it: ``1/770`` rather than ``0.0013``; ``n/a`` when there is none."""
    if value is None:
        return "n/a"
    return "1/" + format(1 / value, ",.0f") if value < 1 else format(value, ",.2f")


def _figure_text(value: float | None, form: str) -> str:
    if value is None:
        return "n/a"
    return ratio_text(value) if form == "ratio" else form.format(value)


def comparison_lines(table: list[dict[str, Any]]) -> list[str]:
    """The side-by-side table as report lines (figures, then each other border's ratio to the first)."""
    formats = {label: text for label, _, text in FIGURES}
    lines = []
    for size in table:
        borders = list(size["figures"][0]["values"])
        others = borders[1:]
        lines += ["", f"== side by side, {size['rows']:,} incidents ==",
                  f"  {'figure':<32}" + "".join(f"{border:>14}" for border in borders)
                  + "".join(f"{other + '/' + borders[0]:>18}" for other in others)]
        for figure in size["figures"]:
            shown = [_figure_text(value, formats[figure["figure"]]) for value in figure["values"].values()]
            ratios = [f"{ratio:.2f}" if ratio is not None else "n/a" for ratio in figure["ratios"].values()]
            lines.append(f"  {figure['figure']:<32}" + "".join(f"{text:>14}" for text in shown)
                         + "".join(f"{text:>18}" for text in ratios))
    return lines
