"""The map as one HTML file that works with no network and no server.

:func:`standalone_html` writes the scripts and styles the app serves under its
asset routes into the page (from a copy made by
:func:`layers.assets.install_vendor_assets`), and the images their styles use become
``data:`` URIs. Scripts are copied as files, never built from data: what the
map's layers pass to them is JSON (:func:`borderwatch.escape.script_json`).
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import folium
from branca.element import Element

from borderwatch.errors import OfflineAssetError
from borderwatch.escape import escape_html, script_json
from borderwatch.export import Attribution
from layers.export.credits import BOUNDARIES_CREDIT, CREDIT_WIDTH_SHARE, DEFAULT_TITLE, attribution_html

# folium layers that load from a URL when the page runs, and the attribute
# holding it: a standalone file cannot.
_FETCHING_LAYERS: tuple[tuple[type, str], ...] = (
    (folium.raster_layers.TileLayer, "tiles"),
    (folium.raster_layers.WmsTileLayer, "url"),
    (folium.raster_layers.ImageOverlay, "url"),
    (folium.raster_layers.VideoOverlay, "video_url"),
    (folium.GeoJson, "embed_link"),
)

# References that need no file and no network.
_EMBEDDED_SCHEMES = ("data", "blob", "about")
# Hyperlinks are followed only when clicked; everything else loads with the page.
_LINK_TAGS = ("a", "area")

_CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>.*?)(?P=quote)\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
# A source map names a file the page does not carry; browsers fetch it for their tools only.
_SOURCE_MAP = re.compile(r"^[ \t]*(?://[#@][ \t]*sourceMappingURL=[^\n]*|/\*[#@][ \t]*sourceMappingURL=.*?\*/)[ \t]*$",
                         re.MULTILINE)
# Inside a script or style element, "</script" (or "</style") ends it, and
# "<!--" followed by "<script" changes how the browser finds its end; with the
# backslash both read the same in JavaScript strings and regular expressions.
_RAW_TEXT_CLOSE = re.compile(r"</(?=(?:script|style))", re.IGNORECASE)
_COMMENT_OPEN = "<!--"


@dataclass(frozen=True)
class _Tag:
    name: str
    attrs: tuple[tuple[str, str | None], ...]
    start: int
    end: int

    def attr(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


class _TagScanner(HTMLParser):
    """Start and end tags of a document with their offsets; the text of scripts is not parsed as tags."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        # HTMLParser counts lines at "\n" only, so offsets are computed the same way.
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.start_tags: list[_Tag] = []
        self.end_tags: list[tuple[str, int]] = []
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        self.start_tags.append(_Tag(tag, tuple(attrs), start, start + len(self.get_starttag_text() or "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.end_tags.append((tag, self._offset()))

    def end_of(self, tag: _Tag, text: str) -> tuple[int, int]:
        """Offsets of the end tag closing a raw-text element (script, style): its ``<`` and after its ``>``."""
        start = next((offset for name, offset in self.end_tags if name == tag.name and offset >= tag.end), len(text))
        close = text.find(">", start)
        return start, (len(text) if close < 0 else close + 1)


def _is_foreign(url: str) -> bool:
    """Whether loading ``url`` needs the network: it names a host (``https://x``, ``//x``)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return True
    return bool(parts.netloc) or parts.scheme.lower() in ("http", "https", "ws", "wss", "ftp")


def _is_embedded(url: str) -> bool:
    text = url.strip()
    return text.startswith("#") or (":" in text and text.split(":", 1)[0].lower() in _EMBEDDED_SCHEMES)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _raw_text(content: str) -> str:
    """Content made safe to sit inside a ``<script>`` or ``<style>`` element."""
    return _RAW_TEXT_CLOSE.sub("<\\\\/", content).replace(_COMMENT_OPEN, "<\\!--")


def _start_tag(name: str, attrs: tuple[tuple[str, str | None], ...]) -> str:
    written = "".join(
        f" {key}" if value is None else f' {key}="{html.escape(value, quote=True)}"' for key, value in attrs
    )
    return f"<{name}{written}>"


class _Inliner:
    """Turns references to the app's assets into content; notes every reference it cannot."""

    def __init__(self, static_dir: Path, static_url: str) -> None:
        self.root = static_dir.resolve()
        self.prefix = static_url.rstrip("/") + "/"
        self.problems: list[str] = []
        #: Inlined stylesheets, in document order, for the top of the head.
        self.stylesheets: list[str] = []

    def is_static(self, url: str) -> bool:
        return url.strip().startswith(self.prefix)

    def file(self, url: str) -> Path | None:
        """The file a URL under the static URL names, or None (and a problem) when there is none."""
        relative = unquote(urlsplit(url.strip()).path[len(urlsplit(self.prefix).path):])
        return self._inside_root(self.root / relative, url)

    def _inside_root(self, candidate: Path, url: str) -> Path | None:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root):
            self.problems.append(f"{url}: points outside the asset folder {self.root}")
            return None
        if not resolved.is_file():
            self.problems.append(
                f"{url}: {resolved} is missing; install the map's assets first "
                "(layers.assets.install_vendor_assets)"
            )
            return None
        return resolved

    def refuse(self, url: str, where: str) -> None:
        """Note a reference that cannot be embedded."""
        if _is_foreign(url):
            self.problems.append(f"{url} ({where}): refers to another host; the saved map must work with no network")
        else:
            self.problems.append(f"{url} ({where}): not a file under {self.prefix}, so it cannot be embedded")

    def css(self, text: str, base: Path | None, where: str) -> str:
        """Stylesheet text with every ``url(...)`` as a data URI; ``base`` is the sheet's folder (None: inline)."""
        if _CSS_IMPORT.search(text):
            self.problems.append(f"{where}: stylesheets that @import others cannot be embedded")

        def embed(match: re.Match[str]) -> str:
            url = match.group("url").strip()
            if _is_embedded(url):
                return match.group(0)
            if self.is_static(url):
                found = self.file(url)
            elif base is not None and not _is_foreign(url) and not urlsplit(url).scheme and not url.startswith("/"):
                found = self._inside_root(base / unquote(urlsplit(url).path), url)
            else:
                self.refuse(url, where)
                return match.group(0)
            return match.group(0) if found is None else f'url("{_data_uri(found)}")'

        return _CSS_URL.sub(embed, text)


def _fetching_layer_problems(fmap: folium.Map) -> list[str]:
    """URLs that layers of the map would load when the page runs."""
    problems = []
    pending: list[Element] = [fmap]
    while pending:
        element = pending.pop()
        pending.extend(element._children.values())
        for kind, attribute in _FETCHING_LAYERS:
            url = getattr(element, attribute, None) if isinstance(element, kind) else None
            if isinstance(url, str) and url and not _is_embedded(url):
                problems.append(
                    f"{url}: the layer {type(element).__name__} loads it when the page runs; "
                    "a standalone map needs its data inline"
                )
    return problems


def _script_edit(tag: _Tag, text: str, scanner: _TagScanner, inliner: _Inliner) -> tuple[int, int, str] | None:
    source = tag.attr("src")
    if source is None:
        start, _ = scanner.end_of(tag, text)
        body = text[tag.end:start]
        # Data a layer fetches from the app when the page runs (e.g. a basemap URL): it would be missing.
        for match in re.finditer(rf"""["']({re.escape(inliner.prefix)}[^"']*)""", body):
            inliner.problems.append(
                f"{match.group(1)}: the map fetches this from the app when the page runs; "
                "build it with that data inline (e.g. countries_url=None)"
            )
        return None
    if _is_embedded(source):
        return None
    if not inliner.is_static(source):
        inliner.refuse(source, "script")
        return None
    found = inliner.file(source)
    if found is None:
        return None
    code = _SOURCE_MAP.sub("", found.read_text(encoding="utf-8"))
    _, after = scanner.end_of(tag, text)
    return tag.start, after, f"<script>/* {found.name} */\n{_raw_text(code)}\n</script>"


def _style_edit(tag: _Tag, text: str, scanner: _TagScanner, inliner: _Inliner) -> tuple[int, int, str] | None:
    start, _ = scanner.end_of(tag, text)
    body = text[tag.end:start]
    embedded = inliner.css(body, None, "style element")
    return None if embedded == body else (tag.end, start, _raw_text(embedded))


def _link_edit(tag: _Tag, inliner: _Inliner) -> tuple[int, int, str] | None:
    href = tag.attr("href")
    if href is None or _is_embedded(href):
        return None
    if not inliner.is_static(href):
        inliner.refuse(href, "link")
        return None
    found = inliner.file(href)
    if found is None:
        return None
    if "stylesheet" in (tag.attr("rel") or "").lower().split():
        css = inliner.css(_SOURCE_MAP.sub("", found.read_text(encoding="utf-8")), found.parent, found.name)
        inliner.stylesheets.append(f"<style>/* {found.name} */\n{_raw_text(css)}\n</style>\n")
        return tag.start, tag.end, ""
    attrs = tuple((key, _data_uri(found) if key == "href" else value) for key, value in tag.attrs)
    return tag.start, tag.end, _start_tag(tag.name, attrs)


def _source_edit(tag: _Tag, inliner: _Inliner) -> tuple[int, int, str] | None:
    """An element that loads its ``src`` (img, iframe, audio, ...): the file becomes a data URI."""
    source = tag.attr("src")
    if source is None or _is_embedded(source):
        return None
    if not inliner.is_static(source):
        inliner.refuse(source, f"{tag.name} element")
        return None
    found = inliner.file(source)
    if found is None:
        return None
    attrs = tuple((key, _data_uri(found) if key == "src" else value) for key, value in tag.attrs)
    return tag.start, tag.end, _start_tag(tag.name, attrs)


def standalone_html(
    fmap: folium.Map,
    static_dir: Path,
    static_url: str,
    *,
    title: str = DEFAULT_TITLE,
    sources: Sequence[Attribution] = (),
    references: Sequence[str] = (BOUNDARIES_CREDIT,),
) -> str:
    """Render a map as one HTML file that needs no server and no network.

    Parameters
    ----------
    fmap : folium.Map
        The map with every layer to keep, its data inline (build the basemap
        with ``countries_url=None``); rendered, not otherwise changed.
    static_dir : Path
        A copy of the assets the map loads (:func:`layers.assets.install_vendor_assets`).
    static_url : str
        URL path the app serves ``static_dir`` under, e.g. ``"/_assets"``.
    title : str
        Text of the page's ``<title>`` (escaped).
    sources : sequence of Attribution
        The datasets whose incidents the map draws (see :func:`attribution_text`).
    references : sequence of str
        The credits of the reference data it draws (see :func:`attribution_text`).

    Returns
    -------
    str
        The page: scripts under ``static_url`` inlined where they were,
        stylesheets inlined at the top of the head (before the map's own
        styles, which override them) with their images as ``data:`` URIs,
        a ``generator`` meta tag; the credit line in the map's attribution
        control (each source's website a link), and each credit in a
        ``dcterms.source`` meta tag.

    Raises
    ------
    OfflineAssetError
        Naming every reference the file could not carry: another host
        (``http:``, ``https:``, ``//``), a file missing from ``static_dir``,
        a reference outside ``static_url``, or a layer that loads data when
        the page runs (online tiles, a fetched basemap).
    """
    problems = _fetching_layer_problems(fmap)
    text = fmap.get_root().render()
    scanner = _TagScanner(text)
    inliner = _Inliner(Path(static_dir), static_url)
    edits: list[tuple[int, int, str]] = []
    for tag in scanner.start_tags:
        if tag.name == "script":
            edit = _script_edit(tag, text, scanner, inliner)
        elif tag.name == "style":
            edit = _style_edit(tag, text, scanner, inliner)
        elif tag.name == "link":
            edit = _link_edit(tag, inliner)
        elif tag.name not in _LINK_TAGS:
            edit = _source_edit(tag, inliner)
            for key in ("href", "poster", "srcset", "data"):
                value = tag.attr(key)
                if value and _is_foreign(value):
                    inliner.refuse(value, f"{tag.name} element")
        else:
            edit = None
        if edit is not None:
            edits.append(edit)
    problems += inliner.problems
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise OfflineAssetError(f"the map cannot be saved as a standalone file:\n{listing}")

    head = next((tag.end for tag in scanner.start_tags if tag.name == "head"), 0)
    # Library styles first, so the map's own rules (e.g. the sea's colour) win,
    # as they do in the app, where the map's frame loads the libraries first.
    credits = [*references, *(source.credit for source in sources)]
    # The credits wrap within most of the map's width, clear of the scale bar at the bottom left.
    edits.append((head, head, (
        f"\n<title>{escape_html(title)}</title>\n"
        '<meta name="generator" content="BorderWatch">\n'
        + "".join(f'<meta name="dcterms.source" content="{escape_html(credit)}">\n' for credit in credits)
        + "".join(inliner.stylesheets)
        + f"<style>.leaflet-control-attribution {{ max-width: {CREDIT_WIDTH_SHARE:.0%}; }}</style>\n"
    )))
    credits_html = script_json(attribution_html(sources, references))
    end = max((offset for name, offset in scanner.end_tags if name == "html"), default=len(text))
    edits.append((end, end, (
        "<script>\n(function () {\n"
        f"    var control = {fmap.get_name()}.attributionControl;\n"
        f"    if (control) {{ control.addAttribution({credits_html}); }}\n"
        "})();\n</script>\n"
    )))
    pieces, position = [], 0
    for start, stop, replacement in sorted(edits):
        pieces += [text[position:start], replacement]
        position = stop
    pieces.append(text[position:])
    return "".join(pieces)
