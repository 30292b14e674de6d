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
import re
from collections.abc import Iterable
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
    check_url(url)
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


#: A query-string (or form) parameter whose name says it holds a secret, and its value.
_SECRET_PARAM = re.compile(
    r"(?i)([?&;]|\b)([\w.-]*?(?:password|passwd|pass|pwd|token|secret|api[_-]?key|auth|credentials?"
    r"|session(?:_?id)?))=((?:[^&#\s\"'<>():]|:(?!\s|$))*)"
)
REDACTED = "***"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with secrets replaced by ``***``: parameters named like a password or token
    (``?password=…``, ``access_token=…``), and every occurrence of each given secret
    (a store's error page may echo the password it was sent)."""
    for secret in secrets:
        if len(secret) >= 3:  # shorter "secrets" would blank out ordinary words
            text = text.replace(secret, REDACTED)
    return _SECRET_PARAM.sub(lambda m: f"{m[1]}{m[2]}={REDACTED}", text)


def check_url(url: str, what: str = "endpoint") -> None:
    """Refuse a URL kg cannot send to, with a message (never a traceback): scheme, host, port."""
    shown = safe_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise ConfigError(f"{what} {shown!r} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"{what} {shown!r} is not an http(s) URL")
    if not parts.hostname:
        raise ConfigError(f"{what} {shown!r} names no host")
    if any(ch.isspace() for ch in url):
        raise ConfigError(f"{what} {shown!r} contains white space")
    check_no_userinfo(url)


def check_no_userinfo(url: str) -> None:
    """Refuse credentials embedded in a URL: they would be echoed in every message."""
    try:
        user = urlsplit(url).username
    except ValueError:
        user = None
    if user is not None:
        raise ConfigError(
            f"do not put credentials in the URL ({safe_url(url)}); use {USER_VAR}/{PASSWORD_VAR} or netrc"
        )


def safe_url(url: str) -> str:
    """``url`` with any user-info removed and secret-named query parameters blanked, fit for messages."""
    try:
        parts = urlsplit(url)
        if parts.username is None and parts.password is None:
            return redact(url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
    except ValueError:  # malformed (a bad port, an unclosed [): keep what follows the last @
        scheme, sep, rest = url.partition("://")
        return redact(scheme + sep + rest.rpartition("@")[2] if sep else url)
    return redact(urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)))
