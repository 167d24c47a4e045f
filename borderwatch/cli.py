"""The command line: import files into the store, list and remove datasets and infrastructure, grant roles, export.

Run as ``borderwatch COMMAND ...`` (or ``python -m borderwatch COMMAND ...``); every
command has ``--help``.
Exit codes: 0 done (an import with rejected rows is done: it was stored);
2 refused (a file refused as a whole, a strict import with rejected rows,
an unknown dataset, bad arguments), with one message on stderr and the
store unchanged; 130 interrupted (the running import is rolled back).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final, TextIO

import psycopg

from borderwatch import config, exportcommand, infracommands
from borderwatch.bordercommands import (
    BORDERS_DESCRIPTION,
    BORDERS_EPILOG,
    BORDERS_SUMMARY,
    add_borders_arguments,
    run_borders,
)
from borderwatch.borders import Border, find_border
from borderwatch.errors import (
    BorderWatchError,
    StrictImportError,
    capped,
    counted,
    quoted,
)
from borderwatch.importers import FORMATS, detect_format, read_incidents
from borderwatch.importers.report import group_rejections
from borderwatch.listings import format_audit, format_datasets, records
from borderwatch.rolecommands import ROLES_DESCRIPTION, ROLES_EPILOG, add_roles_arguments, run_roles
from borderwatch.store import (
    DATA_DIR_ENV,
    DATABASE_FILE,
    Actor,
    ImportReport,
    IncidentStore,
    data_dir,
    file_sha256,
    open_store,
)
from borderwatch.store.factory import configured_database_url
from borderwatch.store.postgis import PostGISStore, safe_url
from borderwatch.store.transfer import copy_to_postgis

#: The program's name in usage, help and errors, whichever way it was started: the
#: installed command (``python -m borderwatch`` runs the same program).
PROG: Final[str] = "borderwatch"
EXIT_OK: Final[int] = 0
EXIT_REFUSED: Final[int] = 2
EXIT_INTERRUPTED: Final[int] = 130

#: Records per chunk read: the progress line moves every two seconds or so (imports
#: run at about 12,000 rows/s); 10,000 would cost some 15 % in speed.
CHUNK_ROWS: Final[int] = 25_000
#: The progress line appears only once an import has run this long, so small files stay quiet.
PROGRESS_DELAY_S: Final[float] = 0.5

_DESCRIPTION = """\
BorderWatch on the command line: import ACLED, GTD, UCDP GED and GIS files
into the local incident store (the one the dashboard reads), list and remove
datasets, and export filtered incidents as CSV, GeoJSON or GeoPackage."""

_EPILOG = f"""\
examples:
  {PROG} import 2024-tunisia-libya.csv
  {PROG} import ged.csv --dataset ucdp-ged-24 --strict
  {PROG} import points.geojson --mapping event_date=day --mapping location=town
  {PROG} import acled-export.csv --json > report.json
  {PROG} datasets
  {PROG} remove ucdp-ged-24
  {PROG} audit --limit 20
  {PROG} roles grant ann@unit.example analyst
  {PROG} infrastructure import fences.geojson --border TUN-LBY
  {PROG} export --format gpkg --from 2016-01-01 --type Battles -o battles.gpkg

store: one SQLite file ({DATABASE_FILE}) in --data-dir, else ${DATA_DIR_ENV},
else the per-user data directory ({data_dir()} here); or, with --database-url
(else ${config.DATABASE_URL_ENV}), a shared PostgreSQL + PostGIS database.
exit codes: 0 done (rejected rows included), 2 refused (nothing stored), 130 interrupted."""


class CommandError(BorderWatchError):
    """A request the command line refuses, with the one-line message the user sees."""


# -- small helpers -------------------------------------------------------------


def _one_line(message: str) -> str:
    """Messages go to stderr as one line: a multi-line error is joined, a huge one cut."""
    return capped(" ".join(part.strip() for part in message.splitlines() if part.strip()))


def _mapping_item(text: str) -> tuple[str, str]:
    field, sep, column = text.partition("=")
    if not sep or not field.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not FIELD=COLUMN")
    return field.strip(), column.strip()


class Progress:
    """Rows read and rate, redrawn on one stderr line while an import runs.

    Parameters
    ----------
    stream : TextIO
        Where to draw (stderr); nothing is drawn unless it is a terminal.
    label : str
        Shown before the counts, e.g. the file name.
    """

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.width = 0

    def __call__(self, rows: int) -> None:
        """Draw the line for ``rows`` records read so far."""
        elapsed = time.monotonic() - self.started
        if not self.enabled or elapsed < PROGRESS_DELAY_S:
            return
        line = f"{self.label}: {rows:,} rows read, {rows / elapsed:,.0f} rows/s, {elapsed:,.0f} s"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def finish(self) -> None:
        """Erase the line, so the report starts on a clean one."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


# -- the import report ---------------------------------------------------------

def format_report(report: ImportReport, file_name: str) -> str:
    """Return the import report as the command line prints it.

    Parameters
    ----------
    report : ImportReport
    file_name : str
        The file imported.

    Returns
    -------
    str
        Lines: what went where; ``accepted N — rejected M``; added / updated
        / unchanged; then the rejections grouped by reason pattern, most
        frequent first, each with a few example rows.
    """
    lines = [
        f"{file_name}: {report.format} into dataset {quoted(report.dataset)}",
        f"accepted {report.accepted:,} — rejected {report.rejected:,}",
        f"added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}",
    ]
    groups = group_rejections(report.rejections)
    if not groups.empty:
        lines.append("rejections by reason (a row may have several):")
    for group in groups.itertuples():
        lines.append(f"  {group.rows:>7,}  {group.column}: {group.problem}")
        lines.append(f"           {'row' if group.rows == 1 else 'rows'} {group.first_rows}; e.g. {group.example}")
    return "\n".join(lines)


# -- commands ------------------------------------------------------------------


def _open(args: argparse.Namespace, *, allow_damaged: bool = False) -> IncidentStore:
    # An explicit --data-dir names the embedded store even when the environment names a database.
    url = args.database_url or (None if args.data_dir else configured_database_url())
    return open_store(Path(args.data_dir) / DATABASE_FILE if args.data_dir else None, database_url=url,
                      allow_damaged=allow_damaged)


def command_line_actor() -> Actor:
    """Who runs this command, as the audit trail records them: ``cli:`` and the OS user name."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a user id without a name (some containers)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return Actor.command_line(user)


def _upgrade_db(args: argparse.Namespace) -> int:
    url = configured_database_url(args.database_url)
    if url is None:
        raise CommandError(f"name the database: --database-url postgresql://... (or ${config.DATABASE_URL_ENV})")
    with PostGISStore(url) as store:
        print(f"{safe_url(url)}: schema at migration {store.schema_version()}")
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    path = (Path(args.data_dir) if args.data_dir else data_dir()) / DATABASE_FILE
    if not path.is_file():
        raise CommandError(f"{path}: no store to migrate there; name its folder with --data-dir")
    open_store(path).close()  # checked, and brought to the current schema, before it is copied
    copied = copy_to_postgis(path, args.to)
    counts = ", ".join(f"{table} {rows}" for table, rows in copied.items())
    print(f"copied {path} into {safe_url(args.to)} (rows checked: {counts})")
    return EXIT_OK


def _warn_of_unreadable_dates(store: IncidentStore) -> None:
    """Say which datasets hold dates no page can show (stored by an older BorderWatch)."""
    unreadable = store.unreadable_dates()
    for dataset, incidents in zip(unreadable["dataset"].tolist(), unreadable["incidents"].tolist(), strict=True):
        print(f"warning: dataset {quoted(dataset)} holds {counted(int(incidents), 'incident')} dated before "
              "the year 1, which no page or export shows: remove the dataset and import its file again "
              "(such rows are now rejected)", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.is_file():
        raise CommandError(f"{path}: file not found")
    format = args.format or detect_format(path)
    dataset = args.dataset if args.dataset is not None else format
    mapping = dict(args.mapping) if args.mapping else None
    file_hash = file_sha256(path)
    progress = Progress(sys.stderr, path.name)
    with _open(args) as store:
        try:
            report = store.import_chunks(
                read_incidents(path, format=format, dataset=dataset, column_mapping=mapping,
                               chunk_rows=CHUNK_ROWS),
                dataset=dataset, format=format, file_name=path.name, file_hash=file_hash,
                strict=args.strict, progress=progress, mapping=mapping, actor=command_line_actor(),
            )
        except StrictImportError as error:
            progress.finish()
            # The user (or the script) gets every rejection, then the refusal on stderr.
            _print_report(error.report, path.name, as_json=args.json)
            raise
        except BorderWatchError:
            raise
        except ValueError as error:
            # A column mapping naming unknown fields: the user's input, not a bug.
            raise CommandError(str(error)) from error
        finally:
            progress.finish()
    _print_report(report, path.name, as_json=args.json)
    return EXIT_OK


def _print_report(report: ImportReport, file_name: str, *, as_json: bool) -> None:
    print(json.dumps(report.to_dict(), ensure_ascii=False) if as_json else format_report(report, file_name))


def _datasets(args: argparse.Namespace) -> int:
    with _open(args) as store:
        frame = store.datasets()
        _warn_of_unreadable_dates(store)
    if args.json:
        print(json.dumps(records(frame, "imported_at"), ensure_ascii=False))
    elif frame.empty:
        print("the store holds no dataset")
    else:
        print(format_datasets(frame))
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    with _open(args) as store:
        removed = store.remove_dataset(args.name, actor=command_line_actor())
    print(f"removed dataset {quoted(args.name)}: {counted(removed, 'incident')}")
    return EXIT_OK


def _roles(args: argparse.Namespace) -> int:
    with _open(args) as store:
        print(run_roles(store, args, command_line_actor()))
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    with _open(args) as store:
        frame = store.audit_log(args.limit)
    if args.json:
        print(json.dumps(records(frame, "recorded_at"), ensure_ascii=False))
    else:
        print(format_audit(frame) if not frame.empty else "the audit trail is empty")
    return EXIT_OK


def _chosen_border(args: argparse.Namespace) -> Border:
    """The border of ``--border`` (checked before anything is read or written), else the default."""
    return find_border(args.border or config.DEFAULT_BORDER)


def _synth(args: argparse.Namespace) -> int:
    from borderwatch.synth import write_synthetic_acled  # loads the country polygons: only when asked

    output = Path(args.output)
    border = _chosen_border(args)
    progress = Progress(sys.stderr, output.name)
    try:
        written = write_synthetic_acled(output, args.rows, args.seed, progress=progress, border=border)
    except ValueError as error:
        raise CommandError(str(error)) from error
    finally:
        progress.finish()
    around = "" if border.key == config.DEFAULT_BORDER else f", around the {border.name} border"
    print(f"{output}: {written:,} synthetic ACLED rows (seed {args.seed}{around}); not real events")
    return EXIT_OK


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1, written with ``_`` or ``,`` between digits if wished."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


# -- the parser ----------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``borderwatch`` command.

    Returns
    -------
    argparse.ArgumentParser
        Sub-commands ``import``, ``datasets``, ``remove``, ``audit``, ``roles``, ``export``, ``synth``,
        ``infrastructure``, ``borders``, ``upgrade-db``, ``migrate``; each sets ``handler``, the function that runs it.
        (The benchmark is ``python -m scripts.bench``, from the checkout.)
    """
    # --data-dir is accepted before and after the command; SUPPRESS keeps a
    # sub-command's unset copy from overwriting a value given before it.
    store_options = argparse.ArgumentParser(add_help=False)
    store_options.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS,
        help=f"folder of the store (default: ${DATA_DIR_ENV}, else the per-user data directory)",
    )
    store_options.add_argument(
        "--database-url", metavar="URL", default=argparse.SUPPRESS,
        help=f"use this PostgreSQL + PostGIS database (postgresql://user@host/db) instead of the "
             f"embedded store (default: ${config.DATABASE_URL_ENV})",
    )
    parser = argparse.ArgumentParser(
        prog=PROG, description=_DESCRIPTION, epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help=f"folder of the store (default: ${DATA_DIR_ENV}, else the per-user data directory)")
    parser.add_argument("--database-url", metavar="URL", default=None,
                        help=f"use this PostgreSQL + PostGIS database instead (default: ${config.DATABASE_URL_ENV})")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    def command(name: str, summary: str, description: str, epilog: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=description, epilog=epilog, parents=[store_options],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    importing = command(
        "import", "import a file into the store",
        "Validate a file and store its accepted rows as one dataset, in one transaction.\n"
        "Prints accepted and rejected rows (reasons grouped), and how many were added,\n"
        "updated or unchanged. Re-importing the same file changes nothing; a newer ACLED\n"
        "export updates the events whose timestamp changed.",
        f"examples:\n  {PROG} import acled-export.csv\n"
        f"  {PROG} import gtd.xlsx --format gtd --dataset gtd-2020 --strict\n"
        f"  {PROG} import points.gpkg --mapping event_date=day --mapping event_type=kind "
        "--mapping location=town\n"
        "exit codes: 0 stored (rejected rows included), 2 refused: nothing stored.",
    )
    importing.add_argument("path", metavar="PATH", help="CSV or XLSX export, GeoJSON, GeoPackage, GeoParquet, "
                                                         "or zipped shapefile")
    importing.add_argument("--format", choices=FORMATS, help="skip detection from the file's content")
    importing.add_argument("--dataset", metavar="NAME",
                           help="dataset to store into (default: the format's name, so a newer export "
                                "of the same source updates the same dataset)")
    importing.add_argument("--mapping", metavar="FIELD=COLUMN", action="append", type=_mapping_item,
                           help="schema field -> the file's column (repeat it); for GIS files, else "
                                "a column a CSV format expects -> the file's renamed column")
    importing.add_argument("--strict", action="store_true", help="refuse the whole file if any row is rejected")
    importing.add_argument("--json", action="store_true",
                           help="print the report as one JSON object: format, dataset, accepted, rejected, "
                                "added, updated, unchanged, rejections [{row, column, reason}]")
    importing.set_defaults(handler=_import)

    listing = command(
        "datasets", "list the datasets in the store",
        "List the datasets with their provenance: format, file name, SHA-256, time of the\n"
        "last import that changed them and its row counts, incidents stored now and\n"
        "probable duplicates of other datasets' incidents among them.",
        f"examples:\n  {PROG} datasets\n  {PROG} datasets --json",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON list of objects, one per dataset")
    listing.set_defaults(handler=_datasets)

    removing = command(
        "remove", "remove a dataset and its incidents",
        "Remove a dataset and all its incidents, in one transaction. The bundled\n"
        "dataset may be removed too.",
        f"example:\n  {PROG} remove acled",
    )
    removing.add_argument("name", metavar="NAME", help="the dataset's name, as `datasets` lists it")
    removing.set_defaults(handler=_remove)

    auditing = command(
        "audit", "list the audit trail: who imported, updated or removed what, or changed whose role",
        "List the store's audit trail, newest first: when (UTC), who (cli:USER on the\n"
        "command line, the signed-in e-mail in the app), which way (app, cli), what\n"
        "(import of a new dataset, update of an existing one, removal, grant or revoke of\n"
        "a role; done, or refused by the person's role), the dataset, the file and its\n"
        "SHA-256, the e-mail and role of a role change, and the counts\n"
        "added, updated, unchanged, rejected and removed. An import that changed nothing\n"
        "(the same file again) is not recorded. Entries cannot be changed or deleted.",
        f"examples:\n  {PROG} audit\n  {PROG} audit --json --limit 100",
    )
    auditing.add_argument("--limit", type=positive_int, metavar="N", help="only the newest N entries")
    auditing.add_argument("--json", action="store_true",
                          help="print a JSON list of objects, one per entry, newest first")
    auditing.set_defaults(handler=_audit)

    granting = command("roles", "list, grant and revoke the roles granted in the app", ROLES_DESCRIPTION,
                       ROLES_EPILOG.format(prog=PROG))
    add_roles_arguments(granting, store_options)
    granting.set_defaults(handler=_roles)

    exporting = command("export", "export filtered incidents", exportcommand.EXPORT_DESCRIPTION,
                        exportcommand.EXPORT_EPILOG.format(prog=PROG))
    exportcommand.add_export_arguments(exporting)
    # A damaged store is opened too: exporting is the way out of one.
    exporting.set_defaults(handler=lambda args: exportcommand.run_export(args, lambda: _open(args, allow_damaged=True)))

    synthesizing = command(
        "synth", "write synthetic ACLED data, to try BorderWatch at scale",
        "Write N synthetic incidents as an ACLED CSV export (current schema): events\n"
        "clustered around real towns of Tunisia, Libya and Algeria and along the\n"
        "Tunisia-Libya border, ACLED's type mix, years of dates, skewed deaths. With\n"
        "--border, events around that border instead: GeoNames towns of both countries\n"
        "near it and points along the line, generic actors of the two countries. The\n"
        "same N, seed and border always give the same file. Not real events.",
        f"examples:\n  {PROG} synth --rows 1000000 --seed 1 -o synthetic.csv\n"
        f"  {PROG} import synthetic.csv --dataset synthetic\n"
        f"  {PROG} synth --border DZA-MAR --rows 100000 -o dza-mar.csv",
    )
    synthesizing.add_argument("--rows", type=positive_int, required=True, metavar="N", help="rows to write")
    synthesizing.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    synthesizing.add_argument("-o", "--output", metavar="FILE", required=True, help="CSV file to write (replaced)")
    synthesizing.add_argument("--border", metavar="CODE-CODE",
                              help="events around this land border: two ISO 3166-1 alpha-3 codes in either order "
                                   f"(see the borders command; default {config.DEFAULT_BORDER})")
    synthesizing.set_defaults(handler=_synth)

    infra = command("infrastructure", infracommands.INFRASTRUCTURE_SUMMARY, infracommands.INFRASTRUCTURE_DESCRIPTION,
                    infracommands.INFRASTRUCTURE_EPILOG.format(prog=PROG))
    infracommands.add_infrastructure_arguments(infra, store_options)
    infra.set_defaults(handler=lambda args: infracommands.run_infrastructure(args, lambda: _open(args),
                                                                             command_line_actor()))

    bordering = command("borders", BORDERS_SUMMARY, BORDERS_DESCRIPTION, BORDERS_EPILOG.format(prog=PROG))
    add_borders_arguments(bordering)
    bordering.set_defaults(handler=run_borders)

    upgrading = command(
        "upgrade-db", "create or upgrade the tables of a PostGIS database",
        "Create BorderWatch's tables in the database of --database-url (or\n"
        f"${config.DATABASE_URL_ENV}), or bring them to this version's numbered migrations\n"
        "(recorded in its schema_migrations table). Run it as a role that may create\n"
        "tables (the database's owner); the app and the CLI then need only read and write them.",
        f"example:\n  {PROG} --database-url postgresql://owner@db.example/borderwatch upgrade-db",
    )
    upgrading.set_defaults(handler=_upgrade_db)

    migrating = command(
        "migrate", "copy the embedded store into an empty PostGIS database",
        "Copy the SQLite store of --data-dir (or the default folder) whole into an empty\n"
        "PostgreSQL + PostGIS database: datasets and their provenance, the import log,\n"
        "incidents with their measures and duplicate flags, the map summary. One\n"
        "transaction: the row count of every table is checked before it commits. A\n"
        "database that holds a store already is refused. The file is not changed.",
        f"example:\n  {PROG} migrate --to postgresql://analyst@db.example/borderwatch",
    )
    migrating.add_argument("--to", metavar="URL", required=True, help="the PostGIS database (postgresql://...)")
    migrating.set_defaults(handler=_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit code: :data:`EXIT_OK`, :data:`EXIT_REFUSED` or :data:`EXIT_INTERRUPTED`.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), already printed
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except (BorderWatchError, OSError, sqlite3.Error, psycopg.Error) as error:
        # Expected failures (refused input, files, the store's disk) get one
        # line; anything else is a bug and keeps its traceback.
        message = str(error) if isinstance(error, BorderWatchError) else f"{type(error).__name__}: {error}"
        print(f"{parser.prog}: error: {_one_line(message)}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted; nothing of the running import was stored", file=sys.stderr)
        return EXIT_INTERRUPTED
