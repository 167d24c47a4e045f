"""The one place where text from data is made safe for the browser.

Text from data reaches the page through three interpreters: branca renders
popup HTML as a Jinja template on the server (``{{ ... }}`` would run Python
expressions), folium puts it inside JavaScript template literals (where
``${...}`` runs and a backslash starts an escape), and the browser parses it
as HTML. :func:`escape_html` neutralises all three; :func:`escape_markdown` does the same
for text shown with ``st.markdown``; :func:`script_json` makes data safe to
write into a map's script, where the page's code shows it as text only.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, cast
from urllib.parse import quote, urlsplit

import pandas as pd

# After html.escape, these are the characters that still act: a JS template
# literal runs ``${...}`` and reads backslash escapes, and folium/branca pass
# popup HTML through Jinja again on the server, where ``{{ ... }}`` and
# ``{% ... %}`` would run as template code. As entities they show as themselves.
_TEMPLATE_ENTITIES = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)

# Characters that CommonMark, Streamlit's LaTeX ($) and its colour/emoji
# directives (:) give meaning to.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# GitHub-flavoured Markdown turns bare URLs, www. names and e-mail addresses
# into links after escapes are resolved, so backslashes cannot stop it; a
# zero-width space inside each marker does (the text still reads the same).
_AUTOLINK_MARKERS = re.compile(r"(:)(//)|(?i:\b(www)(\.))|(@)")
_ZERO_WIDTH_SPACE = "\u200b"


def as_text(value: object) -> str:
    """Return ``value`` as display text: empty for None/NaN/NA, else ``str``.

    Parameters
    ----------
    value : object
        Any cell value.

    Returns
    -------
    str
    """
    if value is None:
        return ""
    try:
        if pd.isna(cast(Any, value)):  # NaN, NaT and pandas.NA
            return ""
    except (TypeError, ValueError):  # not a scalar: show it as it is
        pass
    return str(value)


def escape_html(value: object) -> str:
    """Escape text for HTML that folium embeds in a JavaScript template literal.

    Parameters
    ----------
    value : object
        Text from data (any type; None and NaN give "").

    Returns
    -------
    str
        Text with ``& < > " '`` and `` ` $ \\ { }`` as HTML entities: it shows
        as itself and runs nothing in any of the three contexts.
    """
    return html.escape(as_text(value), quote=True).translate(_TEMPLATE_ENTITIES)


def escape_markdown(value: object) -> str:
    """Escape text so that ``st.markdown`` shows it literally.

    Parameters
    ----------
    value : object
        Text from data.

    Returns
    -------
    str
        Every Markdown, HTML and LaTeX control character backslash-escaped;
        line breaks become spaces so data cannot start a heading or list; a
        zero-width space breaks ``://``, ``www.`` and ``@`` so that no bare
        URL or address becomes a link.
    """
    flat = " ".join(as_text(value).split())
    unlinked = _AUTOLINK_MARKERS.sub(_break_autolink, flat)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)


def _break_autolink(match: re.Match[str]) -> str:
    return _ZERO_WIDTH_SPACE.join(part for part in match.groups() if part) + (
        _ZERO_WIDTH_SPACE if match.group(5) else ""
    )


def safe_url(value: object) -> str | None:
    """Return ``value`` as a link target if it is a plain http(s) URL.

    Parameters
    ----------
    value : object
        A URL from data.

    Returns
    -------
    str or None
        The URL with spaces, quotes, angle brackets and parentheses
        percent-encoded (so it cannot end a Markdown link), or None when it is
        not http(s) with a host. Meant for Markdown links, not HTML attributes.
    """
    text = as_text(value).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe="/:?#[]@!&*+,;=%~-._")


# In compact JSON these sequences can only occur inside strings (an object
# opens with a key's quote), so escaping them there keeps the value intact:
# "<" and ">" could close the script element, "&" could start an entity in
# an attribute, "{{", "{%" and "{#" would run as Jinja when branca renders
# the script template, and "$" and "`" would act if the code were ever
# placed in a template literal.
_SCRIPT_UNSAFE = re.compile(r"[<>&$`\u2028\u2029]|\{(?=[{%#])")


def _script_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)[0]):04x}"


def script_json(value: object) -> str:
    """Encode ``value`` as JSON that is safe to write inside a ``<script>``.

    Parameters
    ----------
    value : object
        Lists, dicts, strings, numbers, booleans and None.

    Returns
    -------
    str
        Compact JSON, ASCII only, in which no text from data can end the
        script, start HTML or run as a template; JavaScript reads the same value.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return _SCRIPT_UNSAFE.sub(_script_escape, text)
