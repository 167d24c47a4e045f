"""Cite original pages, not the unofficial mirrors the facts were read through.

The project's facts (``shared/reference/*_facts.csv``) record where each
fact was read, and some were read on copies of Wikipedia articles (wikimili,
frwiki.wiki, wikipedia-on-ipfs, piglix, ...). The bundled files cite the
article itself: the fact carries over, the copy does not. Used by
``build_incidents.py`` and ``build_places.py``.
"""

from __future__ import annotations

import re
from typing import Final

#: What the facts cite -> the original page it copies (the article of the same title).
ORIGINAL_PAGES: Final[dict[str, str]] = {
    "https://friendlywiki.com/article/index.php?title=Ras_Ajdir": "https://en.wikipedia.org/wiki/Ras_Ajdir",
    "https://de.wikial.top/wiki/Dehiba": "https://en.wikipedia.org/wiki/Dehiba",
    "https://it.teknopedia.teknokrat.ac.id/wiki/Dehiba": "https://it.wikipedia.org/wiki/Dehiba",
    "https://de.frwiki.wiki/wiki/Borj_el-Khadra": "https://fr.wikipedia.org/wiki/Borj_el-Khadra",
    "http://piglix.com/piglix/Ghadames": "https://en.wikipedia.org/wiki/Ghadames",
    "https://de-academic.com/dic.nsf/dewiki/383003": "https://de.wikipedia.org/wiki/Port_El-Kantaoui",
    "https://en.m.wikipedia.org/wiki/2015_Corinthia_Hotel_attack":
        "https://en.wikipedia.org/wiki/2015_Corinthia_Hotel_attack",
    "https://en.wikipedia-on-ipfs.org/wiki/Zliten_truck_bombing": "https://en.wikipedia.org/wiki/Zliten_truck_bombing",
    "https://it.frwiki.wiki/wiki/Djebel_Chambi": "https://fr.wikipedia.org/wiki/Djebel_Chambi",
    "https://sagapedia.com/fr/Djebel_Mghila": "https://fr.wikipedia.org/wiki/Djebel_Mghila",
    "https://hu.frwiki.wiki/wiki/Op%C3%A9ration_de_Sidi_A%C3%AFch":
        "https://fr.wikipedia.org/wiki/Op%C3%A9ration_de_Sidi_A%C3%AFch",
    "https://it.frwiki.wiki/wiki/Combat_de_Sidi_Ali_Ben_Aoun": "https://fr.wikipedia.org/wiki/Combat_de_Sidi_Ali_Ben_Aoun",
    # The facts name the article (Nafusa Mountains); the copy was read under a redirect's title.
    "https://en.m.wiki.x.io/wiki/Gefara": "https://en.wikipedia.org/wiki/Nafusa_Mountains",
    "http://movatter.jp/mt/?dark=on&url=https%3A%2F%2Fen.wikipedia.org%2Fwiki%2F2015_Tunis_bombing":
        "https://en.wikipedia.org/wiki/2015_Tunis_bombing",
    "https://wikimili.com/en/Battle_of_Ben_Guerdane": "https://en.wikipedia.org/wiki/Battle_of_Ben_Guerdane",
}

#: Hosts of copies: a build fails on any the table above does not replace.
MIRROR_HOSTS: Final[tuple[str, ...]] = (
    "friendlywiki.com", "wikial.top", "teknopedia", "frwiki.wiki", "piglix.com", "de-academic.com",
    "wikipedia-on-ipfs.org", "sagapedia.com", "wiki.x.io", "movatter.jp", "wikimili.com",
)

# "… via <copy>" says where the fact was read; the original page is cited without it.
_VIA_COPY: Final[re.Pattern[str]] = re.compile(
    r"\bvia (" + "|".join(re.escape(url) for url in ORIGINAL_PAGES) + r")(?=$|[\s;,\"])"
)
# "(via pwojczyn/piglix mirrors)": names copies, no URL.
_NAMED_COPIES: Final[re.Pattern[str]] = re.compile(r"\s*\(via [^()]*mirrors\)")


def cite_original_pages(text: str) -> str:
    """Replace every copy a source text cites by the original page.

    Parameters
    ----------
    text : str
        A source cell of the facts: URLs, remarks, "via <copy>".

    Returns
    -------
    str
        The same text citing the originals.

    Raises
    ------
    ValueError
        If a copy remains that :data:`ORIGINAL_PAGES` does not know.
    """
    cited = _VIA_COPY.sub(lambda match: ORIGINAL_PAGES[match.group(1)], text)
    cited = _NAMED_COPIES.sub("", cited)
    for copy, original in ORIGINAL_PAGES.items():
        cited = cited.replace(copy, original)
    left = [host for host in MIRROR_HOSTS if host in cited]
    if left:
        raise ValueError(
            f"source {text!r} cites a copy of a page ({', '.join(left)}): add its original to ORIGINAL_PAGES"
        )
    return cited
