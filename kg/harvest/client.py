"""A polite, read-only client of a CKAN 2.9 Action API (the e-Gov data portal), over ckanapi.

ckanapi does the protocol (``/api/3/action/<name>``, the ``{help, success,
result}`` envelope, CKAN's error types); this wraps it with what a harvester
of a public portal owes it and needs from it:

- a rate limit (at least ``delay`` seconds between requests) and a page size;
- retries with exponential backoff on 5xx answers, timeouts and dropped
  connections, and then a :class:`HarvestError` (exit 5) rather than a crash;
- every answer kept raw (:class:`Exchange`), so the harvest can store what the
  portal said, byte for byte, as its source file;
- an answer that is not CKAN JSON (an HTML error page), ``success: false`` or a
  4xx (409 …) is returned as a failed :class:`Exchange` for the caller to report,
  not raised: one bad page must not lose the others.

No API key is ever sent: reading needs none.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from ckanapi import RemoteCKAN
from ckanapi.errors import CKANAPIError, ServerIncompatibleError

from kg import __version__
from kg.errors import KgError

#: The versioned Action API path under the CKAN site, as the e-Gov portal documents it.
API_PATH = "api/3/action/"
USER_AGENT = f"kg/{__version__} (harvester of the e-Gov data portal catalog; read-only)"


class HarvestError(KgError):
    """The portal could not be read (unreachable, or failing after every retry)."""

    exit_code = 5


@dataclass(frozen=True)
class Exchange:
    """One request and what came back: the raw body, its status, and the result if it was CKAN's."""

    action: str
    params: dict[str, Any]
    status: int
    body: str
    result: Any = None
    error: str | None = None  # why it is not a usable result: HTML page, success false, 409 …

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class CkanClient:
    """Reads ``address`` (the CKAN site, e.g. ``https://data.e-gov.go.jp/data``)."""

    address: str
    delay: float = 1.0  # seconds between requests (the rate limit)
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 2.0  # the first retry waits this long, then twice as long each time
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)
    _answers: list[tuple[int, str]] = field(default_factory=list, init=False)  # (status, body) of each

    def __post_init__(self) -> None:
        session = requests.Session()
        session.hooks["response"].append(self._record)
        self._ckan = RemoteCKAN(self.address.rstrip("/"), user_agent=USER_AGENT, get_only=True,
                                session=session)
        self._ckan.base_url = API_PATH  # ckanapi's default is the unversioned api/action/

    def _record(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        """Keep what the portal sent, byte for byte as text, before ckanapi parses it."""
        self._answers.append((response.status_code, response.text))

    def _wait_turn(self) -> None:
        if self._last is not None:
            left = self.delay - (self.clock() - self._last)
            if left > 0:
                self.sleep(left)
        self._last = self.clock()

    def call(self, action: str, **params: Any) -> Exchange:
        """Call ``action`` (GET), retrying on 5xx and network failures, then :class:`HarvestError`."""
        failure = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_turn()
            self._answers.clear()
            try:
                result = self._ckan.call_action(action, params, requests_kwargs={"timeout": self.timeout})
            except (requests.Timeout, requests.ConnectionError) as exc:
                failure = f"{exc.__class__.__name__}: {exc}"
                continue
            except (CKANAPIError, ServerIncompatibleError) as exc:  # CKAN's error envelope, or no JSON
                status, body = self._answers[-1] if self._answers else (0, str(exc))
                if status >= 500:
                    failure = f"HTTP {status}"
                    continue
                return Exchange(action, params, status, body, error=_why(status, body))
            status, body = self._answers[-1] if self._answers else (200, json.dumps(result))
            return Exchange(action, params, status, body, result=result)
        raise HarvestError(f"{self.address}: {action} failed after {self.retries + 1} attempts ({failure})")


def _why(status: int, body: str) -> str:
    """Why an answer is not a usable result, in a few words for the finding."""
    if "<html" in body.lower() or "<!doctype" in body.lower():
        return f"HTTP {status}: an HTML page instead of CKAN JSON"
    try:
        envelope = json.loads(body)
    except ValueError:
        return f"HTTP {status}: not JSON"
    if isinstance(envelope, dict) and envelope.get("success") is False:
        error = envelope.get("error")
        kind = str(error.get("__type", "error")) if isinstance(error, dict) else "error"
        message = str(error.get("message", "")) if isinstance(error, dict) else ""
        return f"HTTP {status}: success false ({kind}{': ' + message if message else ''})"
    return f"HTTP {status}: not a CKAN result"
