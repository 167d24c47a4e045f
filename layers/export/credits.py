"""The credits, title and metadata keys every exported map carries (HTML and PNG alike)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from borderwatch.escape import escape_html
from borderwatch.export import Attribution

#: Title of the saved page and image when the caller gives none.
DEFAULT_TITLE: Final[str] = "BorderWatch: Tunisia–Libya border, 2015–2016"
#: Credit of the boundaries and land every exported map draws.
BOUNDARIES_CREDIT: Final[str] = "Boundaries: Natural Earth (public domain)"
#: PNG text chunk that carries the credit drawn on the image.
PNG_ATTRIBUTION_KEY: Final[str] = "Attribution"
#: Share of the map's width the credit line may take, in the PNG and in the page's attribution control.
CREDIT_WIDTH_SHARE: Final[float] = 0.62


def attribution_text(sources: Sequence[Attribution] = (), references: Sequence[str] = (BOUNDARIES_CREDIT,)) -> str:
    """Return the credit line of an exported map.

    Parameters
    ----------
    sources : sequence of Attribution
        The datasets whose incidents the map draws, from
        :func:`borderwatch.export.dataset_attributions`; empty when it draws none.
    references : sequence of str
        The credits of the reference data it draws: the boundaries, and
        others as their terms ask (e.g. GeoNames for towns' names).

    Returns
    -------
    str
        Lines: ``"Boundaries: Natural Earth (public domain)."``, then
        ``"Incidents: <credit>."`` for each source (a citation holds ``;``
        of its own, so each gets its line).
    """
    return "\n".join(_credit_parts(sources, references))


def _credit_parts(sources: Sequence[Attribution], references: Sequence[str]) -> list[str]:
    return [*(f"{credit}." for credit in references), *(f"Incidents: {source.credit}." for source in sources)]


def attribution_html(sources: Sequence[Attribution], references: Sequence[str] = (BOUNDARIES_CREDIT,)) -> str:
    """The credits as HTML for the map's attribution control, one a line: text escaped, each website a link."""
    parts = []
    for part, source in zip(_credit_parts(sources, references), (*(None for _ in references), *sources),
                            strict=True):
        text = escape_html(part)
        if source is not None and source.url:
            # The URL is the project's own constant (never data), written the same way in the credit.
            link = f'<a href="{escape_html(source.url)}" target="_blank" rel="noopener">{escape_html(source.url)}</a>'
            text = text.replace(escape_html(source.url), link, 1)
        parts.append(text)
    return "<br>".join(parts)

