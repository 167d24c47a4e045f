"""Map legend: colour by incident type, size by deaths, line symbols."""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import MacroElement
from jinja2 import Template

from borderwatch.escape import escape_html
from layers.infrastructure import CLOSED_CROSSING_COLOUR, OPEN_CROSSING_COLOUR, PLANNED_COLOUR
from layers.precision import PRECISION_COLOUR
from layers.segments import SEGMENT_PALETTE
from layers.sequences import SEQUENCE_COLOUR
from layers.style import (
    BARRIER_COLOUR,
    BORDER_COLOUR,
    CELL_COLOUR,
    LEGEND_DEATH_STEPS,
    PLACE_COLOUR,
    event_type_colour,
    radius_for_deaths,
)


def legend_html(event_types: Sequence[str]) -> str:
    """Return the legend's inner HTML for these event types (escaped)."""
    rows = [
        f'<div><span class="bw-dot" style="background:{event_type_colour(name)}"></span>{escape_html(name)}</div>'
        for name in event_types
    ]
    sizes = "".join(
        f'<span class="bw-size" style="width:{2 * radius_for_deaths(n):.0f}px;'
        f'height:{2 * radius_for_deaths(n):.0f}px"></span>{n}&nbsp;'
        for n in LEGEND_DEATH_STEPS
    )
    return (
        # Folded at first: open, it covers a third of a laptop-sized map.
        "<details><summary><b>Legend</b></summary>"
        "<b>Attack sites</b> (colour: ACLED event type)"
        + "".join(rows)
        + f'<div class="bw-sizes">Size: deaths {sizes}</div>'
        + f'<div><span class="bw-dot" style="background:{CELL_COLOUR}"></span>'
        "Dark numbered circle: incidents in that area, when too many to draw one by one; click to zoom in</div>"
        '<div><span class="bw-dot" style="background:#B5E28C"></span>'
        "Green numbered circle: sites a few pixels apart; click to fan them out</div>"
        + f'<div><span class="bw-line" style="border-top:3px dashed {BORDER_COLOUR}"></span>Tunisia–Libya border</div>'
        + f'<div><span class="bw-line" style="border-top:5px solid {BARRIER_COLOUR}"></span>Trench and berm (barrier, approx.): complete</div>'
        + f'<div><span class="bw-line" style="border-top:5px dashed {BARRIER_COLOUR}"></span>… under construction</div>'
        + f'<div><span class="bw-line" style="border-top:5px dotted {PLANNED_COLOUR}"></span>… planned</div>'
        + f'<div><span class="bw-dot" style="background:{OPEN_CROSSING_COLOUR}"></span>Crossing open on the date shown</div>'
        + f'<div><span class="bw-dot" style="background:{CLOSED_CROSSING_COLOUR}"></span>Crossing closed on the date shown</div>'
        + f'<div><span class="bw-dot" style="background:none;border:2px solid {PRECISION_COLOUR}"></span>'
        "Location precision: the area the site lies within</div>"
        + f'<div><span class="bw-dot" style="background:{PLACE_COLOUR};width:7px;height:7px"></span>Town or landmark (hover for its name)</div>'
        + f'<div><span class="bw-line" style="border-top:5px solid {SEGMENT_PALETTE[-1]}"></span>'
        "Border segment: the darker, the more incidents near it; the hottest outlined</div>"
        + f'<div><span class="bw-line" style="border-top:2px dashed {SEQUENCE_COLOUR}"></span>'
        "Cross-border sequence: an incident, then one across the border soon after</div>"
        + "</details>"
    )


class Legend(MacroElement):
    """A Leaflet control in the bottom-left corner holding :func:`legend_html`.

    Built with the types present in the data, not only those shown, so it
    does not change (and reload the map) when the filters do.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .bw-legend { background: rgba(255,255,255,0.92); padding: 5px 7px; font: 11px/1.35 sans-serif;
                       border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 240px; }
          .bw-legend .bw-dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
                               margin-right: 6px; vertical-align: middle; box-sizing: border-box; }
          .bw-legend .bw-size { display: inline-block; border-radius: 50%; background: #999;
                                vertical-align: middle; margin: 0 2px; }
          .bw-legend summary { cursor: pointer; }
          .bw-legend .bw-line { display: inline-block; width: 22px; margin-right: 6px; vertical-align: middle; }
          .bw-featured-label { font-weight: bold; font-size: 13px; }
          .bw-popup th { text-align: left; padding-right: 8px; vertical-align: top; }
          /* Tables do not inherit the map's font size in quirks mode; say it. */
          .bw-popup, .leaflet-tooltip { font-size: 12px; line-height: 1.35; }
          .leaflet-control-layers { font-size: 12px; line-height: 1.3; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
          var legend = L.control({position: "bottomleft"});
          legend.onAdd = function () {
            var div = L.DomUtil.create("div", "bw-legend");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
          };
          legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, event_types: Sequence[str]) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = legend_html(event_types)
