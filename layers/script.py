"""Calls from the map's script into the bundled browser code (``layers/web/*.js``).

Each layer that draws in the browser sends only its data and one call, e.g.
``BorderWatch.sites(group, {...}, {...})``; the code itself is a static
asset loaded once (see :mod:`layers.assets`) and inlined in a saved map.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from borderwatch.escape import script_json


class ScriptCall(MacroElement):
    """``BorderWatch.<function>(<parent>, <data>, <options>)`` in the parent's script.

    Parameters
    ----------
    function : str
        A function of ``window.BorderWatch`` (a name, never from data).
    data : object
        JSON-serialisable; written with :func:`borderwatch.escape.script_json`,
        so text from data cannot end the script or reach a template.
    options : dict, optional
        Settings of the call, written the same way.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "BorderWatch.{{ this.function }}({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.options_json }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, data: object, options: dict | None = None) -> None:
        super().__init__()
        if not function.isidentifier():
            raise ValueError(f"{function!r} is not a function name")
        self._name = "ScriptCall"
        self.function = function
        self.data_json = script_json(data)
        self.options_json = script_json(options or {})
