"""Synthetic ACLED exports: invented incidents, for tests, benchmarks and trials.

Nothing here is a real event. Every row is drawn at random, so that tests,
benchmarks and users can try BorderWatch at sizes no real export of the
region reaches (a million incidents) without redistributing ACLED data.

What is realistic about the rows:

* the file is an ACLED export in the current schema (:data:`ACLED_COLUMNS`,
  in ACLED's order), and BorderWatch's own importer accepts every row;
* places: events cluster around real towns of Tunisia and western Libya, and
  a few of eastern Algeria (``data/places.csv`` plus a fixed list of
  GeoNames cities), weighted by population and more so near the
  Tunisia–Libya border; a share lies along the border line itself
  (``data/border.geojson``), most near the Ras Ajdir and Dehiba–Wazin
  crossings. Points are scattered a few kilometres and always fall on land
  inside the country the row names (``data/countries.geojson``);
* ACLED's event types, each with a valid sub-event type, in a mix that
  differs by country (mostly protests in Tunisia, fighting and shelling in
  Libya); ``disorder_type`` and ``civilian_targeting`` follow the type;
* actors named as ACLED names them ("Military Forces of Tunisia
  (2014-2019)", "Islamic State (Libya)", "Protesters (Tunisia)"), with
  ``inter`` and ``interaction`` codes; state forces are named after the
  government of the event's date, and armed groups appear when they did;
* dates from 2012 to 2024 by default, with yearly intensities loosely
  following each country's history; fatalities mostly 0 with a heavy tail
  (none for nearly every protest); precision codes, sources and their
  scale, short notes ("On 7 March 2016, ..."), crowd-size tags and
  ``timestamp`` values a few days after the event.

What is not: the counts, places and dates of individual rows, the ids (the
country's code and the row number), and any link between rows.

Output is deterministic: the same ``(rows, seed)`` (and date range) gives
the same rows, in the same order, whatever the chunk size, and the first rows of a longer
file are the rows of a shorter one. Rows are drawn in fixed blocks of
:data:`borderwatch.config.SYNTH_BLOCK_ROWS`, each from its own random stream, and then laid out in
chunks of any size.
"""

from borderwatch.synth.generate import synthetic_acled, write_synthetic_acled
from borderwatch.synth.tables import ACLED_COLUMNS, TOWNS

__all__ = [
    "ACLED_COLUMNS",
    "TOWNS",
    "synthetic_acled",
    "write_synthetic_acled",
]
