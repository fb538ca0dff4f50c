"""The one factory for AWS clients: always the emulator's endpoint, always fake credentials."""

from __future__ import annotations

import threading

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from orchestrator.settings import Settings

FAKE_SECRET_KEY = "fake-secret-for-emulator"


def _session(settings: Settings) -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id=settings.account_id,
        aws_secret_access_key=FAKE_SECRET_KEY,
        region_name=settings.region,
        botocore_session=None,
    )


def _config(connect_timeout: float, read_timeout: float) -> Config:
    return Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"max_attempts": 2, "mode": "standard"},
        s3={"addressing_style": "path"},
    )


def make_client(service: str, settings: Settings, connect_timeout: float = 3.0, read_timeout: float = 30.0):
    """A boto3 client for one service of the emulator; never reads the user's profile or keys."""
    return kept_clients(settings, connect_timeout, read_timeout)(service)


def kept_clients(settings: Settings, connect_timeout: float = 3.0, read_timeout: float = 10.0) -> ClientFactory:
    """The process's ClientFactory for the settings' endpoint, region and account (and timeouts): a check of
    twenty functions, each polling its logs, built sixty clients otherwise (tens of ms of CPU each)."""
    key = (settings.endpoint, settings.region, settings.account_id, connect_timeout, read_timeout)
    with _KEPT_LOCK:
        if key not in _KEPT:
            _KEPT[key] = ClientFactory(settings, connect_timeout, read_timeout)
        return _KEPT[key]


class ClientFactory:
    """make_client for many calls at one endpoint, region and account: one session, one client per service.

    A client costs tens of milliseconds to build; a check that reads a dozen resources reuses them.
    Clients are thread-safe, building them is not, hence the lock.
    """

    def __init__(self, settings: Settings, connect_timeout: float = 3.0, read_timeout: float = 10.0):
        self.settings = settings
        self._session = _session(settings)
        self._config = _config(connect_timeout, read_timeout)
        self._clients: dict[str, object] = {}
        self._lock = threading.Lock()

    def __call__(self, service: str):
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._session.client(service, endpoint_url=self.settings.endpoint,
                                                              config=self._config)
            return self._clients[service]


_KEPT: dict[tuple, ClientFactory] = {}
_KEPT_LOCK = threading.Lock()


def signed_headers(method: str, url: str, settings: Settings, service: str = "execute-api") -> dict[str, str]:
    """SigV4 headers for a plain HTTP request; an emulator reads the account from them, a NONE-auth API ignores them."""
    request = AWSRequest(method=method, url=url)
    SigV4Auth(Credentials(settings.account_id, FAKE_SECRET_KEY), service, settings.region).add_auth(request)
    return dict(request.headers.items())
