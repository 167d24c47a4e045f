"""Deterministic element names, so a layer that draws the same thing renders the same script.

``st_folium`` re-sends every feature group when the script of any of them
differs from the last run's, and the browser then rebuilds them all: open
popups close and fanned-out clusters fold. folium names elements with random
ids, and ``st_folium`` replaces most of them, but not those of a popup's
content; renaming every element by its position makes the script a function
of what is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable

from branca.element import Element


def _elements_below(element: Element) -> Iterable[Element]:
    """Children, then the elements a popup or tooltip keeps as attributes (its html, script, header)."""
    yield from element._children.values()
    for name, value in vars(element).items():
        if name != "_parent" and isinstance(value, Element) and value not in element._children.values():
            yield value


def freeze_names(elements: Iterable[Element], prefix: str = "bwstable") -> None:
    """Rename every element under ``elements`` by its position in the tree.

    Parameters
    ----------
    elements : iterable of branca.element.Element
        Feature groups (or any elements) about to be rendered; changed in place.
    prefix : str
        Start of every id (letters and digits).
    """
    seen: set[int] = set()
    counter = 0

    def visit(element: Element) -> None:
        nonlocal counter
        if id(element) in seen:
            return
        seen.add(id(element))
        # Long and fixed-width, like folium's own ids: st_folium rewrites every
        # ``_<id>`` it finds in the script, so an id must never occur in data.
        element._id = f"{prefix}{counter:028x}"
        counter += 1
        for below in list(_elements_below(element)):
            visit(below)
        # Templates name children by their dictionary key: key them by the new names.
        element._children = {child.get_name(): child for child in element._children.values()}

    for element in elements:
        visit(element)
