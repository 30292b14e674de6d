"""Credentials for a store: from the environment or netrc, never from the command line.

Passwords on a command line end up in shell history and process listings, so
``kg`` reads them from ``KG_ENDPOINT_USER``/``KG_ENDPOINT_PASSWORD`` or from
netrc (``$NETRC`` or ``~/.netrc``) by host name. The password is never part
of a ``repr``, a message or a log line.
"""

from __future__ import annotations

import base64
import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kg.errors import ConfigError

USER_VAR = "KG_ENDPOINT_USER"
PASSWORD_VAR = "KG_ENDPOINT_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A user name and password for HTTP Basic authentication."""

    user: str
    password: str = field(repr=False)
    origin: str = "environment"

    def basic_header(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def find_credentials(url: str, environ: dict[str, str] | None = None) -> Credentials | None:
    """Credentials for ``url``: environment variables first, then netrc; None if neither has any."""
    env = os.environ if environ is None else environ
    user, password = env.get(USER_VAR), env.get(PASSWORD_VAR)
    if user or password:
        if not (user and password):
            raise ConfigError(f"set both {USER_VAR} and {PASSWORD_VAR}, or neither")
        return Credentials(user, password, "environment")
    return _from_netrc(url, env)


def _from_netrc(url: str, env: dict[str, str] | os._Environ[str]) -> Credentials | None:
    host = urlsplit(url).hostname
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not host or not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        # The parser's message can quote the offending line: say where, not what.
        lineno = getattr(exc, "lineno", None)
        where = f"{path}, line {lineno}" if lineno else str(path)
        raise ConfigError(f"cannot read netrc file {where}") from None
    if entry is None:
        return None
    login, _account, password = entry
    if not login or not password:
        return None
    return Credentials(login, password, f"netrc ({path})")


def check_no_userinfo(url: str) -> None:
    """Refuse credentials embedded in a URL: they would be echoed in every message."""
    if urlsplit(url).username is not None:
        raise ConfigError(
            f"do not put credentials in the URL ({safe_url(url)}); use {USER_VAR}/{PASSWORD_VAR} or netrc"
        )


def safe_url(url: str) -> str:
    """``url`` with any user-info removed, fit for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
