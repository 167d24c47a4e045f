"""A border's infrastructure as the app and exports read it: its bundled preset and what the store holds for it."""

from __future__ import annotations

from borderwatch.borders import find_border
from borderwatch.importers.infrastructure import load_preset
from borderwatch.infrastructure import InfrastructureFeature, combined
from borderwatch.store import IncidentStore


def border_infrastructure(store: IncidentStore, border_key: str) -> list[InfrastructureFeature]:
    """A border's fences, walls, trenches, berms, crossings, posts and sensors.

    Parameters
    ----------
    store : IncidentStore
        Holds the layers imported for the border.
    border_key : str
        Two ISO 3166 alpha-3 codes in either order (``"TUN-LBY"``).

    Returns
    -------
    list of InfrastructureFeature
        The bundled preset's features (layer ``"preset"``) that no stored
        feature of the same id replaces, then the stored ones, by layer and
        file order (see :func:`borderwatch.infrastructure.combined`).

    Raises
    ------
    BorderLookupError
        ``border_key`` names no land border.
    """
    key = find_border(border_key).key
    return combined(load_preset(key), store.infrastructure(key))
