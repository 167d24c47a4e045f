"""Border analytics: segments of the border, the corridor along it, and links across it.

Everything is measured along or near one land border's line:

* :func:`border_segments` cuts the bundled Tunisia–Libya line into pieces of
  equal length from its coastal end, :func:`geodesic_segments` any border
  along the positions :mod:`borderwatch.bordermeasures` stores;
  :func:`segment_of` says which piece a position falls in;
* :func:`segment_activity` and :func:`segment_summary` count corridor
  incidents (those within ``corridor_km`` of the border) per piece and period
  and rank the pieces;
* :func:`distance_histogram` and :func:`distance_statistics` describe how
  far incidents lie from the border;
* :func:`cross_border_sequences` links an incident on one side to later ones
  on the other side, close in time and space;
* :func:`corridor_surge` compares the latest period with the ones before it.

Incident frames carry the stored border measures ``distance_border_km``,
``distance_barrier_km``, ``border_side``, ``between_barrier_and_border`` and
``border_position_km``. Lengths and distances are in metres, never in degrees:
geodesic for :func:`geodesic_segments`, else in a metric CRS
(:data:`borderwatch.config.METRIC_CRS` for the bundled case).
"""

from borderwatch.corridor.distance import distance_histogram, distance_statistics
from borderwatch.corridor.segments import (
    border_segments,
    geodesic_segments,
    geodesic_stretch,
    incidents_of_points,
    segment_activity,
    segment_of,
    segment_summary,
)
from borderwatch.corridor.sequences import cross_border_sequences
from borderwatch.corridor.surge import WHOLE_CORRIDOR, baseline_start, corridor_surge, poisson_upper_tail

__all__ = [
    "WHOLE_CORRIDOR",
    "baseline_start",
    "border_segments",
    "corridor_surge",
    "cross_border_sequences",
    "distance_histogram",
    "distance_statistics",
    "geodesic_segments",
    "geodesic_stretch",
    "incidents_of_points",
    "poisson_upper_tail",
    "segment_activity",
    "segment_of",
    "segment_summary",
]
