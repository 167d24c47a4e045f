"""The map going where a person chose outside it (``layers/web/focus.js``)."""

from __future__ import annotations

from collections.abc import Mapping

import folium

from layers.script import ScriptCall


def focus_layer(request: Mapping[str, object]) -> folium.FeatureGroup:
    """A layer that draws nothing and moves the map once to ``request``.

    Parameters
    ----------
    request : mapping
        ``token`` (new for every request: the browser carries each out once),
        ``lat``, ``lon``, ``zoom`` (the least zoom to show it at) and
        ``incident`` (an id whose site to reveal, highlight and open, or None)
        and ``move`` (False: show the site where the map already is).

    Returns
    -------
    folium.FeatureGroup
        To send last, after the attack sites it may open.
    """
    group = folium.FeatureGroup(name="Focus", control=False)
    keys = ("token", "lat", "lon", "zoom", "incident", "move")
    ScriptCall("focus", {key: request[key] for key in keys}).add_to(group)
    return group
