"""The identity rules of a role plan: the role's account and partition from plain inputs, IRSA's OIDC providers,
EKS Pod Identity (cluster ARN, session tags, session policy), a cross-account target role, and the trust policy
rendered at plan time. Pure: no Pulumi import. Called by :func:`~eks_irsa.plan.rules.plan_role`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..contract.own import own_cluster
from ..errors import Problem
from ..iam import limits
from ..iam.arn import ACCOUNT_ID, ARN_DOCS, parse_arn
from ..iam.policy import PolicyStatement, check_statement, provider_json, render_permissions_policy
from ..iam.trust import DEFAULT_AUDIENCE, IRSA_DOCS, TARGET_ROLE_DOCS, Subject, check_provider_arn
from .arns import check_iam_arn, partition_problems
from .lint import lint
from .model import OURS, IdentityType, statement_from_args
from .render import check_provider, render_trust

POD_IDENTITY_DOCS = "EKS User Guide, 'EKS Pod Identity'"


POD_IDENTITY_CHINA_DOCS = (
    "EKS User Guide for the China Regions, 'EKS Pod Identities' (\"Pod Identity is not available in China "
    'Regions. Use IAM roles for service accounts.")'
)


SESSION_POLICY_DOCS = (
    "EKS API Reference, CreatePodIdentityAssociation (policy requires disableSessionTags; the effective "
    "permissions are the role's policies intersected with it)"
)


def identity_checks(
    args: Mapping[str, Any], identity: IdentityType, pattern: str | None
) -> tuple[str | None, str | None, list[Problem]]:
    """The role's account and partition as far as plain inputs tell, and the identity mode's own rules."""
    problems: list[Problem] = []
    account = args.get("role_account_id")
    partition = None
    if account is not None and not ACCOUNT_ID.fullmatch(account):
        problems.append(
            Problem(
                "role_account_id",
                account,
                "is not an AWS account ID",
                "AWS Account Management Reference Guide, 'AWS account identifiers'",
                "give the 12 digits",
            )
        )
        account = None
    if identity.uses_pod_identity:
        cluster_arn = args.get("cluster_arn")
        parsed = parse_arn(cluster_arn) if isinstance(cluster_arn, str) else None
        if cluster_arn is None:
            problems.append(
                Problem(
                    "cluster_arn",
                    None,
                    "is required with Pod Identity (the trust policy's aws:SourceArn)",
                    POD_IDENTITY_DOCS,
                    "give arn:<partition>:eks:<region>:<account>:cluster/<name>",
                )
            )
        elif isinstance(cluster_arn, str) and (parsed is None or parsed.service != "eks"):
            problems.append(
                Problem("cluster_arn", cluster_arn, "is not an EKS cluster ARN", ARN_DOCS, "give the cluster's ARN")
            )
        if parsed is not None and parsed.partition == "aws-cn":
            problems.append(
                Problem(
                    "identity",
                    identity.value,
                    "uses EKS Pod Identity, which is not available in the AWS China Regions "
                    f"(the cluster {cluster_arn} is in partition aws-cn)",
                    POD_IDENTITY_CHINA_DOCS,
                    "use identity irsa",
                )
            )
        if parsed is not None:
            partition = parsed.partition
            if account and account != parsed.account:
                problems.append(
                    Problem(
                        "role_account_id",
                        account,
                        f"differs from the cluster's account {parsed.account}; a Pod Identity association names "
                        "a role of the cluster's account",
                        POD_IDENTITY_DOCS,
                        "use identity irsa for a role in another account",
                    )
                )
            account = account or parsed.account
        if pattern is not None or (identity == IdentityType.POD_IDENTITY and args.get("additional_clusters")):
            problems.append(
                Problem(
                    "identity",
                    identity.value,
                    "binds one named ServiceAccount per association; patterns and extra clusters' OIDC trust "
                    "do not apply",
                    POD_IDENTITY_DOCS,
                    "name the service accounts, or use identity irsa",
                )
            )
        if identity == IdentityType.POD_IDENTITY:
            if args.get("audience", DEFAULT_AUDIENCE) != DEFAULT_AUDIENCE:
                problems.append(
                    Problem(
                        "audience", args["audience"], "does not apply to Pod Identity", POD_IDENTITY_DOCS, "leave out"
                    )
                )
            return account, partition, problems
    pairs = [("oidc", args.get("oidc_provider_arn"), args.get("oidc_issuer"))] + [
        (f"additional_clusters[{i}].oidc", c.get("oidc_provider_arn"), c.get("oidc_issuer"))
        for i, c in enumerate(args.get("additional_clusters", ()))
    ]
    for where, arn, issuer in pairs:
        if arn is None or issuer is None:
            if args.get("existing_role_arn") is None:
                problems.append(
                    Problem(
                        f"{where}_provider_arn" if arn is None else f"{where}_issuer",
                        None,
                        "is required with IRSA",
                        IRSA_DOCS,
                        "pass the cluster's oidc_provider_arn and oidc_issuer (EksCluster outputs)",
                    )
                )
            continue
        problems += check_provider(where, arn, issuer, account)
        parsed = parse_arn(arn) if isinstance(arn, str) else None
        if parsed is not None and not check_provider_arn("", arn):
            partition = partition or parsed.partition
            account = account or parsed.account
    return account, partition, problems


def static_trust(
    args: Mapping[str, Any],
    identity: IdentityType,
    subjects: Sequence[Subject],
    audience: str,
    account: str | None,
    session_tags: bool,
) -> str | None:
    """The trust policy when every input it needs is plain; ``None`` when one is an Output.

    An Output of this program's own ``EksCluster`` (:func:`~eks_irsa.contract.own.own_cluster`) stands in at its
    bound (the issuer's id at its longest, :class:`~eks_irsa.contract.own.ClusterIdentity`): the document is
    rendered and checked now (malformed or repeated issuers, the size quota), then dropped (``None``), and the
    component renders the real one when the Outputs resolve.

    Raises:
        IrsaConfigError: what :func:`~eks_irsa.plan.render.render_trust` raises, also at the bound.
    """
    values: list[object] = []
    if identity.uses_pod_identity:
        values.append(args.get("cluster_arn"))
    if identity.uses_irsa:
        values += [args.get("oidc_provider_arn"), args.get("oidc_issuer")]
        for cluster in args.get("additional_clusters", ()):
            values += [cluster.get("oidc_provider_arn"), cluster.get("oidc_issuer")]
    offset = 1 if identity.uses_pod_identity else 0
    plain_arns = [parse_arn(v) for v in values[offset::2] if isinstance(v, str)]
    known_account = account or next((a.account for a in plain_arns if a is not None), None)
    bounded = [
        _at_bound(value, issuer=(index - offset) % 2 == 1, account=known_account) if index >= offset else value
        for index, value in enumerate(values)
    ]
    if not all(isinstance(v, str) for v in bounded) or (identity.uses_pod_identity and account is None):
        return None
    at_bound = bounded != values
    cluster_arn = str(bounded.pop(0)) if identity.uses_pod_identity else None
    pairs = [(str(bounded[i]), str(bounded[i + 1])) for i in range(0, len(bounded), 2)]
    document = render_trust(
        subjects,
        audience,
        account,
        pairs,
        args.get("trust_policy_max_size", limits.TRUST_POLICY_MAX_DEFAULT),
        identity=identity,
        cluster_arn=cluster_arn,
        session_tags=session_tags,
    )
    return None if at_bound else document


def _at_bound(value: object, *, issuer: bool, account: str | None) -> object:
    """``value``, or for an Output of this program's ``EksCluster`` its stand-in at the bound."""
    own = own_cluster(value)
    if own is None:
        return value
    return own.issuer_bound if issuer else own.provider_arn_bound(account)


def session_checks(
    args: Mapping[str, Any], identity: IdentityType
) -> tuple[bool, tuple[PolicyStatement, ...], list[Problem]]:
    """Session tags on or off, and the session policy's statements: Pod Identity only. A session policy
    needs the session tags off (EKS CreatePodIdentityAssociation), so it turns them off by default."""
    problems: list[Problem] = []
    raw_tags = args.get("session_tags")
    raw_policy = args.get("session_policy") or ()
    if not identity.uses_pod_identity:
        given = [k for k in ("session_tags", "session_policy") if args.get(k) is not None]
        if given:
            problems.append(
                Problem(
                    given[0],
                    args[given[0]],
                    "is a setting of the EKS Pod Identity association; IRSA has no session tags or session policy",
                    POD_IDENTITY_DOCS,
                    "use identity pod-identity (or both), or leave it out",
                )
            )
        return False, (), problems
    if raw_tags is not None and not isinstance(raw_tags, bool):
        problems.append(Problem("session_tags", raw_tags, "is not true or false", OURS, "give a boolean"))
    statements = tuple(statement_from_args(s) for s in raw_policy)
    if statements and raw_tags is True:
        problems.append(
            Problem(
                "session_tags",
                True,
                "is on, but a session policy requires the association's session tags off",
                SESSION_POLICY_DOCS,
                "leave session_tags out (a session policy turns them off) or drop session_policy",
            )
        )
    session_tags = bool(raw_tags) if raw_tags is not None else not statements
    return session_tags, statements, problems


def target_checks(
    args: Mapping[str, Any],
    identity: IdentityType,
    account: str | None,
    partition: str | None,
    session_statements: Sequence[PolicyStatement],
) -> tuple[str | None, str | None, list[Problem]]:
    """Cross-account Pod Identity: the target role's account (created here) or ARN (existing)."""
    target = args.get("target_role")
    if target is None:
        return None, None, []
    where = "target_role"
    if not isinstance(target, Mapping):
        return None, None, [Problem(where, target, "is not a mapping", OURS, "give {account_id} or {role_arn}")]
    problems: list[Problem] = []
    if identity != IdentityType.POD_IDENTITY:
        problems.append(
            Problem(
                where,
                identity.value,
                "chains from a Pod Identity association; with IRSA the pod would get the first role, which "
                "holds only the permission to assume the target",
                TARGET_ROLE_DOCS,
                "use identity pod-identity (for IRSA in another account: role_account_id)",
            )
        )
    target_account, target_arn = target.get("account_id"), target.get("role_arn")
    if (target_account is None) == (target_arn is None):
        problems.append(
            Problem(where, dict(target), "needs exactly one of account_id and role_arn", OURS, "give one of them")
        )
    if target_account is not None:
        if not isinstance(target_account, str) or not ACCOUNT_ID.fullmatch(target_account):
            problems.append(
                Problem(
                    f"{where}.account_id",
                    target_account,
                    "is not an AWS account ID (12 digits)",
                    "AWS Account Management Reference Guide, 'AWS account identifiers'",
                    "give the 12 digits",
                )
            )
        elif target_account == account:
            problems.append(
                Problem(
                    f"{where}.account_id",
                    target_account,
                    "is the cluster's account, where the role itself can hold the permissions",
                    TARGET_ROLE_DOCS,
                    "leave target_role out",
                )
            )
    if target_arn is not None:
        problems += check_iam_arn(f"{where}.role_arn", "role", target_arn, None)
        problems += partition_problems([(f"{where}.role_arn", target_arn)], partition)
    if session_statements:
        problems.append(
            Problem(
                "session_policy",
                "(given)",
                "is not combined with a target role here: which of the two chained sessions it would restrict "
                "is not documented",
                TARGET_ROLE_DOCS,
                "put the restriction in the target role's permissions",
            )
        )
    if args.get("existing_role_arn") is not None:
        problems.append(
            Problem(
                "existing_role_arn",
                args["existing_role_arn"],
                "is given with a target role; the first role of a chain holds only the chaining permission this "
                "component writes",
                TARGET_ROLE_DOCS,
                "let the component create the first role",
            )
        )
    return target_account if not problems else None, target_arn if not problems else None, problems


def session_policy_document(
    name: str, statements: Sequence[PolicyStatement], account: str | None, region: str | None
) -> tuple[str | None, list[Problem], list[str]]:
    """The session policy in the form the AWS provider stores (:func:`eks_irsa.iam.policy.provider_json`, so a second
    run shows no diff): the same grammar and lint as ``statements``, then STS's quota."""
    if not statements:
        return None, [], []
    problems = [p for i, s in enumerate(statements) for p in check_statement(f"session_policy[{i}]", s)]
    if problems:
        return None, problems, []
    found, warnings = lint(f"{name} (session policy)", statements, account, region)
    problems += [replace(p, field=p.field.replace("statements", "session_policy", 1)) for p in found]
    document = provider_json(render_permissions_policy(statements))
    if len(document) > limits.SESSION_POLICY_MAX:
        problems.append(
            Problem(
                "session_policy",
                f"{len(document)} characters",
                f"exceed the session policy quota of {limits.SESSION_POLICY_MAX}",
                "AWS STS API Reference, AssumeRole (Policy)",
                "shorten the session policy (fewer resources, wildcards in ARNs) or narrow the role itself",
            )
        )
    return document, problems, warnings


def provider_account(args: Mapping[str, Any]) -> str | None:
    """The role's account when ``role_account_id`` is not given: the plain OIDC provider ARN's (IRSA: IAM
    trusts a provider of the role's own account, EKS User Guide, 'Create an IAM OIDC provider'), else the
    plain cluster ARN's (Pod Identity); ``None`` when neither is a plain ARN."""
    for key in ("oidc_provider_arn", "cluster_arn"):
        parsed = parse_arn(args.get(key))
        if parsed is not None and ACCOUNT_ID.fullmatch(parsed.account):
            return parsed.account
    return None


def stack_region(args: Mapping[str, Any]) -> str | None:
    """The stack's region as far as plain inputs tell: the cluster ARN's, else the OIDC issuer's
    (``oidc.eks.<region>.amazonaws.com/id/<ID>``, EKS User Guide, 'Create an IAM OIDC provider')."""
    parsed = parse_arn(args.get("cluster_arn"))
    if parsed is not None and parsed.region:
        return parsed.region
    issuer = args.get("oidc_issuer")
    if isinstance(issuer, str):
        host = issuer.removeprefix("https://").split("/", 1)[0].split(".")
        if len(host) > 3 and host[:2] == ["oidc", "eks"]:
            return host[2]
    return None
