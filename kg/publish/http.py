"""HTTP for publishing: authentication, a timeout, and retries with backoff on 5xx and timeouts.

Plain ``urllib`` rather than SPARQLWrapper, because publishing streams files
to the Graph Store Protocol, which SPARQLWrapper does not speak, and because
every request must share one retry policy. Bodies are re-created for every
sending (a file is re-opened), so a retried upload sends the whole file
again. Authentication is HTTP Basic, sent with the first request; a store
that answers with a Digest challenge instead (Virtuoso's ``-auth``
endpoints) gets Digest. Credentials travel only in the ``Authorization``
header: no message, exception or log line built here contains them.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError
from kg.store.credentials import PASSWORD_VAR, USER_VAR, Credentials, check_no_userinfo, redact, safe_url

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Payload:
    """A request body: bytes before, the content of a file, bytes after (each optional)."""

    prefix: bytes = b""
    path: Path | None = None
    suffix: bytes = b""

    def length(self) -> int:
        return len(self.prefix) + (self.path.stat().st_size if self.path else 0) + len(self.suffix)

    def __iter__(self) -> Iterator[bytes]:
        """A fresh pass over the body, so that an authentication round trip can send it again."""
        return self.chunks()

    def chunks(self) -> Iterator[bytes]:
        if self.prefix:
            yield self.prefix
        if self.path is not None:
            with self.path.open("rb") as fh:
                while block := fh.read(_CHUNK):
                    yield block
        if self.suffix:
            yield self.suffix


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a request that failed for a passing reason."""

    attempts: int = 4
    first_delay: float = 0.5
    factor: float = 2.0
    max_delay: float = 8.0

    def delays(self) -> Iterator[float]:
        delay = self.first_delay
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_delay)
            delay *= self.factor


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    server: str = ""  # the Server header: which store software answered
    content_type: str = ""


class _Retryable(Exception):
    """A failure worth another attempt; carries the message to raise if none is left.

    ``unsent``: the request surely never reached the store (the connection was refused).
    """

    def __init__(self, message: str, unsent: bool = False) -> None:
        super().__init__(message)
        self.unsent = unsent


class _Refused(Exception):
    """The store answered 401 to the credentials sent; ``challenged``: it said how to authenticate."""

    def __init__(self, challenged: bool) -> None:
        super().__init__()
        self.challenged = challenged


class NoAnswer(StoreError):
    """A request that must not be repeated got no answer (or a 5xx): the store may have done it or not.

    Raised instead of retrying; the caller asks the store what it now holds.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class HttpClient:
    """Sends requests to one store with its credentials, timeout and retry policy."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.credentials = credentials
        self.on_retry = on_retry  # told of each retry, for a progress display
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.retries_done = 0
        self._digest_only = False  # the store refused Basic without a challenge: send none

    def send(
        self,
        method: str,
        url: str,
        payload: Payload | None = None,
        headers: dict[str, str] | None = None,
        *,
        timeout: float | None = None,
        idempotent: bool = True,
    ) -> Response:
        """Send a request; retry 5xx answers, timeouts and dropped connections; raise StoreError.

        ``timeout`` overrides the client's for this request (one that carries a
        large graph). A request that is not ``idempotent`` is retried only when
        it surely never reached the store; otherwise :class:`NoAnswer` is raised.
        """
        check_no_userinfo(url)
        delays = self.retry.delays()
        while True:
            try:
                return self._once(method, url, payload, headers or {}, timeout or self.timeout)
            except _Retryable as exc:
                if not idempotent and not exc.unsent:
                    raise NoAnswer(f"{method} {safe_url(url)}: {exc}", str(exc)) from None
                delay = next(delays, None)
                if delay is None:
                    raise StoreError(f"{method} {safe_url(url)}: {exc} (gave up after "
                                     f"{self.retry.attempts} attempts)") from None
                self.retries_done += 1
                if self.on_retry is not None:
                    self.on_retry(f"{method} {safe_url(url)}: {exc}; retrying in {delay:g} s")
                self.sleep(delay)

    def _once(
        self, method: str, url: str, payload: Payload | None, headers: dict[str, str], timeout: float
    ) -> Response:
        basic = self.credentials is not None and not self._digest_only
        try:
            return self._attempt(method, url, payload, headers, timeout, basic)
        except _Refused as refused:
            if not basic or refused.challenged:  # a Basic challenge: the password is wrong
                raise StoreError(self._auth_message(method, url, 401)) from None
            # Virtuoso's -auth endpoints answer Basic with a bare 401, no Digest challenge:
            # ask again without Basic, so that the store challenges and Digest answers.
            self._digest_only = True
            try:
                return self._attempt(method, url, payload, headers, timeout, False)
            except _Refused:
                raise StoreError(self._auth_message(method, url, 401)) from None

    def _attempt(
        self,
        method: str,
        url: str,
        payload: Payload | None,
        headers: dict[str, str],
        timeout: float,
        basic: bool,
    ) -> Response:
        request = urllib.request.Request(url, method=method, headers=dict(headers))
        if payload is not None:
            request.data = payload  # an iterable body, iterated afresh for each sending
            request.add_header("Content-Length", str(payload.length()))
        if basic and self.credentials is not None:
            # Unredirected, so that a Digest answer to a challenge replaces it.
            request.add_unredirected_header("Authorization", self.credentials.basic_header())
        try:
            with self._opener(url).open(request, timeout=timeout) as answer:
                return Response(
                    answer.status,
                    answer.read(),
                    answer.headers.get("Server", ""),
                    answer.headers.get("Content-Type", ""),
                )
        except urllib.error.HTTPError as exc:
            detail = redact(_detail(exc), self._secrets())
            if exc.code >= 500:
                raise _Retryable(f"HTTP {exc.code} {detail}".rstrip()) from None
            if exc.code == 401 and self.credentials is not None:
                raise _Refused(bool(exc.headers.get("WWW-Authenticate"))) from None
            if exc.code in (401, 403):
                raise StoreError(self._auth_message(method, url, exc.code)) from None
            raise StoreError(f"{method} {safe_url(url)}: HTTP {exc.code} {detail}".rstrip()) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Retryable(f"no answer within {timeout:g} s") from None
            refused = isinstance(exc.reason, ConnectionRefusedError | socket.gaierror)
            raise _Retryable(f"cannot connect: {exc.reason}", unsent=refused) from None
        except TimeoutError:
            raise _Retryable(f"no answer within {timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException) as exc:
            raise _Retryable(f"connection failed: {exc.__class__.__name__}") from None

    def _secrets(self) -> list[str]:
        return [self.credentials.password] if self.credentials is not None else []

    def _opener(self, url: str) -> urllib.request.OpenerDirector:
        if self.credentials is None:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, self.credentials.user, self.credentials.password)
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))

    def _auth_message(self, method: str, url: str, code: int) -> str:
        if self.credentials is None:
            how = f"no credentials were given (set {USER_VAR} and {PASSWORD_VAR}, or use netrc)"
        else:
            how = f"the store refused user {self.credentials.user!r} from {self.credentials.origin}"
        return f"{method} {safe_url(url)}: authentication failed (HTTP {code}): {how}"


def _detail(exc: urllib.error.HTTPError) -> str:
    """The first line of the store's error text, short: enough to act on."""
    try:
        text = exc.read(2000).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException):
        text = ""
    first = text.splitlines()[0] if text else str(exc.reason or "")
    return first[:300]
