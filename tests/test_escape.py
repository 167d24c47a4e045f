"""Text from data is shown as text, in HTML, JS template literals and Markdown."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.escape import as_text, escape_html, escape_markdown, safe_url

HOSTILE = [
    "${alert(1)}",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "\\`; alert(1); `",
    "C:\\path\\2019",
    "\"' onmouseover=alert(1) x='",
]


def test_html_special_characters_become_entities():
    assert escape_html("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#x27;"


def test_template_literal_characters_become_entities():
    assert escape_html("${x}") == "&#36;&#123;x&#125;"
    assert escape_html("`") == "&#96;"
    assert escape_html("C:\\path\\2019") == "C:&#92;path&#92;2019"


@given(st.text())
def test_escaped_text_has_no_character_that_html_or_a_template_literal_acts_on(text):
    escaped = escape_html(text)
    assert not set(escaped) & set("<>\"'`$\\{}")


@given(st.text())
def test_escaping_round_trips_through_html_unescape(text):
    import html

    assert html.unescape(escape_html(text)) == text


def test_jinja_delimiters_become_entities():
    assert escape_html("{{ 7*7 }}{% x %}") == "&#123;&#123; 7*7 &#125;&#125;&#123;% x %&#125;"


def test_missing_values_show_as_empty_text():
    assert as_text(None) == ""
    assert as_text(math.nan) == ""
    assert as_text(pd.NA) == ""
    assert as_text(pd.NaT) == ""
    assert as_text(0) == "0"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_escaping_escapes_every_control_character(text):
    escaped = escape_markdown(text)
    # Drop every backslash-escaped character: nothing Markdown acts on may remain.
    bare = re.sub(r"\\.", "", escaped)
    assert not set(bare) & set("<>`$[]()!\\*_{}#|~:&")
    assert re.sub(r"\\(.)", r"\1", escaped) == text


def test_markdown_escaping_neutralises_links_images_html_and_latex():
    escaped = escape_markdown("![x](http://evil/x.png) <b>hi</b> $x^2$ # title\n- item")
    for fragment in ("\\!\\[", "\\]\\(", "\\<b\\>", "\\$", "\\#", "\\-"):
        assert fragment in escaped
    assert "\n" not in escaped


def test_safe_url_accepts_http_and_https_only():
    assert safe_url("https://example.org/a b") == "https://example.org/a%20b"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("ftp://example.org/") is None
    assert safe_url("not a url") is None


def test_safe_url_cannot_close_a_markdown_link():
    url = safe_url("https://example.org/x) [y](javascript:alert(1)")
    assert url is not None and ")" not in url and " " not in url


def test_markdown_escaping_leaves_no_bare_url_or_address_to_autolink():
    escaped = escape_markdown("=HYPERLINK(\"http://evil.example/\") www.evil.example a@evil.example")
    readable = escaped.replace("\\", "")
    for linkable in ("://", "www.", "@e"):
        assert linkable not in readable
    assert readable.replace("\u200b", "") == "=HYPERLINK(\"http://evil.example/\") www.evil.example a@evil.example"


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
))
def test_script_json_keeps_the_value_and_nothing_can_act(value):
    import json

    from borderwatch.escape import script_json

    text = script_json(value)
    assert json.loads(text) == value
    for unsafe in ("<", ">", "&", "$", "`", "{{", "{%", "{#", "\u2028", "\u2029"):
        assert unsafe not in text
