"""Who may do what: the roles of a team's server, and how a signed-in person gets one.

Three roles, each allowing what the one before allows and more:

- ``viewer``: read everything, export;
- ``analyst``: also import data and save plans;
- ``admin``: also remove datasets, read the audit trail and grant roles.

A person's role comes from the sign-in settings (their verified e-mail, or
a group the identity provider puts in the token) and from the roles admins
granted in the app, whichever is higher. Without sign-in the one local user
is an admin of their own store; a server started for anyone (allow-anonymous)
makes everyone a viewer. Checks run where each action runs.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from borderwatch import config
from borderwatch.errors import EmailAddressError, PermissionDeniedError, SettingsError, quoted


class Role(enum.IntEnum):
    """A role; a higher value allows more."""

    VIEWER = 1
    ANALYST = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        """The role's name as people read it (and as settings and the audit trail write it)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named ``text`` (``viewer``, ``analyst`` or ``admin``, any case).

        Raises
        ------
        ValueError
            If ``text`` names no role.
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"{text!r} is not a role: use viewer, analyst or admin") from None


#: The roles an admin may grant in the app: everyone who signs in is a viewer already.
GRANTABLE: tuple[Role, ...] = (Role.ANALYST, Role.ADMIN)

#: The least role each action needs.
ACTIONS: dict[str, Role] = {
    "read": Role.VIEWER,
    "export": Role.VIEWER,
    "import": Role.ANALYST,
    "save_plan": Role.ANALYST,
    "remove_dataset": Role.ADMIN,
    "read_audit": Role.ADMIN,
    "grant_role": Role.ADMIN,
}

#: How each action reads in a refusal.
ACTION_WORDS: dict[str, str] = {
    "read": "read the data",
    "export": "export data",
    "import": "import data",
    "save_plan": "save plans",
    "remove_dataset": "remove datasets",
    "read_audit": "read the audit trail",
    "grant_role": "grant roles",
}


@dataclass(frozen=True)
class RoleSettings:
    """Which signed-in people get which role from the settings.

    Attributes
    ----------
    admin_emails, analyst_emails : frozenset of str
        E-mail addresses (compared without case; only when the identity
        provider says the address is verified).
    admin_groups, analyst_groups : frozenset of str
        Group names found in the token's :attr:`groups_claim`.
    groups_claim : str
        The claim that lists a person's groups (``groups``; Entra ID app roles: ``roles``).
    """

    admin_emails: frozenset[str] = field(default_factory=frozenset)
    analyst_emails: frozenset[str] = field(default_factory=frozenset)
    admin_groups: frozenset[str] = field(default_factory=frozenset)
    analyst_groups: frozenset[str] = field(default_factory=frozenset)
    groups_claim: str = "groups"


_LISTS = ("admin_emails", "analyst_emails", "admin_groups", "analyst_groups")


def role_settings(values: Mapping[str, object] | None, source: str = "the [roles] settings") -> RoleSettings:
    """Read role settings (the ``[roles]`` table of ``.streamlit/secrets.toml``).

    Parameters
    ----------
    values : mapping or None
        Keys of :class:`RoleSettings`: lists of strings, and ``groups_claim``.
    source : str
        Where the values come from, for messages.

    Raises
    ------
    SettingsError
        Listing every key that is unknown or not of the right kind.
    """
    values = dict(values or {})
    problems: list[str] = []
    read: dict[str, object] = {}
    for key, value in values.items():
        if key in _LISTS:
            if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
                problems.append(f"{key} must be a list of strings, not {value!r}")
                continue
            items = [item.strip() for item in value if item.strip()]
            read[key] = frozenset(item.lower() for item in items) if key.endswith("emails") else frozenset(items)
        elif key == "groups_claim":
            if not isinstance(value, str) or not value.strip():
                problems.append(f"groups_claim must be the name of a claim, not {value!r}")
                continue
            read[key] = value.strip()
        else:
            problems.append(f"{key!r} is not a setting of roles (known: {', '.join((*_LISTS, 'groups_claim'))})")
    if problems:
        raise SettingsError(source, problems)
    return RoleSettings(**read)  # type: ignore[arg-type]


def settings_roles(settings: RoleSettings) -> list[tuple[str, Role, str]]:
    """Whom the settings give a role, for a list of who has which role and why.

    Parameters
    ----------
    settings : RoleSettings

    Returns
    -------
    list of (str, Role, str)
        ``(who, role, setting)``: an e-mail, or ``group NAME``; the role; the
        setting that gives it (``admin_emails``, ...). Admins first, then by name.
    """
    listed = [
        (who if key.endswith("emails") else f"group {who}", Role.ADMIN if key.startswith("admin") else Role.ANALYST,
         key)
        for key in _LISTS for who in getattr(settings, key)
    ]
    return sorted(listed, key=lambda entry: (-entry[1], entry[0]))


def _groups(claims: Mapping[str, object], claim: str) -> set[str]:
    found = claims.get(claim)
    if isinstance(found, str):
        return {found}
    if isinstance(found, Iterable):
        return {item for item in found if isinstance(item, str)}
    return set()


def role_of(claims: Mapping[str, object], settings: RoleSettings, granted: Mapping[str, Role] | None = None) -> Role:
    """The role of a signed-in person.

    Parameters
    ----------
    claims : mapping
        The identity token's claims (Streamlit's ``st.user``): ``email``,
        ``email_verified`` and the groups claim are read.
    settings : RoleSettings
    granted : mapping of str to Role, optional
        Roles admins granted in the app, by lower-case e-mail.

    Returns
    -------
    Role
        The highest role the settings or a grant give; a viewer otherwise.
    """
    email = claims.get("email")
    verified = claims.get("email_verified") is True or str(claims.get("email_verified")).lower() == "true"
    address = email.strip().lower() if isinstance(email, str) and verified else None
    groups = _groups(claims, settings.groups_claim)
    roles = [Role.VIEWER]
    if address in settings.admin_emails or groups & settings.admin_groups:
        roles.append(Role.ADMIN)
    if address in settings.analyst_emails or groups & settings.analyst_groups:
        roles.append(Role.ANALYST)
    if address is not None and granted and address in granted:
        roles.append(granted[address])
    return max(roles)


def require(role: Role, action: str) -> None:
    """Refuse ``action`` unless ``role`` allows it.

    Raises
    ------
    PermissionDeniedError
        Naming the action and the role it needs.
    KeyError
        If ``action`` is not one of :data:`ACTIONS` (a programming error).
    """
    needed = ACTIONS[action]
    if role < needed:
        raise PermissionDeniedError(
            f"only {_with_article(needed)} may {ACTION_WORDS[action]}; you are signed in as {_with_article(role)}")


def _with_article(role: Role) -> str:
    return f"{'an' if role.label[0] in 'aeiou' else 'a'} {role.label}"


def allows(role: Role, action: str) -> bool:
    """Whether ``role`` may do ``action`` (for showing or hiding a control; the action itself calls :func:`require`)."""
    return role >= ACTIONS[action]


# Unicode categories no e-mail address holds: spaces, line breaks, controls and format
# characters (bidirectional overrides among them, which would make it read as another address).
_NOT_IN_ADDRESSES = ("Zs", "Zl", "Zp", "Cc", "Cf")


def check_email(text: str) -> str:
    """The e-mail address a role is granted to, as grants keep it: without outer spaces, lower-case.

    Sign-in compares verified e-mails without case (:func:`role_of`), so
    grants are kept in lower case and ``Ada@Example.org`` is one person.

    Parameters
    ----------
    text : str
        What an admin typed.

    Returns
    -------
    str

    Raises
    ------
    EmailAddressError
        Naming every problem: empty, too long, spaces or control characters
        inside, not one ``@``, nothing before it, or no domain with a dot after it.
    """
    address = text.strip().lower()
    if not address:
        raise EmailAddressError("give the e-mail address the person signs in with, such as ann@unit.example")
    problems = []
    if len(address) > config.EMAIL_MAX_CHARS:
        problems.append(f"is {len(address):,} characters long (at most {config.EMAIL_MAX_CHARS})")
    if any(unicodedata.category(char) in _NOT_IN_ADDRESSES for char in address):
        problems.append("holds a space, a line break or another invisible character")
    local, at, domain = address.rpartition("@")
    if not at or "@" in local:
        problems.append("must hold exactly one @")
    else:
        if not local:
            problems.append("has nothing before the @")
        labels = domain.split(".")
        if len(labels) < 2 or not all(labels):
            problems.append("needs a domain after the @, such as unit.example")
    if problems:
        raise EmailAddressError(f"{quoted(address)} is not an e-mail address: it " + " and ".join(problems))
    return address


def check_grantable(role: Role) -> None:
    """Refuse to grant ``role`` unless it is one of :data:`GRANTABLE`.

    Raises
    ------
    ValueError
        For the viewer role: everyone who signs in has it.
    """
    if role not in GRANTABLE:
        raise ValueError(f"everyone who signs in is {_with_article(role)} already: grant "
                         f"{' or '.join(granted.label for granted in GRANTABLE)}, or revoke a grant")
