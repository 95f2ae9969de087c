"""The proof of the IRSA flow behind ``eks-irsa verify``: end to end on 127.0.0.1, offline.

What runs, all in this process and on the loopback interface only:

1. The offline plan (the command runs :func:`eks_irsa.cli.plan.write_plan` into a temporary directory): every IRSA role,
   its trust policy, its permissions and its ``service.json``.
2. A local OIDC issuer (:class:`eks_irsa.proof.localidp.LocalIssuer`) whose identity is the plan's issuer
   URL, serving discovery and JWKS from 127.0.0.1.
3. moto 5.2.5 in server mode (``ThreadedMotoServer``, 127.0.0.1, random port) with IAM
   enforcement on. Bootstrap: the first :data:`BOOTSTRAP_CALLS` requests run unauthenticated and
   create an administrator with access keys in the plan's account; every later request is signed
   and authorised against IAM policies. With the administrator: the IAM OIDC provider, every role
   with its trust policy, inline policy, split managed policies and AWS managed policy attachments,
   and the buckets, DynamoDB tables (with a GSI) and secrets the rendered policies name, plus decoys.
4. The STS side (:class:`eks_irsa.proof.localidp.WebIdentityVerifier`): fetches discovery and JWKS over HTTP,
   verifies each token with PyJWT, checks ``iss``/``aud``/``exp``/``nbf`` against the provider moto
   holds, evaluates the trust policy moto holds (:mod:`eks_irsa.iam.evaluate`). Only when all pass does
   it call moto's ``AssumeRoleWithWebIdentity`` for credentials.
5. With each role's credentials: S3, DynamoDB, Secrets Manager and EC2 calls against moto.

The result is an access matrix, every cell expected vs actual with a reason, printed and written to
``<build-dir>/<stack>/verify.json`` (no timestamps, ports, keys or random ids). Exit 1 when a cell's
actual differs from its expected value, 2 for a missing stack file.

How IAM enforcement is switched on in moto 5.2.5. ``moto.settings`` reads the environment variable
``INITIAL_NO_AUTH_ACTION_COUNT`` once, when it is first imported, and moto counts requests in the
process-wide ``ActionAuthenticatorMixin.request_count``; requests past the count are authenticated
(SigV4 against IAM access keys) and authorised (the caller's identity policies). Setting the variable
after ``moto`` was imported has no effect, and an in-process ``ThreadedMotoServer`` shares both with
any other moto use in the process. So this module sets the count at run time through moto's
server-mode endpoint ``POST /moto-api/reset-auth`` (body: the count), which sets
``settings.INITIAL_NO_AUTH_ACTION_COUNT`` and zeroes the counter (what moto's own
``set_initial_no_auth_action_count`` does in server mode), and restores the previous value on exit.
A stand-alone ``moto_server`` honours the variable when it is in the server's environment at start.

What moto 5.2.5 does not do, and what this module does about it (each observed again in every run,
see the ``emulator`` cells):

* It never reads ``WebIdentityToken`` nor evaluates a trust policy for ``AssumeRoleWithWebIdentity``
  (it issues credentials for any token), and with enforcement on it fails with HTTP 500 on an
  unsigned request, which that call is in AWS. Every trust decision in the matrix is therefore the
  STS side's; moto is called afterwards, signed by a broker user allowed only that action.
* It authorises DynamoDB and Secrets Manager calls against ``Resource: "*"`` (only S3, SQS, IAM and
  STS pass the real resource), so a policy scoped to a table or secret ARN never matches; and it
  compiles policy wildcards as regular expressions, so ``?`` (as in ``secret:name-??????``) raises
  inside moto. :class:`MotoPatches` gives the DynamoDB and Secrets Manager handlers the
  ``_determine_resource`` hook moto already uses for SQS/IAM/STS, and matches ``*``/``?`` as IAM
  does, for as long as the emulator runs.
* Conditions: moto evaluates only ``StringEquals`` and only on ``sts:ExternalId``; every other
  condition in an identity policy is treated as met. No probe here depends on a condition.
* AWS managed policies are the copies moto bundles (loaded with ``MOTO_IAM_LOAD_MANAGED_POLICIES``
  while the account's IAM backend is created), not the live versions.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from typing import Any

import botocore.exceptions

from ..iam.arn import Arn, parse_arn, wildcard_match
from ..iam.policy import element_values, statement_list
from ..iam.trust import Subject
from ..plan.model import RoleRecord
from ..testing import OfflineRun
from .emulator import (
    BOOTSTRAP_CALLS,
    RESOURCE_GAP,
    WILDCARD_GAP,
    Credentials,
    MotoEmulator,
)
from .localidp import (
    Check,
    LocalIssuer,
    OidcProvider,
    SigningKey,
    StsDecision,
    WebIdentityVerifier,
    service_account_claims,
    sign_token,
    unsigned_token,
)
from .podidentity import (
    POD_CASES,
    LocalEksAuth,
    PodIdentityCheck,
    PodIdentityRole,
    expected_answer,
    moto_assume_role_fact,
    pod_identity_pieces_note,
    run_case,
)

BROKER_USER = "irsa-verify-sts-broker"
SESSION_PREFIX = "irsa-verify-"
GSI_NAME = "by-customer"
OTHER_TABLE = "irsa-verify-other-table"
OTHER_SECRET = "irsa-verify/other-secret"
OUTSIDE_PREFIX = "irsa-verify-outside/"
OBJECT_NAME = "irsa-verify.txt"
OTHER_ISSUER_ID = "0OTHERCLUSTER000000000000000000"
KUBE_API_AUDIENCE = "https://kubernetes.default.svc"
"""The audience of a pod's default (non-IRSA) token: the API server, not STS."""

ALLOW, DENY, ERROR = "allow", "deny", "error"

BROKER_POLICY = {
    "Version": "2012-10-17",
    # moto authorises sts:AssumeRoleWithWebIdentity against Resource "*", so a role ARN would never match.
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*"}],
}
"""The broker user's only permission: moto's AssumeRoleWithWebIdentity, called after the STS side allowed."""
_SECRET_ARN_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
# --- the plan, as this module needs it ----------------------------------------------------------------------


@dataclass(frozen=True)
class ServicePlan:
    """One IRSA role from the offline plan.

    Attributes:
        name: the service (the IrsaRole component's logical name).
        role_name, role_arn, role_path: as registered; ``role_path`` defaults to ``/``.
        max_session_duration: seconds, or ``None`` when the plan leaves the IAM default.
        namespace, service_account, audience: the subject and audience the trust policy pins.
        provider_arn: the IAM OIDC provider ARN the trust policy names.
        issuer: ``https://<host/path>``, the ``iss`` of the cluster's tokens.
        trust_policy: the trust policy text, exactly as planned.
        inline_policy: the inline permissions policy text, or ``None``.
        managed_documents: ``(file name, text)`` of split customer managed policies.
        managed_arns: AWS (or other) managed policy ARNs to attach.
    """

    name: str
    role_name: str
    role_arn: str
    role_path: str
    max_session_duration: int | None
    namespace: str
    service_account: str
    audience: str
    provider_arn: str
    issuer: str
    trust_policy: str
    inline_policy: str | None
    managed_documents: tuple[tuple[str, str], ...]
    managed_arns: tuple[str, ...]

    @property
    def subject(self) -> Subject:
        """The service account the role trusts."""
        return Subject(self.namespace, self.service_account)

    @property
    def session_name(self) -> str:
        """A deterministic ``RoleSessionName`` (2-64 of ``[\\w+=,.@-]``; AWS STS API Reference)."""
        return (SESSION_PREFIX + self.name)[:64]


def unverifiable(record: RoleRecord, account: str) -> str | None:
    """Why a role (its ``service.json``) is outside what verify exercises, or ``None``: one IRSA role made here,
    trusted by one OIDC provider for named service accounts of one namespace."""
    if record.identity == "pod-identity":
        return "EKS Pod Identity: no web identity token; its trust is in the pod-identity section, no access probes"
    if not record.role_managed_here:
        return "an existing role managed elsewhere"
    if len(record.trusted_providers) != 1:
        return "trusted by several OIDC providers"
    if any("*" in s or "?" in s for s in record.subjects):
        return "a service account pattern"
    role = parse_arn(record.role_arn)
    if role is None or role.account != account:
        return "a role in another account than the stack's"
    return None


def services_from_plan(run: OfflineRun, files: Mapping[str, Mapping[str, str]]) -> list[ServicePlan]:
    """Every IRSA role of the plan that verify can exercise (see :func:`unverifiable`), in the plan's order: its
    ``service.json`` read as :class:`~eks_irsa.plan.RoleRecord`, its documents as written."""
    out = []
    for name, texts in files.items():
        record = RoleRecord.from_json(texts["service.json"])
        if unverifiable(record, run.mocks.account_id):
            continue
        out.append(
            ServicePlan(
                name=name,
                role_name=str(record.role_name),
                role_arn=str(record.role_arn),
                role_path=record.role_path or "/",
                max_session_duration=record.max_session_duration,
                namespace=record.namespace,
                service_account=str(record.service_account),
                audience=str(record.audience),
                provider_arn=str(record.oidc_provider_arn),
                issuer=f"https://{record.oidc_issuer}",
                trust_policy=texts["trust-policy.json"],
                inline_policy=texts.get("permissions-policy.json"),
                managed_documents=tuple(
                    (k, v) for k, v in sorted(texts.items()) if k.startswith("managed-policy-") and k.endswith(".json")
                ),
                managed_arns=record.managed_policy_arns,
            )
        )
    return out


# --- moto ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One AWS operation the matrix tries with every role.

    Attributes:
        action: ``service:Action`` as IAM names it.
        resource: the ARN IAM authorises it against (``*`` for EC2 Describe calls).
        shown: the resource as written to the report (a secret's random suffix as ``??????``).
        params: what the call needs: bucket/key, table/index, secret id.
        decoy: the resource exists only so that access to it can be denied.
    """

    action: str
    resource: str
    shown: str
    params: Mapping[str, str] = field(default_factory=dict)
    decoy: bool = False

    @property
    def label(self) -> str:
        """``action resource`` as shown."""
        return f"{self.action} {self.shown}"


@dataclass
class Environment:
    """What provisioning created: the resources, and per service the documents IAM holds for its role."""

    buckets: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    documents: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _plan_resources(services: Sequence[ServicePlan]) -> tuple[list[tuple[str, str]], list[str], bool, list[str]]:
    """``(bucket, key prefix)`` pairs, tables, whether index ARNs are granted, secret names, from Allow statements."""
    buckets: list[tuple[str, str]] = []
    tables: list[str] = []
    secrets: list[str] = []
    indexes = False
    for service in services:
        texts = [service.inline_policy or ""] + [text for _, text in service.managed_documents]
        for text in filter(None, texts):
            for statement in statement_list(json.loads(text)):
                if statement.get("Effect") != "Allow":
                    continue
                for arn in element_values(statement.get("Resource", ())):
                    fields = parse_arn(arn)
                    if fields is None:
                        continue
                    kind, rest = fields.service, fields.resource
                    if kind == "s3" and "/" in rest:
                        bucket, key = rest.split("/", 1)
                        prefix = re.split(r"[*?]", key, maxsplit=1)[0]
                        if bucket and "*" not in bucket and (bucket, prefix) not in buckets:
                            buckets.append((bucket, prefix))
                    elif kind == "dynamodb" and rest.startswith("table/"):
                        table_name = rest.split("/")[1]
                        indexes = indexes or "/index/" in rest
                        if "*" not in table_name and table_name not in tables:
                            tables.append(table_name)
                    elif kind == "secretsmanager" and rest.startswith("secret:"):
                        name = re.sub(r"-\?{6}$|[-*?]*\*$", "", rest[len("secret:") :])
                        if name and "*" not in name and "?" not in name and name not in secrets:
                            secrets.append(name)
    return buckets, tables, indexes, secrets


def provision(emulator: MotoEmulator, services: Sequence[ServicePlan]) -> tuple[Environment, list[Probe]]:
    """Create, as the admin, the OIDC provider(s), roles, policies and resources; return them and the probes.

    Raises:
        RuntimeError: moto's ARN for a role or provider differs from the plan's.
    """
    env = Environment()
    _create_providers(emulator, services)
    for service in services:
        env.documents[service.name] = _create_role(emulator, service, env.notes)
    return env, _create_resources(emulator, services, env)


def _create_providers(emulator: MotoEmulator, services: Sequence[ServicePlan]) -> None:
    """One IAM OIDC provider per issuer, its client IDs the audiences the roles pin."""
    iam = emulator.client("iam")
    audiences: dict[str, set[str]] = {}
    for service in services:
        audiences.setdefault(service.issuer, set()).add(service.audience)
    for issuer, client_ids in sorted(audiences.items()):
        answer = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=sorted(client_ids))
        planned = {s.provider_arn for s in services if s.issuer == issuer}
        if planned != {answer["OpenIDConnectProviderArn"]}:
            raise RuntimeError(
                f"moto named the OIDC provider for {issuer} {answer['OpenIDConnectProviderArn']}; "
                f"the plan says {sorted(planned)}"
            )


def _create_role(emulator: MotoEmulator, service: ServicePlan, notes: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The role with the planned trust policy and permissions; returns ``(label, document)`` of each policy."""
    iam = emulator.client("iam")
    args: dict[str, Any] = {
        "RoleName": service.role_name,
        "Path": service.role_path,
        "AssumeRolePolicyDocument": service.trust_policy,
    }
    if service.max_session_duration:
        args["MaxSessionDuration"] = service.max_session_duration
    arn = iam.create_role(**args)["Role"]["Arn"]
    if arn != service.role_arn:
        raise RuntimeError(f"moto created role {arn}; the plan says {service.role_arn}")
    documents: list[tuple[str, dict[str, Any]]] = []
    if service.inline_policy:
        iam.put_role_policy(
            RoleName=service.role_name, PolicyName=f"{service.name}-permissions", PolicyDocument=service.inline_policy
        )
        documents.append(("permissions-policy.json", json.loads(service.inline_policy)))
    for index, (file_name, text) in enumerate(service.managed_documents, start=1):
        policy = iam.create_policy(PolicyName=f"{service.role_name}-{index}", PolicyDocument=text)["Policy"]
        iam.attach_role_policy(RoleName=service.role_name, PolicyArn=policy["Arn"])
        documents.append((file_name, json.loads(text)))
    for policy_arn in service.managed_arns:
        try:
            iam.attach_role_policy(RoleName=service.role_name, PolicyArn=policy_arn)
        except iam.exceptions.NoSuchEntityException:
            notes.append(
                f"{service.name}: {policy_arn} is unknown to moto {version('moto')}; not attached, so the "
                "role's cells reflect only its other policies"
            )
            continue
        policy = iam.get_policy(PolicyArn=policy_arn)["Policy"]
        body = iam.get_policy_version(PolicyArn=policy_arn, VersionId=policy["DefaultVersionId"])
        label = f"{policy_arn.rsplit('/', 1)[-1]} (moto's bundled copy, {policy['DefaultVersionId']})"
        documents.append((label, body["PolicyVersion"]["Document"]))
    return documents


def role_fields(services: Sequence[ServicePlan]) -> Arn:
    """The fields of the first service's role ARN: the stack's partition and account (roles of a plan share them)."""
    fields = parse_arn(services[0].role_arn)
    if fields is None:
        raise RuntimeError(f"the plan's role ARN {services[0].role_arn!r} is not an ARN")
    return fields


def _create_resources(emulator: MotoEmulator, services: Sequence[ServicePlan], env: Environment) -> list[Probe]:
    """The buckets, tables (with a GSI and one item) and secrets the policies name, plus decoys; the probes."""
    account, region, partition = emulator.account_id, emulator.region, role_fields(services).partition
    buckets, tables, indexes, secrets = _plan_resources(services)
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    for bucket in dict.fromkeys(b for b, _ in buckets):
        emulator.client("s3").create_bucket(Bucket=bucket, **location)
        env.buckets.append(bucket)
    for table_name in [*tables, OTHER_TABLE] if tables else []:
        _create_table(emulator, table_name)
        env.tables.append(table_name)
    for name in [*secrets, OTHER_SECRET] if secrets else []:
        answer = emulator.client("secretsmanager").create_secret(Name=name, SecretString="irsa-verify")
        env.secrets[name] = answer["ARN"]

    probes: list[Probe] = []
    for bucket, prefix in buckets:
        for key, decoy in ((prefix + OBJECT_NAME, False), (OUTSIDE_PREFIX + OBJECT_NAME, True)):
            arn = f"arn:{partition}:s3:::{bucket}/{key}"
            probes.append(Probe("s3:PutObject", arn, arn, {"Bucket": bucket, "Key": key}, decoy))
    index = GSI_NAME if indexes else ""
    for table_name in env.tables:
        decoy = table_name == OTHER_TABLE
        arn = f"arn:{partition}:dynamodb:{region}:{account}:table/{table_name}"
        operations = [("dynamodb:GetItem", ""), ("dynamodb:Query", index)]
        if not decoy:
            operations[1:1] = [("dynamodb:BatchGetItem", "")]
            operations.append(("dynamodb:DescribeTable", ""))
        for action, index_name in operations:
            resource = f"{arn}/index/{index_name}" if index_name else arn
            probes.append(Probe(action, resource, resource, {"TableName": table_name, "IndexName": index_name}, decoy))
    for name, arn in env.secrets.items():
        decoy = name == OTHER_SECRET
        actions = ["secretsmanager:GetSecretValue"] + ([] if decoy else ["secretsmanager:DescribeSecret"])
        for action in actions:
            probes.append(Probe(action, arn, _SECRET_ARN_SUFFIX.sub("-??????", arn), {"SecretId": name}, decoy))
    probes.append(Probe("ec2:DescribeInstances", "*", "*"))
    return probes


def _create_table(emulator: MotoEmulator, table_name: str) -> None:
    dynamodb = emulator.client("dynamodb")
    dynamodb.create_table(
        TableName=table_name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "gsi_pk", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": GSI_NAME,
                "KeySchema": [{"AttributeName": "gsi_pk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "irsa-verify"}, "gsi_pk": {"S": "irsa-verify"}})


# --- expected access: the role's own documents, read with IAM's rules ----------------------------------------


def _applying(
    documents: Sequence[tuple[str, Mapping[str, Any]]], action: str, resource: str
) -> Iterator[tuple[str, Mapping[str, Any], list[str]]]:
    """``(where, statement, matching Resource patterns)`` of each statement covering ``action`` on ``resource``."""
    for label, document in documents:
        for index, statement in enumerate(statement_list(document)):
            if "NotAction" in statement:
                action_hit = not any(
                    wildcard_match(p, action, ignore_case=True) for p in element_values(statement["NotAction"])
                )
            else:
                action_hit = any(
                    wildcard_match(p, action, ignore_case=True) for p in element_values(statement.get("Action", ()))
                )
            if "NotResource" in statement:
                patterns = (
                    [] if any(wildcard_match(p, resource) for p in element_values(statement["NotResource"])) else ["*"]
                )
            else:
                patterns = [p for p in element_values(statement.get("Resource", ())) if wildcard_match(p, resource)]
            if action_hit and patterns:
                where = f"{label} statement {index}" + (f" ({statement['Sid']})" if statement.get("Sid") else "")
                yield where, statement, patterns


def expected_access(documents: Sequence[tuple[str, Mapping[str, Any]]], action: str, resource: str) -> tuple[str, str]:
    """``(allow|deny, reason)`` for ``action`` on ``resource`` under a role's identity policies.

    IAM User Guide, 'Policy evaluation logic' (one account, identity policies only): an applying
    ``Deny`` wins, else an applying ``Allow`` allows, else deny. A statement applies when its
    ``Action`` (or ``NotAction``) and ``Resource`` (or ``NotResource``) cover the request; action
    names ignore case, ARNs do not ('IAM JSON policy elements: Action', '... Resource'). A statement
    with a ``Condition`` is not counted as allowing: its keys are not part of these probes.
    """
    allowing: list[str] = []
    conditional: list[str] = []
    for where, statement, _ in _applying(documents, action, resource):
        if statement.get("Effect") == "Deny":
            return DENY, f"{where} denies it explicitly"
        (conditional if statement.get("Condition") else allowing).append(where)
    if allowing:
        return ALLOW, f"{allowing[0]} allows {action} on {_plain(resource)}"
    if conditional:
        return DENY, f"only {', '.join(conditional)} cover it, under conditions these probes do not meet"
    if not documents:
        return DENY, "the role has no permissions policy"
    return DENY, f"no statement of {', '.join(label for label, _ in documents)} allows {action} on it"


def _plain(resource: str) -> str:
    return _SECRET_ARN_SUFFIX.sub("-??????", resource) if ":secretsmanager:" in resource else resource


# --- the STS side in front of moto ------------------------------------------------------------------------


class LocalSts:
    """``AssumeRoleWithWebIdentity`` as AWS does it: the STS-side checks first, then moto issues credentials.

    Args:
        emulator: the running moto (admin keys in it).
        verifier: the STS-side checks, with the IAM OIDC providers read back from moto.
        broker: keys of a user allowed only ``sts:AssumeRoleWithWebIdentity``; they sign the call to
            moto, which fails on the unsigned request AWS accepts.
    """

    def __init__(self, emulator: MotoEmulator, verifier: WebIdentityVerifier, broker: Credentials) -> None:
        self.emulator = emulator
        self.verifier = verifier
        self._sts = emulator.client("sts", broker)
        # botocore sends AssumeRoleWithWebIdentity unsigned (auth type none); force SigV4 so moto can authenticate it.
        self._sts.meta.events.register_first("choose-signer.sts.AssumeRoleWithWebIdentity", lambda **_: "v4")

    def trust_policy(self, role_arn: str) -> dict[str, Any]:
        """The role's trust policy as IAM (moto) holds it."""
        role_name = role_arn.rsplit("/", 1)[-1]
        return self.emulator.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]

    def assume(self, role_arn: str, token: str, session_name: str) -> tuple[StsDecision, Credentials | None]:
        """The STS side's decision, and credentials from moto when it allows."""
        decision = self.verifier.decide(token, role_arn, self.trust_policy(role_arn))
        if not decision.allowed:
            return decision, None
        return decision, self.issue(role_arn, token, session_name)

    def issue(self, role_arn: str, token: str, session_name: str) -> Credentials:
        """moto's ``AssumeRoleWithWebIdentity`` alone, SigV4-signed by the broker (moto does not read the token)."""
        answer = self._sts.assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName=session_name, WebIdentityToken=token
        )
        c = answer["Credentials"]
        return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def providers_from_iam(emulator: MotoEmulator) -> list[OidcProvider]:
    """Every IAM OIDC provider moto holds, with its URL and client IDs."""
    iam = emulator.client("iam")
    out = []
    for entry in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        arn = entry["Arn"]
        details = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        out.append(OidcProvider(arn, details["Url"], tuple(details.get("ClientIDList", []))))
    return out


# --- the matrix ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of the access matrix.

    Attributes:
        section: ``trust`` (a token asks for a role), ``access`` (a role's credentials call AWS) or
            ``emulator`` (a fact about moto that docs/verify.md relies on).
        service: the role's service.
        case: the column: a token case (``own-token``, ``alg-none``, ...) or ``action resource``.
        expected, actual: ``allow``, ``deny`` (or ``error`` for an actual that is neither).
        expected_by, actual_by: what decides: ``trust-policy``, ``audience``, ... (the STS-side
            check), ``iam-policy``, or ``moto``.
        expected_reason, actual_reason: one sentence each.
    """

    section: str
    service: str
    case: str
    expected: str
    expected_by: str
    expected_reason: str
    actual: str
    actual_by: str
    actual_reason: str

    @property
    def ok(self) -> bool:
        """The actual decision is the expected one, and (for trust cells) made by the expected check."""
        checked = self.section in ("trust", "pod-identity")
        return self.expected == self.actual and (not checked or self.expected_by == self.actual_by)

    def to_json(self) -> dict[str, Any]:
        """The cell as written to ``verify.json`` (camelCase keys)."""
        out = asdict(self)
        return {
            "section": out["section"],
            "service": out["service"],
            "case": out["case"],
            "expected": out["expected"],
            "expectedBy": out["expected_by"],
            "expectedReason": out["expected_reason"],
            "actual": out["actual"],
            "actualBy": out["actual_by"],
            "actualReason": out["actual_reason"],
            "ok": self.ok,
        }


@dataclass(frozen=True)
class TokenContext:
    """What a token case is made from: the issuer, the target service, another service, a key outside the JWKS."""

    issuer: LocalIssuer
    service: ServicePlan
    other: ServicePlan
    foreign_key: SigningKey

    def claims(self, subject: Subject | None = None, audience: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """The target service's token claims, with another subject, audience, ``now`` or ``not_before``."""
        subject = subject or self.service.subject
        return service_account_claims(
            kwargs.pop("iss", self.issuer.issuer),
            subject,
            [audience or self.service.audience],
            pod=f"{subject.service_account}-0",
            **kwargs,
        )

    def signed(self, claims: Mapping[str, Any]) -> str:
        """Signed by the cluster's key."""
        return sign_token(claims, self.issuer.signing_key)


@dataclass(frozen=True)
class TokenCase:
    """A column of the trust section: how to make the token, and what STS must answer."""

    name: str
    description: str
    expected_by: Check
    make: Callable[[TokenContext], str]


TOKEN_CASES: tuple[TokenCase, ...] = (
    TokenCase(
        "own-token",
        "its own service account, audience as planned, signed by the cluster's key",
        Check.PASSED,
        lambda t: t.signed(t.claims()),
    ),
    TokenCase(
        "namespace-default",
        "the default service account of the same namespace",
        Check.TRUST_POLICY,
        lambda t: t.signed(t.claims(Subject(t.service.namespace, "default"))),
    ),
    TokenCase(
        "neighbour-service",
        "the next service's service account (another service of the catalog)",
        Check.TRUST_POLICY,
        lambda t: t.signed(t.claims(t.other.subject, t.other.audience)),
    ),
    TokenCase(
        "wrong-audience",
        f"its own service account, audience {KUBE_API_AUDIENCE} (a pod's default token)",
        Check.AUDIENCE,
        lambda t: t.signed(t.claims(audience=KUBE_API_AUDIENCE)),
    ),
    TokenCase(
        "expired",
        "issued two hours ago for one hour",
        Check.EXPIRY,
        lambda t: t.signed(t.claims(now=time.time() - 7200)),
    ),
    TokenCase(
        "not-yet-valid",
        "nbf one hour from now",
        Check.NOT_BEFORE,
        lambda t: t.signed(t.claims(not_before=time.time() + 3600)),
    ),
    TokenCase(
        "other-key",
        "signed by a key that is not in the issuer's JWKS (its own kid)",
        Check.KEY_ID,
        lambda t: sign_token(t.claims(), t.foreign_key),
    ),
    TokenCase(
        "forged-kid",
        "signed by another key, header naming the issuer's kid",
        Check.SIGNATURE,
        lambda t: sign_token(t.claims(), t.foreign_key, kid=t.issuer.signing_key.kid),
    ),
    TokenCase(
        "alg-none",
        "alg none, no signature, header naming the issuer's kid",
        Check.ALGORITHM,
        lambda t: unsigned_token(t.claims(), kid=t.issuer.signing_key.kid),
    ),
    TokenCase(
        "other-issuer",
        "iss of another cluster (no IAM OIDC provider), signed by the cluster's key",
        Check.PROVIDER,
        lambda t: t.signed(t.claims(iss=t.issuer.issuer.rsplit("/", 1)[0] + "/" + OTHER_ISSUER_ID)),
    ),
)


def _expected_trust_reason(case: TokenCase, service: ServicePlan, other: ServicePlan) -> str:
    trusted = f"{service.subject.value} with audience {service.audience}"
    return {
        "own-token": f"service.json: the role trusts {trusted}, and the token is signed by the issuer's key",
        "namespace-default": f"service.json: the role trusts only {trusted}",
        "neighbour-service": f"{other.subject.value} belongs to {other.name}; the role trusts only {trusted}",
        "wrong-audience": f"the IAM OIDC provider's client IDs are [{service.audience}]",
        "expired": "STS refuses a token past its exp",
        "not-yet-valid": "STS refuses a token before its nbf",
        "other-key": "STS verifies signatures with the issuer's published keys only",
        "forged-kid": "the issuer's key of that kid did not make the signature",
        "alg-none": "STS accepts RS256/384/512 and ES256/384/512 signatures only",
        "other-issuer": "the account has no IAM OIDC provider for that issuer",
    }[case.name]


def _call(emulator: MotoEmulator, credentials: Credentials, probe: Probe) -> None:
    p = probe.params
    key = {"pk": {"S": "irsa-verify"}}
    if probe.action == "s3:PutObject":
        emulator.client("s3", credentials).put_object(Bucket=p["Bucket"], Key=p["Key"], Body=b"irsa-verify\n")
    elif probe.action == "dynamodb:GetItem":
        emulator.client("dynamodb", credentials).get_item(TableName=p["TableName"], Key=key)
    elif probe.action == "dynamodb:BatchGetItem":
        emulator.client("dynamodb", credentials).batch_get_item(RequestItems={p["TableName"]: {"Keys": [key]}})
    elif probe.action == "dynamodb:Query":
        attribute = "gsi_pk" if p.get("IndexName") else "pk"
        extra = {"IndexName": p["IndexName"]} if p.get("IndexName") else {}
        emulator.client("dynamodb", credentials).query(
            TableName=p["TableName"],
            KeyConditionExpression="#k = :v",
            ExpressionAttributeNames={"#k": attribute},
            ExpressionAttributeValues={":v": {"S": "irsa-verify"}},
            **extra,
        )
    elif probe.action == "dynamodb:DescribeTable":
        emulator.client("dynamodb", credentials).describe_table(TableName=p["TableName"])
    elif probe.action == "secretsmanager:GetSecretValue":
        emulator.client("secretsmanager", credentials).get_secret_value(SecretId=p["SecretId"])
    elif probe.action == "secretsmanager:DescribeSecret":
        emulator.client("secretsmanager", credentials).describe_secret(SecretId=p["SecretId"])
    elif probe.action == "ec2:DescribeInstances":
        emulator.client("ec2", credentials).describe_instances()
    else:  # pragma: no cover - probes are built above
        raise ValueError(f"no call for {probe.action}")


def _observe(call: Callable[[], object]) -> tuple[str, str]:
    """``(allow|deny|error, reason)`` of one AWS call."""
    try:
        call()
    except botocore.exceptions.ClientError as error:
        info = error.response.get("Error", {})
        code, message = str(info.get("Code", "")), str(info.get("Message", ""))
        if message.startswith("<?xml"):  # moto answers JSON services' auth errors in XML
            code = _xml_text(message, "Code") or code
            message = _xml_text(message, "Message") or message
        elif message.lstrip().lower().startswith(("<!doctype", "<html")):  # a crash inside moto
            message = _xml_text(message, "title") or "an HTML error page"
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 403 and code in ("AccessDenied", "AccessDeniedException"):
            return DENY, f"{code}: {message}"
        return ERROR, f"HTTP {status} {code}: {message}"
    except botocore.exceptions.BotoCoreError as error:
        return ERROR, f"{type(error).__name__}: {_first_line(str(error))}"
    return ALLOW, "the call succeeded"


def _xml_text(xml: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", xml, re.DOTALL)
    return match.group(1).strip() if match else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _caller_arn(emulator: MotoEmulator, credentials: Credentials) -> str:
    return emulator.client("sts", credentials).get_caller_identity()["Arn"]


def run_matrix(
    emulator: MotoEmulator,
    sts: LocalSts,
    issuer: LocalIssuer,
    services: Sequence[ServicePlan],
    probes: Sequence[Probe],
    documents: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]],
) -> tuple[list[Cell], dict[str, Credentials]]:
    """Every trust cell (every service x every token case), then every access cell (service x probe)."""
    cells: list[Cell] = []
    sessions: dict[str, Credentials] = {}
    foreign_key = SigningKey.generate()
    for position, service in enumerate(services):
        other = services[(position + 1) % len(services)]
        for case in TOKEN_CASES:
            if case.name == "neighbour-service" and other.subject == service.subject:
                continue
            token = case.make(TokenContext(issuer, service, other, foreign_key))
            decision, credentials = sts.assume(service.role_arn, token, service.session_name)
            expected = ALLOW if case.expected_by is Check.PASSED else DENY
            if decision.allowed and credentials is not None:
                arn = _caller_arn(emulator, credentials)
                actual_reason = f"{decision.reason}; moto issued credentials for {arn}"
                if case.name == "own-token":
                    sessions[service.name] = credentials
            else:
                actual_reason = f"{decision.code}: {decision.reason}" if decision.code else decision.reason
            cells.append(
                Cell(
                    "trust",
                    service.name,
                    case.name,
                    expected,
                    str(case.expected_by),
                    _expected_trust_reason(case, service, other),
                    ALLOW if decision.allowed else DENY,
                    str(decision.check),
                    actual_reason,
                )
            )
    for service in services:
        credentials = sessions.get(service.name)
        for probe in probes:
            expected, expected_reason = expected_access(documents.get(service.name, []), probe.action, probe.resource)
            if credentials is None:
                actual, reason = ERROR, "no credentials: the role's own token was not accepted"
            else:
                actual, reason = _observe(functools.partial(_call, emulator, credentials, probe))
            cells.append(
                Cell(
                    "access",
                    service.name,
                    probe.label,
                    expected,
                    "iam-policy",
                    expected_reason,
                    actual,
                    "moto",
                    reason,
                )
            )
    return cells, sessions


def pod_identity_cells(emulator: MotoEmulator, auth: LocalEksAuth, roles: Sequence[PodIdentityRole]) -> list[Cell]:
    """Every Pod Identity role x every case that applies to it (:data:`POD_CASES`), decided by EKS Auth's steps."""
    cells = []
    for role in roles:
        for case in POD_CASES:
            wanted = expected_answer(case, role)
            if wanted is None:
                continue
            check, why = wanted
            decision = run_case(auth, case, role)
            cells.append(
                Cell(
                    "pod-identity",
                    role.name,
                    case.name,
                    ALLOW if check is PodIdentityCheck.PASSED else DENY,
                    str(check),
                    why,
                    ALLOW if decision.allowed else DENY,
                    str(decision.check),
                    decision.reason,
                )
            )
    pure = next((r for r in roles if "Federated" not in r.trust_policy), None)
    if pure is not None:
        actual, reason = moto_assume_role_fact(emulator, pure)
        cells.append(
            Cell(
                "emulator",
                pure.name,
                "moto sts:AssumeRole of a role whose trust names only pods.eks.amazonaws.com",
                ERROR,
                "moto",
                "moto 5.2.5 cannot act as a service principal: it fails (HTTP 500) checking a service-only trust, "
                "so no Pod Identity credentials come from it",
                actual,
                "moto",
                reason,
            )
        )
    return cells


def emulator_cells(
    emulator: MotoEmulator,
    sts: LocalSts,
    issuer: LocalIssuer,
    services: Sequence[ServicePlan],
    probes: Sequence[Probe],
    sessions: Mapping[str, Credentials],
    documents: Mapping[str, Sequence[tuple[str, Mapping[str, Any]]]],
) -> list[Cell]:
    """Facts about moto that docs/verify.md states, observed in this run (they turn into mismatches if moto changes)."""
    cells = []
    target = services[0] if services else None
    probe_client = emulator.client("s3", Credentials("EXAMPLEIRSAVERIFYNONE", "unknown"))
    actual, reason = _observe(lambda: probe_client.list_buckets())
    cells.append(
        Cell(
            "emulator",
            "-",
            "unknown access key after bootstrap",
            DENY,
            "moto",
            f"after {BOOTSTRAP_CALLS} bootstrap requests every request is authenticated against IAM access keys",
            DENY if reason.startswith("HTTP 403 InvalidAccessKeyId") else actual,
            "moto",
            reason,
        )
    )
    if target is not None:
        claims = service_account_claims(issuer.issuer, target.subject, [target.audience])
        forged = unsigned_token(claims, kid=issuer.signing_key.kid)
        actual, reason = _observe(lambda: sts.issue(target.role_arn, forged, target.session_name))
        cells.append(
            Cell(
                "emulator",
                target.name,
                "moto AssumeRoleWithWebIdentity with an alg-none token, without the STS side",
                ALLOW,
                "moto",
                "moto 5.2.5 does not read WebIdentityToken: the STS side in front of it is what refuses forgeries",
                actual,
                "moto",
                "moto issued credentials" if actual == ALLOW else reason,
            )
        )
    # moto's unpatched behaviour, each on an allowed call whose granting pattern shows the gap.
    gaps = (
        ("resources", "dynamodb:", lambda pattern: pattern != "*", DENY, RESOURCE_GAP),
        ("wildcards", "secretsmanager:", lambda pattern: "?" in pattern, ERROR, WILDCARD_GAP),
    )
    for group, prefix, shows_gap, expected, why in gaps:
        found = _first(
            (service, probe)
            for service in services
            if service.name in sessions
            for probe in probes
            if probe.action.startswith(prefix)
            and expected_access(documents.get(service.name, []), probe.action, probe.resource)[0] == ALLOW
            and all(
                shows_gap(p)
                for _, st, patterns in _applying(documents.get(service.name, []), probe.action, probe.resource)
                if st.get("Effect") == "Allow"
                for p in patterns
            )
        )
        if found is None or emulator.patches is None:
            continue
        service, probe = found
        with emulator.patches.suspended(group):
            actual, reason = _observe(functools.partial(_call, emulator, sessions[service.name], probe))
        case = f"without the {group} patch: {probe.label}"
        cells.append(Cell("emulator", service.name, case, expected, "moto", why, actual, "moto", reason))
    return cells


def _first(items: Iterator[Any]) -> Any:
    return next(iter(items), None)


# --- report -------------------------------------------------------------------------------------------------


def report(stack: str, services: Sequence[ServicePlan], env: Environment, cells: Sequence[Cell]) -> dict[str, Any]:
    """The ``verify.json`` document: deterministic (no ports, times, keys or random ids)."""
    mismatches = [c for c in cells if not c.ok]
    return {
        "stack": stack,
        "issuers": sorted({s.issuer for s in services}),
        "emulator": {
            "moto": version("moto"),
            "pyjwt": version("PyJWT"),
            "iamEnforcement": (
                f"moto server on 127.0.0.1; /moto-api/reset-auth set INITIAL_NO_AUTH_ACTION_COUNT to {BOOTSTRAP_CALLS} "
                "(bootstrap: CreateUser, PutUserPolicy, CreateAccessKey); every later request is SigV4-authenticated "
                "and authorised against the caller's IAM policies"
            ),
            "patches": [
                "IAMPolicyStatement._match: IAM wildcards (* and ?) instead of a regex",
                "DynamoHandler._determine_resource: table or index ARN instead of *",
                "SecretsManagerResponse._determine_resource: secret ARN instead of *",
            ],
            "trustDecisions": (
                "by the STS side (PyJWT + eks_irsa.iam.evaluate); moto's AssumeRoleWithWebIdentity is called only "
                "after it allows, signed by a broker user, because moto checks neither token nor trust policy"
            ),
            "notes": list(env.notes),
        },
        "resources": {
            "buckets": list(env.buckets),
            "tables": [f"{t} (GSI {GSI_NAME})" for t in env.tables],
            "secrets": list(env.secrets),
        },
        "conventions": (
            "A secret's ARN ends in Secrets Manager's random 6-character suffix, written ??????. Trust cells pass "
            "when both the decision and the deciding check are as expected; other cells when the decision is."
        ),
        "tokenCases": {c.name: c.description for c in TOKEN_CASES},
        "podIdentity": pod_identity_pieces_note(),
        "podCases": {c.name: c.description for c in POD_CASES},
        "cells": [c.to_json() for c in cells],
        "summary": {"cells": len(cells), "mismatches": len(mismatches), "ok": not mismatches},
    }
