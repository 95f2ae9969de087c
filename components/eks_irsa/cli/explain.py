"""``python -m eks_irsa.cli.explain``: why would STS refuse this token for this role?

Reads a projected service-account token (a JWT) and a role trust policy, and prints ALLOWED or
DENIED with every failing part and its usual cause in the field. Offline: nothing is sent to AWS,
and the token's signature is not checked (STS checks it against the issuer's JWKS).

Usage::

    python -m eks_irsa.cli.explain --token token.jwt --policy trust-policy.json [--provider-arn ARN]
    python -m eks_irsa.cli.explain --token token.jwt --stack dev --service orders-api [--build-dir build]
    python -m eks_irsa.cli.explain --pod reports/reports --stack staging --service reports

With ``--pod NAMESPACE/SERVICE_ACCOUNT`` instead of a token it asks the EKS Pod Identity question: would
the ``sts:AssumeRole`` (and ``sts:TagSession``) that EKS Auth makes for a pod of that service account in
the cluster (``--cluster-arn``, or ``clusterArn`` in ``service.json``) pass the trust policy, with the
session tags on or off as the association has them (``--session-tags``, or ``sessionTags`` in
``service.json``)? The association itself (which service account it binds) is EKS's, not IAM's, and is
not checked here.

With ``--chain`` it asks the cross-account question: would the ``sts:AssumeRole`` EKS Pod Identity makes
with the first role's credentials (``--caller``, or ``roleArn`` in ``service.json``) and the association's
external id (``--external-id``, or ``externalId``) pass the target role's trust
(``target-trust-policy.json``, or ``--policy``)?

Exit codes: 0 allowed, 1 denied, 2 bad input (unreadable file, malformed token or policy).

Which IAM OIDC provider does the token's ``iss`` map to? ``--provider-arn`` says so outright; else
the ARN is built from ``iss`` and the account of the role (``--role-arn``, or ``roleArn`` in the
stack's ``service.json``), else of the policy's ``Principal.Federated``. Only the first two can reveal
a trust policy that names the provider of another account.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import jwt

from ..errors import IrsaConfigError
from ..iam.arn import parse_iam_arn
from ..iam.evaluate import (
    AssumeRoleRequest,
    Cause,
    Decision,
    Finding,
    WebIdentityRequest,
    chained_request,
    evaluate_assume_role,
    evaluate_web_identity,
    pod_identity_request,
)
from ..iam.policy import statement_list
from ..iam.trust import check_provider_arn, normalize_issuer
from ..iam.trust_review.statements import principals
from ..plan.model import RoleRecord
from .output import json_document

EXIT_ALLOWED = 0
EXIT_DENIED = 1
EXIT_BAD_INPUT = 2

CLOCK_SKEW_SECONDS = 300
"""IAM accepts an OIDC token up to five minutes past its ``exp`` for clock skew (IAM User Guide,
'OIDC federation', note on the ``exp`` claim)."""

SERVICE_KEYS = RoleRecord.json_keys()
"""Keys ``make plan`` writes to ``build/<stack>/services/<service>/service.json``
(:class:`~eks_irsa.plan.RoleRecord`)."""

USUAL_CAUSES: Mapping[Cause, str] = {
    Cause.ISSUER_MISMATCH: (
        "the token comes from another cluster than the role trusts, or a condition key was written with "
        "https:// (IAM keys are <host/path>:sub); compare the token's iss with the cluster's OIDC issuer "
        "(aws eks describe-cluster --query cluster.identity.oidc.issuer)"
    ),
    Cause.WRONG_SUBJECT: (
        "the pod runs in another namespace or under another service account than the role trusts; check the "
        "pod's namespace and spec.serviceAccountName against the service's entry in the catalog"
    ),
    Cause.WRONG_AUDIENCE: (
        "the token was requested for another audience: the eks.amazonaws.com/audience annotation on the "
        "service account and the role's audience must agree (default sts.amazonaws.com)"
    ),
    Cause.PROVIDER_OTHER_ACCOUNT: (
        "the trust policy names the cluster's IAM OIDC provider in another account; create the provider for "
        "this issuer in the role's account and trust that one"
    ),
    Cause.WILDCARD_UNDER_STRINGEQUALS: (
        "a pattern was written under StringEquals, which compares literally; use StringLike (in this package: "
        "opt in to wildcard service accounts in the catalog)"
    ),
    Cause.EXPIRED_TOKEN: (
        "the token file was copied out of the pod some time ago; the kubelet refreshes it inside the pod, so "
        "copy a fresh one from /var/run/secrets/eks.amazonaws.com/serviceaccount/token"
    ),
    Cause.TOKEN_NOT_YET_VALID: "the clock of this machine or of the cluster is off; compare it with the token's nbf",
    Cause.EXPLICIT_DENY: "a Deny statement applies, and a Deny wins over every Allow; remove or narrow it",
    Cause.NO_MATCHING_STATEMENT: "IAM allows only what an Allow statement covers",
    Cause.PRINCIPAL_NOT_FEDERATED: (
        "the statement trusts an AWS account or service, not the cluster's OIDC provider; IRSA needs "
        'Principal {"Federated": "<provider ARN>"}'
    ),
    Cause.WRONG_ACTION: "IRSA needs Action sts:AssumeRoleWithWebIdentity (sts:AssumeRole is another call)",
    Cause.OTHER_CONDITION: "a condition on another key does not hold; compare it with the token's claims",
    Cause.WRONG_PRINCIPAL: (
        "the role is not set up for this caller: a role used through EKS Pod Identity must trust "
        "pods.eks.amazonaws.com (catalog identity pod-identity, or both while migrating from IRSA)"
    ),
    Cause.WRONG_CLUSTER: (
        "the association is in another cluster or account than the trust policy's aws:SourceArn and "
        "aws:SourceAccount; trust that cluster too, or associate the role in the cluster it names"
    ),
    Cause.WRONG_SESSION_TAG: (
        "the role is associated with a service account it does not trust: check the association "
        "(aws eks list-pod-identity-associations) against the service's namespace and service account"
    ),
    Cause.SESSION_TAGS_OFF: (
        "the association has session tags disabled, but the trust policy pins aws:RequestTag/kubernetes-*; "
        "turn session tags on, or set sessionTags: false in the catalog so the trust stops pinning them"
    ),
    Cause.TAG_SESSION_NOT_ALLOWED: (
        "EKS Pod Identity passes session tags, which needs sts:TagSession in the trust policy besides "
        "sts:AssumeRole; add it, or disable the association's session tags"
    ),
    Cause.WRONG_EXTERNAL_ID: (
        "the target role's trust expects another sts:ExternalId than this association's externalId output: "
        "the association was replaced, or the target role trusts another association"
    ),
}
"""What usually lies behind each cause, printed under the finding."""


class BadInput(Exception):
    """Input ``explain`` cannot work with; printed as one line, exit code 2."""


@dataclass(frozen=True)
class Token:
    """The claims of a projected service-account token that IAM reads.

    Attributes:
        issuer: ``iss`` as written (with ``https://``).
        subject: ``sub``, or ``None``.
        audiences: ``aud`` as a tuple (a JWT ``aud`` is a string or a list; RFC 7519, 4.1.3).
        amr: ``amr`` as a tuple; empty when absent.
        expires: ``exp``, seconds since the epoch.
        not_before: ``nbf``, seconds since the epoch, or ``None``.
        pod: the pod name from the ``kubernetes.io`` claim, if any.
        algorithm: the header's ``alg``.
    """

    issuer: str
    subject: str | None
    audiences: tuple[str, ...]
    amr: tuple[str, ...]
    expires: float
    not_before: float | None
    pod: str | None
    algorithm: str | None


def read_token(text: str) -> Token:
    """Decode a JWT without verifying its signature and pick the claims IAM reads.

    Raises:
        BadInput: not a JWT, or ``iss``/``exp``/``aud``/``sub`` of the wrong type, or ``iss``/``exp`` missing.
    """
    raw = text.strip()
    try:
        header = jwt.get_unverified_header(raw)
        claims = jwt.decode(raw, options={"verify_signature": False})
    except jwt.exceptions.PyJWTError as exc:
        raise BadInput(f"the token is not a JWT ({exc})") from None
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss:
        raise BadInput("the token has no 'iss' claim; a projected service-account token always carries one")
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise BadInput("the token has no numeric 'exp' claim; a projected service-account token always carries one")
    nbf = claims.get("nbf")
    if nbf is not None and (isinstance(nbf, bool) or not isinstance(nbf, int | float)):
        raise BadInput(f"the token's 'nbf' claim is not a number: {nbf!r}")
    sub = claims.get("sub")
    if sub is not None and not isinstance(sub, str):
        raise BadInput(f"the token's 'sub' claim is not a string: {sub!r}")
    audiences = _claim_strings(claims, "aud")
    amr = _claim_strings(claims, "amr")
    k8s = claims.get("kubernetes.io")
    pod = k8s.get("pod") if isinstance(k8s, dict) else None
    pod_name = pod.get("name") if isinstance(pod, dict) and isinstance(pod.get("name"), str) else None
    return Token(iss, sub, audiences, amr, float(exp), None if nbf is None else float(nbf), pod_name, header.get("alg"))


def _claim_strings(claims: Mapping[str, object], name: str) -> tuple[str, ...]:
    value = claims.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise BadInput(f"the token's '{name}' claim is neither a string nor a list of strings: {value!r}")


def token_findings(token: Token, now: float) -> list[Finding]:
    """Expiry checks: ``exp`` more than five minutes past (IAM's allowance), ``nbf`` in the future."""
    findings = []
    if now > token.expires + CLOCK_SKEW_SECONDS:
        findings.append(
            Finding(
                Cause.EXPIRED_TOKEN,
                f"the token expired at {_utc(token.expires)}, {_ago(now - token.expires)} before now ({_utc(now)}); "
                "IAM allows five minutes of clock skew past exp",
            )
        )
    if token.not_before is not None and now < token.not_before:
        findings.append(
            Finding(
                Cause.TOKEN_NOT_YET_VALID,
                f"the token is valid only from {_utc(token.not_before)} (nbf), {_ago(token.not_before - now)} after "
                f"now ({_utc(now)})",
            )
        )
    return findings


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ago(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def derive_provider_arn(
    issuer_host: str, role_arn: str | None, provider_hint: str | None, policy: Mapping[str, object]
) -> tuple[str, str]:
    """The IAM OIDC provider ARN the token's issuer maps to, and how it was found.

    ``arn:<partition>:iam::<account>:oidc-provider/<issuer host/path>``, with partition and account
    from, in order: the role's ARN; ``provider_hint`` (the stack's provider ARN); the policy's
    ``Principal.Federated`` for this issuer, else the first one.

    Raises:
        BadInput: none of them names an account.
    """
    sources: list[tuple[str | None, str]] = [(role_arn, "the role's account"), (provider_hint, "the stack's provider")]
    federated = _federated_arns(policy)
    same = [a for a in federated if (p := parse_iam_arn(a, "oidc-provider")) and p.resource_id == issuer_host]
    sources += [(a, "the policy's Federated principal") for a in same + federated]
    for arn, how in sources:
        fields = parse_iam_arn(arn, "role") or parse_iam_arn(arn, "oidc-provider")
        if fields:
            return (
                f"arn:{fields.partition}:iam::{fields.account}:oidc-provider/{issuer_host}",
                f"the token's iss and {how}",
            )
    raise BadInput("cannot tell which account's IAM OIDC provider the token maps to; pass --provider-arn")


def _federated_arns(policy: Mapping[str, object]) -> list[str]:
    """Every ``Principal.Federated`` value of the policy, statement by statement
    (:func:`eks_irsa.iam.trust_review.statements.principals`)."""
    return [
        arn
        for statement in statement_list(policy)
        if isinstance(statement, Mapping)
        for arn in principals(statement, "Federated")
    ]


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys {duplicates}: a JSON parser keeps only one of them")
    return dict(pairs)


def _read_json(path: Path, what: str) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BadInput(f"cannot read {what} {path}: not UTF-8 text") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except ValueError as exc:
        raise BadInput(f"{what} {path}: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{what} {path} is not a JSON object")
    return data


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eks-irsa explain",
        description="Explain why STS would allow or deny AssumeRoleWithWebIdentity for a token and a trust policy. "
        "Offline; the token's signature is not checked.",
        epilog="Exit codes: 0 allowed, 1 denied, 2 bad input.",
    )
    parser.add_argument("--token", type=Path, help="file holding the JWT (a projected SA token)")
    parser.add_argument(
        "--pod",
        metavar="NAMESPACE/SERVICE_ACCOUNT",
        help="instead of a token: ask for EKS Pod Identity's AssumeRole for a pod of this service account",
    )
    parser.add_argument("--cluster-arn", help="with --pod: the association's cluster (default: service.json's)")
    parser.add_argument(
        "--chain",
        action="store_true",
        help="instead of a token: ask for the chained AssumeRole into the target role (cross-account Pod Identity)",
    )
    parser.add_argument("--caller", help="with --chain: the first role's ARN (default: service.json's roleArn)")
    parser.add_argument("--external-id", help="with --chain: the association's externalId (default: service.json's)")
    parser.add_argument(
        "--session-tags",
        choices=("on", "off"),
        help="with --pod: whether the association passes session tags (default: service.json's, else on)",
    )
    parser.add_argument("--policy", type=Path, help="trust policy JSON file")
    parser.add_argument("--stack", help="stack name: read build/<stack>/services/<service>/ (written by make plan)")
    parser.add_argument("--service", help="service name, with --stack")
    parser.add_argument("--build-dir", type=Path, default=Path("build"), help="build root (default: build)")
    parser.add_argument(
        "--role-arn",
        help="role ARN, whose account holds the provider the token maps to (default: service.json's roleArn; "
        "without it the policy's own Federated account is assumed, which hides a provider in another account)",
    )
    parser.add_argument(
        "--provider-arn", help="ARN of the IAM OIDC provider the token's iss maps to (default: derived from iss)"
    )
    parser.add_argument("--now", type=float, help="seconds since the epoch to check exp/nbf against (default: now)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print every condition of every statement")
    parser.add_argument("--json", action="store_true", help="print one JSON document (docs/cli.md) instead")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command; returns the exit code (0 allowed, 1 denied, 2 bad input)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (code 0), or argparse printed its usage error (code 2)
        return EXIT_ALLOWED if not exc.code else EXIT_BAD_INPUT
    try:
        return _run(args, out)
    except BadInput as exc:
        message = _one_line(str(exc))
    except (OverflowError, RecursionError, ValueError) as exc:  # absurd numbers or nesting in a token or policy
        message = f"the token or policy holds values out of range: {_one_line(str(exc))[:200]}"
    if args.json:
        print(json_document("explain", error=message), end="", file=out)
    else:
        print(f"error: {message}", file=err)
    return EXIT_BAD_INPUT


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if bool(args.policy) == bool(args.stack or args.service):
        raise BadInput("give either --policy FILE or --stack NAME --service NAME")
    service: RoleRecord | None = None
    if args.policy:
        policy_path = args.policy
    else:
        if not (args.stack and args.service):
            raise BadInput("--stack and --service go together")
        folder = args.build_dir / args.stack / "services" / args.service
        trust_file = "target-trust-policy.json" if args.chain else "trust-policy.json"
        policy_path, service_path = folder / trust_file, folder / "service.json"
        missing = [p for p in (policy_path, service_path) if not p.is_file()]
        if missing:
            raise BadInput(f"{missing[0]} not found; run `make plan STACK={args.stack}` first")
        stale = _newer_stack_file(args.build_dir, args.stack, service_path)
        if stale is not None:
            raise BadInput(
                f"{stale} changed after {service_path} was written; run `make plan STACK={args.stack}` again"
            )
        data = _read_json(service_path, "service file")
        absent = [k for k in SERVICE_KEYS if k not in data and k != "externalId"]
        if absent:
            raise BadInput(f"{service_path} lacks {', '.join(absent)}; run `make plan STACK={args.stack}` again")
        try:
            service = RoleRecord.from_data(data)
        except ValueError as exc:
            raise BadInput(f"{service_path}: {exc}") from None

    if [bool(args.token), bool(args.pod), bool(args.chain)].count(True) != 1:
        raise BadInput("give one of --token FILE, --pod NAMESPACE/SERVICE_ACCOUNT and --chain")
    if args.pod:
        return _run_pod(args, out, policy_path, service)
    if args.chain:
        return _run_chain(args, out, policy_path, service)
    try:
        token_text = args.token.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read token {args.token}: {getattr(exc, 'strerror', None) or exc}") from None
    token = read_token(token_text)
    policy = _read_json(policy_path, "trust policy")

    try:
        issuer_host = normalize_issuer(token.issuer, "token.iss")
    except IrsaConfigError as exc:
        raise BadInput(f"the token's iss {token.issuer!r} is not an https issuer ({exc.problems[0].rule})") from None
    role_arn = args.role_arn or (service.role_arn if service else None)
    if args.provider_arn:
        problems = check_provider_arn("--provider-arn", args.provider_arn)
        if problems:
            raise BadInput(str(problems[0]))
        provider_arn, how = args.provider_arn, "--provider-arn"
    else:
        provider_arn, how = derive_provider_arn(
            issuer_host, role_arn, service.oidc_provider_arn if service else None, policy
        )
    request = WebIdentityRequest(provider_arn, token.issuer, token.subject, token.audiences, token.amr)
    try:
        decision = evaluate_web_identity(policy, request)
    except IrsaConfigError as exc:
        raise BadInput(f"trust policy {policy_path} is malformed: {exc.problems[0]}") from None

    now = time.time() if args.now is None else args.now
    expiry = token_findings(token, now) + scheme_findings(token)
    allowed = decision.allowed and not expiry
    if args.json:
        request_json = {"issuer": token.issuer, "subject": token.subject, "audiences": list(token.audiences)}
        print(
            _verdict_json("web-identity", request_json, policy_path, service, decision, expiry, allowed),
            end="",
            file=out,
        )
    else:
        _report(out, token, now, provider_arn, how, policy_path, service, decision, expiry, allowed, args.verbose)
    return EXIT_ALLOWED if allowed else EXIT_DENIED


def _run_pod(args: argparse.Namespace, out: TextIO, policy_path: Path, service: RoleRecord | None) -> int:
    """The EKS Pod Identity question: ``sts:AssumeRole`` (+ ``sts:TagSession``) for a pod of ``--pod``."""
    namespace, _, service_account = str(args.pod).partition("/")
    if not namespace or not service_account or "/" in service_account:
        raise BadInput(f"--pod {args.pod!r} is not NAMESPACE/SERVICE_ACCOUNT")
    cluster_arn = args.cluster_arn or (service.cluster_arn if service else None)
    if not cluster_arn:
        raise BadInput("give --cluster-arn (the service has no clusterArn: is it a Pod Identity service?)")
    session_tags = _session_tags(args, service)
    request = pod_identity_request(cluster_arn, namespace, service_account, session_tags=session_tags)
    decision = _evaluate_trust(policy_path, request)
    if args.json:
        asked = {"clusterArn": cluster_arn, "pod": f"{namespace}/{service_account}", "sessionTags": session_tags}
        print(
            _verdict_json("pod-identity", asked, policy_path, service, decision, [], decision.allowed), end="", file=out
        )
        return EXIT_ALLOWED if decision.allowed else EXIT_DENIED

    def line(text: str = "") -> None:
        print(text, file=out)

    line("EKS Pod Identity request (the AssumeRole EKS Auth makes for the pod; the association is not checked here)")
    line(f"  principal  {request.principal}")
    line(f"  actions    {', '.join(request.actions)}")
    line(f"  cluster    {cluster_arn}")
    line(f"  pod        {namespace}/{service_account} (session tags {'on' if session_tags else 'off'})")
    if service:
        line(f"Role: {service.role_arn} ({service.namespace}/{service.service_account})")
    line(f"Policy: {policy_path}")
    _verdict(line, decision, [], decision.allowed, args.verbose)
    return EXIT_ALLOWED if decision.allowed else EXIT_DENIED


def _session_tags(args: argparse.Namespace, service: RoleRecord | None) -> bool:
    """``--session-tags on|off`` if given, else the plan's ``sessionTags`` (on unless it says ``false``)."""
    if args.session_tags:
        return args.session_tags == "on"
    return service is None or service.session_tags is not False


def _evaluate_trust(policy_path: Path, request: AssumeRoleRequest) -> Decision:
    """The trust policy file's answer to ``request``; a malformed policy is bad input."""
    policy = _read_json(policy_path, "trust policy")
    try:
        return evaluate_assume_role(policy, request)
    except IrsaConfigError as exc:
        raise BadInput(f"trust policy {policy_path} is malformed: {exc.problems[0]}") from None


def _run_chain(args: argparse.Namespace, out: TextIO, policy_path: Path, service: RoleRecord | None) -> int:
    """The cross-account question: the first role's ``sts:AssumeRole`` into the target role."""
    caller = args.caller or (service.role_arn if service else None)
    external_id = args.external_id or (service.external_id if service else None)
    if not caller:
        raise BadInput("give --caller (the first role's ARN)")
    session_tags = _session_tags(args, service)
    namespace, service_account = (service.namespace, service.service_account) if service else (None, None)
    passed = (
        {"kubernetes-namespace": namespace, "kubernetes-service-account": service_account}
        if session_tags and namespace and service_account
        else None
    )
    request = chained_request(caller, external_id, session_tags=passed)
    decision = _evaluate_trust(policy_path, request)
    if args.json:
        asked = {"caller": caller, "externalId": external_id, "sessionTags": passed is not None}
        print(_verdict_json("chain", asked, policy_path, service, decision, [], decision.allowed), end="", file=out)
        return EXIT_ALLOWED if decision.allowed else EXIT_DENIED

    def line(text: str = "") -> None:
        print(text, file=out)

    line("Chained request (the AssumeRole EKS Pod Identity makes with the first role's credentials)")
    line(f"  principal    {caller}")
    line(f"  actions      {', '.join(request.actions)}")
    line(f"  external id  {external_id or '(none)'}")
    if service:
        line(f"Target role: {service.target_role_arn}")
    line(f"Policy: {policy_path}")
    _verdict(line, decision, [], decision.allowed, args.verbose)
    return EXIT_ALLOWED if decision.allowed else EXIT_DENIED


def scheme_findings(token: Token) -> list[Finding]:
    """STS finds the IAM OIDC provider by the URL in ``iss``, which is always ``https://<host/path>``
    (IAM User Guide, 'Create an OpenID Connect (OIDC) identity provider in IAM'); without the scheme no
    provider matches."""
    if token.issuer.lower().startswith("https://"):
        return []
    return [
        Finding(
            Cause.ISSUER_MISMATCH,
            f"the token's iss {token.issuer} has no https:// scheme; STS looks the provider up by "
            f"https://{token.issuer.rstrip('/')} and would not match this token",
        )
    ]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _report(
    out: TextIO,
    token: Token,
    now: float,
    provider_arn: str,
    how: str,
    policy_path: Path,
    service: RoleRecord | None,
    decision: Decision,
    expiry: list[Finding],
    allowed: bool,
    verbose: bool,
) -> None:
    def line(text: str = "") -> None:
        print(text, file=out)

    line("Token (signature NOT checked here; STS checks it against the issuer's JWKS, found via")
    line(f"       {token.issuer.rstrip('/')}/.well-known/openid-configuration)")
    line(f"  iss  {token.issuer}")
    line(f"  sub  {token.subject if token.subject is not None else '(none)'}")
    line(f"  aud  {', '.join(token.audiences) or '(none)'}")
    if token.amr:
        line(f"  amr  {', '.join(token.amr)}")
    left = token.expires - now
    state = f"valid for {_ago(left)} more" if left > 0 else f"expired {_ago(-left)} ago"
    line(f"  exp  {_utc(token.expires)} ({state})")
    if token.pod:
        line(f"  pod  {token.pod}")
    line(f"Provider: {provider_arn} (from {how})")
    if service:
        line(f"Role: {service.role_arn} ({service.namespace}/{service.service_account})")
        trusted_issuer = service.oidc_issuer
        if trusted_issuer and _host(trusted_issuer) != _host(token.issuer):
            theirs, mine = _host(trusted_issuer), _host(token.issuer)
            line(f"Note: the stack's cluster issuer is {theirs}; this token comes from {mine}")
    line(f"Policy: {policy_path}")
    if len(token.audiences) > 1:
        line(f"Note: the token has {len(token.audiences)} audiences; all go into the request's :aud key")
    if -CLOCK_SKEW_SECONDS <= left <= 0:
        line("Note: the token is past exp but within IAM's five minutes of clock skew")
    _verdict(line, decision, expiry, allowed, verbose)


def _verdict(
    line: Callable[..., None], decision: Decision, expiry: list[Finding], allowed: bool, verbose: bool
) -> None:
    """The statements (verbose), then ALLOWED with its reason or DENIED with every finding and its usual cause."""
    for note in decision.notes:
        line(f"Note: {note}")
    if verbose:
        line()
        for statement in decision.statements:
            verdict = "applies" if statement.applies else "does not apply"
            line(f"{statement.label}, {statement.effect}: {verdict}")
            line(f"  principal {'matches' if statement.principal_matched else 'does not match'}")
            line(f"  action {'matches' if statement.action_matched else 'does not match'}")
            for condition in statement.conditions:
                line(f"  [{'ok' if condition.passed else 'FAIL'}] {condition.detail}")
    line()
    if allowed:
        line(f"ALLOWED: {decision.reasons[0]}")
        return
    line("DENIED")
    for finding in [*expiry, *decision.findings]:
        if finding.cause is Cause.NO_MATCHING_STATEMENT:
            line(f"  - {finding.reason}")
            continue
        where = (
            f"statement {finding.statement}: " if finding.statement is not None and len(decision.statements) > 1 else ""
        )
        line(f"  - [{finding.cause}] {where}{finding.reason}")
        line(f"      usual cause: {USUAL_CAUSES[finding.cause]}")
    if decision.allowed and expiry:
        line("  (the trust policy itself would allow this token)")


def _verdict_json(
    question: str,
    asked: Mapping[str, object],
    policy_path: Path,
    service: RoleRecord | None,
    decision: Decision,
    expiry: list[Finding],
    allowed: bool,
) -> str:
    """The ``--json`` document of one answer (``docs/cli.md``): the question (``web-identity``,
    ``pod-identity`` or ``chain``), what was asked, the role and policy, the verdict, and each finding with its
    usual cause."""
    findings = [
        {
            "cause": str(f.cause),
            "reason": f.reason,
            "statement": f.statement,
            "usualCause": None if f.cause is Cause.NO_MATCHING_STATEMENT else USUAL_CAUSES[f.cause],
        }
        for f in [*expiry, *decision.findings]
    ]
    return json_document(
        "explain",
        question=question,
        request=dict(asked),
        roleArn=None if service is None else service.target_role_arn if question == "chain" else service.role_arn,
        policy=str(policy_path),
        allowed=allowed,
        reasons=list(decision.reasons) if allowed else [],
        findings=[] if allowed else findings,
        notes=list(decision.notes),
    )


def _newer_stack_file(build_dir: Path, stack: str, written: Path) -> Path | None:
    """The stack file ``written`` was planned from, when it changed after: ``stacks/Pulumi.<stack>.yaml`` beside
    ``build_dir`` (the catalog), or ``Pulumi.<stack>.yaml`` there (a ``plan --program`` project); else ``None``."""
    for candidate in (build_dir.parent / "stacks" / f"Pulumi.{stack}.yaml", build_dir.parent / f"Pulumi.{stack}.yaml"):
        if candidate.is_file() and candidate.stat().st_mtime > written.stat().st_mtime:
            return candidate
    return None


def _host(issuer: str) -> str:
    value = issuer.strip()
    if value.lower().startswith("https://"):
        value = value[len("https://") :]
    return value.rstrip("/")


if __name__ == "__main__":
    sys.exit(main())
