"""The command line's ``roles`` command: list, grant and revoke the roles granted in the app.

Without sign-in on the command line, it acts as :data:`COMMAND_LINE_ROLE`:
whoever may write the store file is its local user, who may do all; against
PostGIS the privileges of the database role in the URL decide (a role that
may not write ``role_grants`` is refused by the database, nothing changed).
"""

from __future__ import annotations

import argparse
import json
from typing import Final

from borderwatch.listings import format_grants, records
from borderwatch.roles import GRANTABLE, Role, check_grantable
from borderwatch.store import Actor, IncidentStore

#: The role the command line acts with (see the module's docstring).
COMMAND_LINE_ROLE: Final[Role] = Role.ADMIN
#: What ``roles --help`` says of it.
ROLES_DESCRIPTION: Final[str] = (
    "Roles admins grant on the Import data page, kept in the store: list them, grant\n"
    "analyst or admin to the e-mail address a person signs in with, or revoke a grant.\n"
    "A person's role is the highest of the sign-in settings ([roles] in\n"
    ".streamlit/secrets.toml) and their grant. Every grant and revocation is recorded\n"
    "in the audit trail. Against PostGIS, the database role of the URL must be allowed\n"
    "to write the role_grants table."
)
#: Its examples, with ``{prog}`` for the program's name.
ROLES_EPILOG: Final[str] = (
    "examples:\n  {prog} roles list\n  {prog} roles grant ann@unit.example analyst\n"
    "  {prog} roles revoke ann@unit.example"
)


def _grantable_role(text: str) -> Role:
    try:
        role = Role.parse(text)
        check_grantable(role)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return role


def add_roles_arguments(parser: argparse.ArgumentParser, store_options: argparse.ArgumentParser) -> None:
    """Give the ``roles`` command its sub-commands ``list``, ``grant EMAIL ROLE`` and ``revoke EMAIL``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``roles`` command's parser.
    store_options : argparse.ArgumentParser
        The options that name the store (``--data-dir``, ``--database-url``), accepted after each sub-command too.
    """
    commands = parser.add_subparsers(title="commands", metavar="ROLES_COMMAND", dest="roles_command", required=True)
    listing = commands.add_parser("list", help="list the roles granted in the app", parents=[store_options])
    listing.add_argument("--json", action="store_true",
                         help="print a JSON list of objects: email, role, granted_by, granted_at")
    granting = commands.add_parser("grant", help="grant a role to an e-mail address", parents=[store_options])
    granting.add_argument("email", metavar="EMAIL", help="the e-mail address the person signs in with")
    granting.add_argument("role", metavar="ROLE", type=_grantable_role,
                          help=f"{' or '.join(role.label for role in GRANTABLE)} (replaces an earlier grant)")
    revoking = commands.add_parser("revoke", help="revoke the role granted to an e-mail address",
                                   parents=[store_options])
    revoking.add_argument("email", metavar="EMAIL", help="the e-mail address, as `roles list` lists it")


def run_roles(store: IncidentStore, args: argparse.Namespace, actor: Actor) -> str:
    """Run the ``roles`` sub-command of ``args`` on ``store`` as ``actor``; return what to print.

    Raises
    ------
    EmailAddressError, UnknownGrantError, PermissionDeniedError
        As :meth:`~borderwatch.store.interface.IncidentStore.grant_role` and ``revoke_role`` raise them.
    """
    if args.roles_command == "list":
        grants = store.role_grants()
        if args.json:
            return json.dumps(records(grants, "granted_at"), ensure_ascii=False)
        return format_grants(grants) if not grants.empty else (
            "no role is granted in the app (the sign-in settings may give roles: see .streamlit/secrets.toml)")
    address = args.email.strip().lower()
    if args.roles_command == "grant":
        changed = store.grant_role(args.email, args.role, actor=actor, acting_role=COMMAND_LINE_ROLE)
        return f"granted {args.role.label} to {address}" if changed else (
            f"{address} holds {args.role.label} already: nothing changed")
    role = store.revoke_role(args.email, actor=actor, acting_role=COMMAND_LINE_ROLE)
    return f"revoked {role.label} from {address} (a role from the sign-in settings stays)"
