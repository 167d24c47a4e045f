"""The current map as files a user keeps: a standalone HTML page and a PNG image.

:mod:`layers.export.html` turns the dashboard's folium map into one HTML file
that works with no network and no server; :mod:`layers.export.png` draws the
same view with matplotlib (Agg, no tiles, no network) for reports and slides,
in the map's styles (:mod:`layers.style`, translated by
:mod:`layers.export.marks`), in Web Mercator (:mod:`layers.export.mercator`),
with its legend (:mod:`layers.export.legend`). Both credit their sources with
:mod:`layers.export.credits`.
"""
