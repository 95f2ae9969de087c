"""The AWS emulator side of ``make verify``: moto in server mode on 127.0.0.1 with IAM enforcement on.

What moto checks and what it does not is described in docs/verify.md ("What the emulator does **not**
check"); :class:`MotoPatches` closes the two gaps verify relies on (resource ARNs for DynamoDB and
Secrets Manager, IAM-style ``?`` matching) while the emulator runs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from ..iam.arn import wildcard_pattern

BOOTSTRAP_CALLS = 3
ADMIN_USER = "irsa-verify-admin"
_ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RESOURCE_GAP = "moto 5.2.5 authorises DynamoDB calls against Resource '*', which a table ARN never matches"
WILDCARD_GAP = "moto 5.2.5 turns a policy's '?' into a regular expression quantifier; '??????' raises inside moto"


@dataclass(frozen=True)
class Credentials:
    """AWS credentials: long-term keys, or temporary ones with a session token."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


_BOOTSTRAP = Credentials("EXAMPLEIRSAVERIFYBOOT", "bootstrap-secret-not-checked-by-moto")


def _iam_wildcard_match(pattern: str, value: str) -> re.Match[str] | None:
    """IAM's wildcards in ``Action`` and ``Resource`` (:func:`eks_irsa.iam.arn.wildcard_pattern`), as the
    match-or-``None`` that moto's ``IAMPolicyStatement._match`` returns."""
    return wildcard_pattern(pattern).fullmatch(value)


def _dynamodb_resource(handler: Any) -> str:
    """The ARN DynamoDB authorises a call against: the table, or ``table/<t>/index/<i>`` for an index query.

    Source: Amazon DynamoDB Developer Guide, 'Using identity-based policies (IAM policies) with Amazon
    DynamoDB' (Query and Scan on an index are authorised on the index ARN). ``BatchGetItem`` on one
    table is authorised on that table; on several, moto can check only one resource, so ``*`` stays.
    """
    body = handler.body if isinstance(handler.body, dict) else {}
    table_name = body.get("TableName")
    if not table_name and isinstance(body.get("RequestItems"), dict) and len(body["RequestItems"]) == 1:
        table_name = next(iter(body["RequestItems"]))
    if not isinstance(table_name, str) or not table_name:
        return "*"
    partition = _partition(handler.region)
    arn = (
        table_name
        if table_name.startswith("arn:")
        else f"arn:{partition}:dynamodb:{handler.region}:{handler.current_account}:table/{table_name}"
    )
    index = body.get("IndexName")
    return f"{arn}/index/{index}" if isinstance(index, str) and index else arn


def _secretsmanager_resource(handler: Any) -> str:
    """The secret's full ARN (with its 6-character suffix) for a ``SecretId`` given as name or ARN."""
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id = handler._get_param("SecretId")
    if not isinstance(secret_id, str) or not secret_id:
        return "*"
    secret = secretsmanager_backends[handler.current_account][handler.region].secrets.get(secret_id)
    if secret is not None:
        return secret.arn
    if secret_id.startswith("arn:"):
        return secret_id
    return (
        f"arn:{_partition(handler.region)}:secretsmanager:{handler.region}:{handler.current_account}:secret:{secret_id}"
    )


def _partition(region: str) -> str:
    from moto.utilities.utils import get_partition

    return get_partition(region)


class MotoPatches:
    """Three small patches that make moto 5.2.5's own IAM evaluator see what AWS authorises against.

    * ``IAMPolicyStatement._match``: IAM wildcards (``*``, ``?``, everything else literal) instead
      of a regular expression built by replacing ``*`` (where ``?`` raises ``re.error``).
    * ``DynamoHandler._determine_resource``: the table or index ARN instead of ``*``.
    * ``SecretsManagerResponse._determine_resource``: the secret's ARN instead of ``*``.

    Installed by :meth:`install`, removed by :meth:`remove`; :meth:`suspended` removes one group
    for a block (used to observe moto's unpatched behaviour).
    """

    GROUPS = ("wildcards", "resources")

    def __init__(self) -> None:
        from moto.dynamodb.responses import DynamoHandler
        from moto.iam.access_control import IAMPolicyStatement
        from moto.secretsmanager.responses import SecretsManagerResponse

        self._targets: dict[str, list[tuple[type, str, Any]]] = {
            "wildcards": [(IAMPolicyStatement, "_match", staticmethod(_iam_wildcard_match))],
            "resources": [
                (DynamoHandler, "_determine_resource", _dynamodb_resource),
                (SecretsManagerResponse, "_determine_resource", _secretsmanager_resource),
            ],
        }
        self._saved: dict[tuple[type, str], Any] = {}
        self.active: set[str] = set()

    def install(self, groups: Sequence[str] = GROUPS) -> None:
        """Apply the named groups (default: all)."""
        for group in groups:
            if group in self.active:
                continue
            for owner, attribute, replacement in self._targets[group]:
                self._saved[(owner, attribute)] = owner.__dict__.get(attribute, _MISSING)
                setattr(owner, attribute, replacement)
            self.active.add(group)

    def remove(self, groups: Sequence[str] = GROUPS) -> None:
        """Undo the named groups (default: all), restoring moto's own attributes."""
        for group in groups:
            if group not in self.active:
                continue
            for owner, attribute, _ in self._targets[group]:
                original = self._saved.pop((owner, attribute))
                if original is _MISSING:
                    delattr(owner, attribute)
                else:
                    setattr(owner, attribute, original)
            self.active.discard(group)

    @contextlib.contextmanager
    def suspended(self, group: str) -> Iterator[None]:
        """Run a block with one group removed."""
        self.remove([group])
        try:
            yield
        finally:
            self.install([group])


_MISSING = object()


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class MotoEmulator:
    """moto in server mode on 127.0.0.1 (random port) with IAM enforcement on after a bootstrap.

    Args:
        account_id: the account every resource lives in (the plan's).
        region: the region of regional clients. Default: ``us-west-2``.

    After :meth:`start`, :attr:`admin` holds the administrator's keys. :meth:`stop` restores moto's
    process-wide state: the no-auth count, the patches, the backends (reset), the werkzeug logger.
    """

    def __init__(self, account_id: str, region: str = "us-west-2") -> None:
        self.account_id = account_id
        self.region = region
        self.patches: MotoPatches | None = None
        self.admin: Credentials | None = None
        self.url = ""
        self._server: Any = None
        self._previous_no_auth = "inf"
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._clients: dict[tuple[str, Credentials | None], Any] = {}
        self._session = boto3.session.Session()  # one session: service models load once
        self._log_level = logging.NOTSET

    def start(self) -> MotoEmulator:
        """Start the server, reset its state, patch it, switch on enforcement and bootstrap the admin.

        moto's backends live in this process: the reset at start (and at stop) clears whatever any
        other moto use in the process had created. On failure, everything done so far is undone.
        """
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> MotoEmulator:
        from moto.server import ThreadedMotoServer

        werkzeug = logging.getLogger("werkzeug")
        self._log_level = werkzeug.level
        werkzeug.setLevel(logging.CRITICAL)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self._moto_api("/moto-api/reset", b"")
        self.patches = MotoPatches()
        self.patches.install()
        answer = json.loads(self._moto_api("/moto-api/reset-auth", str(BOOTSTRAP_CALLS).encode()))
        self._previous_no_auth = str(answer.get("PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT", "inf"))
        # The account's IAM backend is created by the first request naming the account; AWS managed
        # policies are loaded into it only if this variable is set at that moment.
        with _environment(MOTO_IAM_LOAD_MANAGED_POLICIES="true"):
            self.admin = self._bootstrap()
        return self

    def stop(self) -> None:
        """Restore moto's process-wide state and stop the server. Safe to call twice."""
        if self._server is None:
            return
        try:
            self._moto_api("/moto-api/reset-auth", self._previous_no_auth.encode())
            self._moto_api("/moto-api/reset", b"")
        finally:
            if self.patches is not None:
                self.patches.remove()
            self._server.stop()
            self._server = None
            self.patches = None
            self._clients.clear()
            logging.getLogger("werkzeug").setLevel(self._log_level)

    def __enter__(self) -> MotoEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, service: str, credentials: Credentials | None = None) -> Any:
        """A boto3 client for ``service`` against this moto, signed with ``credentials`` (default: the admin)."""
        credentials = credentials or self.admin
        if credentials is None:
            raise RuntimeError("the emulator is not started: no admin credentials yet")
        key = (service, credentials)
        if key not in self._clients:
            self._clients[key] = self._session.client(
                service,
                region_name=self.region,
                endpoint_url=self.url,
                aws_access_key_id=credentials.access_key_id,
                aws_secret_access_key=credentials.secret_access_key,
                aws_session_token=credentials.session_token,
                config=Config(retries={"total_max_attempts": 1}, proxies={}, s3={"addressing_style": "path"}),
            )
        return self._clients[key]

    def _moto_api(self, path: str, body: bytes) -> str:
        # A form content type (urllib's default) would make moto read an empty body.
        request = urllib.request.Request(
            self.url + path, data=body, method="POST", headers={"Content-Type": "text/plain"}
        )
        with self._opener.open(request, timeout=10) as response:
            return response.read().decode()

    def _bootstrap(self) -> Credentials:
        iam = self.client("iam", _BOOTSTRAP)

        def name_account(request: Any, **_: Any) -> None:
            # Until the admin's key exists, moto cannot tell the account from the key.
            request.headers["x-moto-account-id"] = self.account_id

        iam.meta.events.register("before-sign.iam.*", name_account)
        iam.create_user(UserName=ADMIN_USER)
        iam.put_user_policy(UserName=ADMIN_USER, PolicyName="administrator", PolicyDocument=json.dumps(_ADMIN_POLICY))
        key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
        return Credentials(key["AccessKeyId"], key["SecretAccessKey"])

    def create_user_with_policy(self, user: str, policy: Mapping[str, Any]) -> Credentials:
        """An IAM user with one inline policy and an access key (as the admin)."""
        iam = self.client("iam")
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName=user, PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        return Credentials(key["AccessKeyId"], key["SecretAccessKey"])


# --- provisioning -------------------------------------------------------------------------------------------
