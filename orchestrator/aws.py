"""The one factory for AWS clients: always the emulator's endpoint, always fake credentials."""

from __future__ import annotations

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from orchestrator.settings import Settings

FAKE_SECRET_KEY = "fake-secret-for-emulator"


def make_client(service: str, settings: Settings, connect_timeout: float = 3.0, read_timeout: float = 30.0):
    """A boto3 client for one service of the emulator; never reads the user's profile or keys."""
    session = boto3.session.Session(
        aws_access_key_id=settings.account_id,
        aws_secret_access_key=FAKE_SECRET_KEY,
        region_name=settings.region,
        botocore_session=None,
    )
    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"max_attempts": 2, "mode": "standard"},
        s3={"addressing_style": "path"},
    )
    return session.client(service, endpoint_url=settings.endpoint, config=config)


def signed_headers(method: str, url: str, settings: Settings, service: str = "execute-api") -> dict[str, str]:
    """SigV4 headers for a plain HTTP request; an emulator reads the account from them, a NONE-auth API ignores them."""
    request = AWSRequest(method=method, url=url)
    SigV4Auth(Credentials(settings.account_id, FAKE_SECRET_KEY), service, settings.region).add_auth(request)
    return dict(request.headers.items())
