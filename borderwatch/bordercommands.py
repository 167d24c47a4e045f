"""The command line's ``borders`` command: every land border BorderWatch knows, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Final

from borderwatch.borders import border_table, search_borders
from borderwatch.listings import format_borders

#: The command's line in ``borderwatch --help``.
BORDERS_SUMMARY: Final[str] = "list every land border: its two countries' codes and names, its length"
#: What ``borders --help`` says of it.
BORDERS_DESCRIPTION: Final[str] = (
    "List the land borders BorderWatch knows (Natural Earth 1:10m, bundled): the key\n"
    "(the two ISO 3166-1 alpha-3 codes in alphabetical order, which --border takes in\n"
    "either order), each country's code and name, the length in km and the number of\n"
    "separate parts. --search keeps the borders whose countries match every word\n"
    "(name or code, case and accents ignored; the closest country's when none does)."
)
#: Its examples, with ``{prog}`` for the program's name.
BORDERS_EPILOG: Final[str] = (
    "examples:\n  {prog} borders\n  {prog} borders --search tunisia\n  {prog} borders --json"
)


def add_borders_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``borders`` command's options to its parser."""
    parser.add_argument("--search", metavar="TEXT", help="only the borders of the countries this matches")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of objects: border, code_a, code_b, name_a, name_b, length_km, parts")


def run_borders(args: argparse.Namespace) -> int:
    """Print the borders ``args`` asks for (all, or those ``--search`` matches); exit status 0."""
    table = border_table()
    if args.search is not None:
        found = {border.key for border in search_borders(args.search)}
        table = table[table["border"].isin(found)]
    if args.json:
        print(json.dumps([{key: value.item() if hasattr(value, "item") else value for key, value in row.items()}
                          for row in table.to_dict("records")], ensure_ascii=False))
    elif table.empty:
        print(f"no land border matches {args.search!r}")
    else:
        print(format_borders(table))
    return 0
