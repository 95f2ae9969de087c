""":func:`plan_role`: the one owner of every per-role rule, run once per role.

Pure: no Pulumi import. ``IrsaRole`` calls :func:`plan_role` before its first child is registered
and registers from the :class:`RolePlan` it returns; ``eks-irsa plan`` writes the plan's
``service.json`` from the same value; ``explain`` and ``verify`` read that file. Nothing re-derives
a plan from registrations or child names.

Inputs that a caller may hold as Pulumi Outputs (the cluster name, OIDC provider ARNs and issuers,
the cluster ARN, the permissions boundary) are checked here when they are plain strings. When they are
Outputs their checks run once they resolve (:func:`render_trust`, :func:`role_name_for`,
:func:`check_permissions_boundary`), and fail with the same :class:`~eks_irsa.errors.IrsaConfigError`
as every other rule.

Problem fields are paths in the vocabulary of :class:`~eks_irsa.irsa.IrsaRoleArgs`
(``additional_clusters[0].oidc_provider_arn``); the catalog translates them to its own keys.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..contract.own import own_cluster
from ..contract.role import IrsaRoleArgs
from ..errors import IrsaConfigError, Problem
from ..iam import limits
from ..iam.arn import ACCOUNT_ID, ARN_DOCS, parse_arn, parse_iam_arn
from ..iam.names import derive_role_name
from ..iam.policy import (
    Effect,
    PermissionsLayout,
    PolicyStatement,
    check_statement,
    layout_permissions,
    provider_json,
    render_permissions_policy,
)
from ..iam.trust import DEFAULT_AUDIENCE, IRSA_DOCS, TARGET_ROLE_DOCS, Subject, check_audience, check_provider_arn
from ..iam.trust_review import audience_findings
from ..shape import check_shape, root_keys
from .lint import Assessment, assess, check_managed_justifications, lint
from .model import TAG_PREFIX, IdentityType, RolePlan, ServiceAccountPlan, frozen_args
from .render import check_provider, render_trust

WEBHOOK_DOCS = "amazon-eks-pod-identity-webhook README (annotations)"
POD_IDENTITY_DOCS = "EKS User Guide, 'EKS Pod Identity'"
POD_IDENTITY_CHINA_DOCS = (
    "EKS User Guide for the China Regions, 'EKS Pod Identities' (\"Pod Identity is not available in China "
    'Regions. Use IAM roles for service accounts.")'
)
SESSION_POLICY_DOCS = (
    "EKS API Reference, CreatePodIdentityAssociation (policy requires disableSessionTags; the effective "
    "permissions are the role's policies intersected with it)"
)
OURS = "this package (eks_irsa.plan)"

ROLE_ONLY_CHART_VALUES = {
    "labels": "serviceAccount.labels",
    "annotations": "serviceAccount.annotations",
    "sts_regional_endpoints": 'serviceAccount.annotations "eks.amazonaws.com/sts-regional-endpoints": "true"',
    "token_expiration": 'serviceAccount.annotations "eks.amazonaws.com/token-expiration": "<seconds>"',
    "automount_token": "serviceAccount.automountServiceAccountToken",
}
"""Where a chart that creates its own ServiceAccount takes the settings a role-only service cannot apply (the
``serviceAccount.*`` values most charts share, e.g. eks-charts' aws-load-balancer-controller)."""

BROAD_MANAGED_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})
"""AWS managed policies refused as a permissions boundary, with every ``*FullAccess`` one: they grant whole
services or accounts. Attached ones (``managed_policy_arns``) are judged by their documents instead."""

FULL_ACCESS_RULE = (
    "grants a whole service or account (an AWS managed full-access policy); least privilege cannot be proven for it"
)


EXISTING_ROLE_SETTINGS = (
    "role_name",
    "role_path",
    "tags",
    "permissions_boundary",
    "max_session_duration",
    "statements",
    "managed_policy_arns",
    "managed_policy_justifications",
    "additional_clusters",
    "subject_pattern",
    "trust_policy_max_size",
    "max_managed_policies",
)
"""``IrsaRoleArgs`` fields that shape only a role this component creates (its name, path, tags, boundary,
session length, permissions and their justifications, the clusters and subjects its trust names, and the
quotas its documents are held to): with ``existing_role_arn`` none of them can apply, so each is refused by
name."""

SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}\Z")
"""A service's name (the catalog key, the ``IrsaRole``'s logical name): 1 to 253 characters of the POSIX
portable filename set, starting with a letter or digit. It names the default ServiceAccount and a folder
``eks-irsa plan`` writes, so it is a name and never a path (no ``/``, no ``..``)."""
SERVICE_NAME_DOCS = "POSIX.1-2017, 3.282 'Portable Filename Character Set'; Kubernetes DNS-1123 subdomain length"


def check_service_name(field: str, name: object) -> list[Problem]:
    """The one rule on a service's name (:data:`SERVICE_NAME`), for the catalog's keys and ``IrsaRole`` alike.

    Refused: anything but a string of letters, digits, ``.``, ``_`` and ``-`` that starts with a letter or
    digit, or longer than 253 characters; so ``../../x``, ``a/b``, ``.`` and an empty name.
    """
    if isinstance(name, str) and SERVICE_NAME.match(name):
        return []
    return [
        Problem(
            field,
            name,
            "is not a service name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most "
            "253 characters): it names the default ServiceAccount and the folder eks-irsa plan writes, never a path",
            SERVICE_NAME_DOCS,
            "name the service like its workload, e.g. orders-api",
        )
    ]


def plan_role(name: str, args: Mapping[str, Any]) -> RolePlan:
    """Check one role's arguments against every IAM, STS and Kubernetes rule and derive its plan.

    Args:
        name: the component's logical name; the default service account name.
        args: an ``IrsaRoleArgs`` mapping (snake_case keys, plain values or Outputs where documented).

    Returns:
        The :class:`RolePlan`.

    Raises:
        IrsaConfigError: every broken rule at once, fields named as in ``IrsaRoleArgs``.
    """
    problems = check_service_name("name", name)
    if problems:
        raise IrsaConfigError(problems)
    problems = _shape(args)
    if problems:
        raise IrsaConfigError(problems + _without(name, args, problems))
    identity = IdentityType(args.get("identity", IdentityType.IRSA))
    namespace = args["namespace"]
    several = tuple(sorted(set(args.get("service_accounts", ()))))
    pattern = args.get("subject_pattern")
    single = args.get("service_account")
    if single is not None and several:
        problems.append(
            Problem("service_accounts", list(several), "is given together with service_account", OURS, "give one")
        )
    names = several or (() if pattern is not None and single is None else (name if single is None else single,))
    problems += limits.check_namespace("namespace", namespace)
    for index, sa in enumerate(names):
        where = f"service_accounts[{index}]" if several else "service_account"
        problems += limits.check_service_account_name(where, sa)
    subjects = tuple(Subject(namespace, sa) for sa in names)
    if pattern is not None:
        problems += _check_pattern(namespace, pattern)
        subjects += (Subject(namespace, pattern, pattern=True),)

    audience = args.get("audience", DEFAULT_AUDIENCE)
    problems += check_audience("audience", audience)
    own = own_cluster(args.get("oidc_issuer"))
    client_ids = own.client_ids if own else tuple(args.get("provider_client_ids", (DEFAULT_AUDIENCE,)))
    if identity.uses_irsa and isinstance(audience, str):
        problems += [f.problem() for f in audience_findings("audience", audience, client_ids) if f.refused]

    cluster_name = args["cluster_name"]
    if isinstance(cluster_name, str):
        problems += limits.check_cluster_name("cluster_name", cluster_name)
    existing = args.get("existing_role_arn")
    role_name = args.get("role_name")
    if role_name is None and isinstance(cluster_name, str):
        role_name = derive_role_name(cluster_name, namespace, (names or (name,))[0])
    if existing is None and role_name is not None:
        problems += limits.check_role_name("role_name", role_name)
    role_path = args.get("role_path", "/")
    problems += limits.check_role_path("role_path", role_path)
    duration = args.get("max_session_duration", limits.SESSION_DURATION_MIN)
    problems += limits.check_max_session_duration("max_session_duration", duration)
    user_tags = dict(sorted(args.get("tags", {}).items()))
    reserved = sorted(k for k in user_tags if k.startswith(TAG_PREFIX))
    if reserved:
        problems.append(
            Problem("tags", reserved, f"use the component's own prefix {TAG_PREFIX!r}", OURS, "rename the tags")
        )
    tags = {**user_tags, **_own_tags(cluster_name, namespace, names, pattern)}
    problems += limits.check_tags("tags", tags)

    sa_plan, found = _service_account_plan(args, identity, names)
    problems += found
    create_sa = bool(args.get("create_service_account", True)) and bool(names)

    statements = tuple(statement_from_args(s) for s in args.get("statements", ()))
    grammar = [p for i, s in enumerate(statements) for p in check_statement(f"statements[{i}]", s)]
    problems += grammar
    managed = tuple(sorted(set(args.get("managed_policy_arns", ()))))
    given_boundary = args.get("permissions_boundary")
    boundary = given_boundary if isinstance(given_boundary, str) else None

    account, partition, found = _identity_checks(args, identity, pattern)
    problems += found
    session_tags, session_statements, found = _session_checks(args, identity)
    problems += found
    target_account, target_arn, found = _target_checks(args, identity, account, partition, session_statements)
    problems += found
    if target_arn is not None and (statements or managed or given_boundary is not None):
        problems.append(
            Problem(
                "target_role.role_arn",
                target_arn,
                "is not managed here, so the permissions (statements, managed_policy_arns, permissions_boundary), "
                "which go on the target role, cannot be given",
                TARGET_ROLE_DOCS,
                "grant them where that role is defined, or give target_role.account_id to create it here",
            )
        )
    problems += _check_arns(statements, managed, boundary, existing, partition, target_account or account)
    problems += _partition_problems(
        [(f"session_policy[{i}].resources", r) for i, s in enumerate(session_statements) for r in s.resources],
        partition,
    )
    if existing is not None:
        problems += _existing_role_problems(args, existing)
    elif not statements and not managed and target_arn is None:
        problems.append(
            Problem("statements", "(no permissions)", "grants nothing", OURS, "give statements or managed_policy_arns")
        )
    region = _stack_region(args)
    holder = target_account or account or _provider_account(args)  # the account of the role holding the statements
    warnings: list[str] = []
    if statements and not grammar:
        found, warnings = lint(name, statements, holder, region)
        problems += found
    session_policy, found, session_warnings = _session_policy(name, session_statements, holder, region)
    problems += found
    warnings += session_warnings
    assessed: Assessment = ((), (), (), None)
    if not grammar and existing is None:
        justifications = dict(args.get("managed_policy_justifications") or {})
        problems += check_managed_justifications(justifications, managed)
        session = session_statements if identity.uses_pod_identity and session_statements else None
        assessed = assess(name, statements, managed, justifications, session, holder, region)
        problems += assessed[0]
        warnings += assessed[1]
    layout = PermissionsLayout(None, ())
    if not problems and existing is None:
        try:
            layout = layout_permissions(
                "statements",
                statements,
                len(managed),
                args.get("max_managed_policies", limits.MANAGED_POLICIES_PER_ROLE_DEFAULT),
                attached_field="managed_policy_arns",
            )
        except IrsaConfigError as error:
            problems += error.problems
    trust = None
    if not problems and existing is None:
        try:
            trust = _static_trust(args, identity, subjects, audience, account, session_tags)
        except IrsaConfigError as error:
            problems += error.problems
    if problems:
        raise IrsaConfigError(problems)
    return RolePlan(
        name=name,
        identity=identity,
        namespace=namespace,
        service_accounts=names,
        subjects=subjects,
        audience=audience,
        role_name=role_name if existing is None else existing.rsplit("/", 1)[-1],
        role_path=role_path,
        role_account_id=account,
        partition=partition,
        existing_role_arn=existing,
        tags=tags if existing is None else {},
        max_session_duration=duration,
        permissions_boundary=boundary,
        statements=statements,
        layout=layout,
        managed_policy_arns=managed,
        trust_policy=trust,
        service_account=sa_plan,
        create_service_account=create_sa,
        warnings=tuple(warnings),
        session_tags=session_tags,
        session_policy=session_policy,
        cluster_arn=args.get("cluster_arn")
        if identity.uses_pod_identity and isinstance(args.get("cluster_arn"), str)
        else None,
        target_account_id=target_account,
        target_role_arn=target_arn,
        risks=assessed[2],
        managed_policies=assessed[3][0] if assessed[3] else (),
        managed_policy_source=assessed[3][1] if assessed[3] else None,
        inputs=frozen_args(args),
    )


PLANNED_BINDING = ("cluster_name", "oidc_provider_arn", "oidc_issuer")
"""``IrsaRoleArgs`` fields a plan handed to ``IrsaRole`` may have been made with at stand-ins: the values of a
cluster that does not exist yet. The catalog plans every service before the first registration (its
cross-service rules need every plan) with the name, OIDC provider ARN and issuer its cluster will have
(an issuer id of the real length); the component then gets the cluster's Outputs. Every rule that reads these
runs again on the component's own values when they resolve (:func:`~eks_irsa.plan.render.render_trust`,
:func:`~eks_irsa.plan.render.role_name_for`, which names the role after the resolved cluster name), and the
provider and issuer are held to the stand-ins but for the issuer's id (:func:`~eks_irsa.plan.render.check_bound`)."""


def check_planned(name: str, args: Mapping[str, Any], plan: RolePlan) -> list[Problem]:
    """Whether ``plan`` is the plan of ``IrsaRole(name, args)``: the same name, and arguments equal to those it
    was planned from (:attr:`RolePlan.inputs`), :data:`PLANNED_BINDING` and ``target_role.provider`` (a Pulumi
    provider, which no rule reads) aside. Outputs are equal only to themselves.

    Returns:
        One problem naming the fields that differ (``plan`` when it is of another name); empty when it fits.
    """
    if plan.name != name:
        return [Problem("plan", plan.name, f"is the plan of {plan.name}, not of {name}", OURS, "leave plan out")]
    given, planned = dict(_unbound(frozen_args(args))), dict(_unbound(plan.inputs))
    differ = sorted(k for k in set(given) | set(planned) if given.get(k) != planned.get(k))
    if not differ:
        return []
    return [
        Problem(
            "plan",
            differ,
            f"was made from other arguments than these (the fields listed differ), so it is not the plan of {name}",
            OURS,
            "leave plan out (IrsaRole plans its arguments itself), or pass the plan plan_role made of these arguments",
        )
    ]


def _unbound(frozen: Any) -> tuple[tuple[str, Any], ...]:
    """Frozen ``IrsaRoleArgs`` (:func:`~eks_irsa.plan.model.frozen_args`) without :data:`PLANNED_BINDING` and
    ``target_role.provider``."""
    out = []
    for key, value in frozen:
        if key in PLANNED_BINDING:
            continue
        if key == "target_role" and isinstance(value, tuple):
            value = tuple(item for item in value if item[0] != "provider")
        out.append((key, value))
    return tuple(out)


def statement_from_args(statement: Mapping[str, Any]) -> PolicyStatement:
    """A ``PermissionStatement`` dict (``actions``, ``resources``, optional ``effect``, ``conditions``,
    ``sid``, ``justification``) as a :class:`~eks_irsa.iam.policy.PolicyStatement`."""
    conditions = {
        op: {key: value if isinstance(value, str) else tuple(value) for key, value in keys.items()}
        for op, keys in (statement.get("conditions") or {}).items()
    }
    return PolicyStatement(
        actions=tuple(statement.get("actions", ())),
        resources=tuple(statement.get("resources", ())),
        effect=Effect(statement.get("effect", Effect.ALLOW)),
        conditions=conditions,
        sid=statement.get("sid"),
        justification=statement.get("justification"),
    )


# --- private helpers -------------------------------------------------------------------------------------


QUOTAS = {
    "trust_policy_max_size": (
        limits.TRUST_POLICY_MAX_DEFAULT,
        limits.TRUST_POLICY_MAX_RAISED,
        "IAM User Guide, 'IAM and AWS STS quotas' (role trust policy length)",
    ),
    "max_managed_policies": (
        limits.MANAGED_POLICIES_PER_ROLE_DEFAULT,
        limits.MANAGED_POLICIES_PER_ROLE_RAISED,
        "IAM User Guide, 'IAM and AWS STS quotas' (managed policies per role)",
    ),
}
"""Account quotas a caller states (inclusive bounds: the default and the most AWS raises it to)."""


def _shape(args: Mapping[str, Any]) -> list[Problem]:
    """What must hold before any other rule can be read: the contract's shape (:func:`eks_irsa.shape.check_shape`
    on :class:`~eks_irsa.contract.role.IrsaRoleArgs`: required keys, no unknown key, every value of its declared
    type, so a ``"false"`` never reads as true; a ``None`` is refused: leave the key out for its default), and
    the stated quotas within their bounds."""
    problems = check_shape("", args, IrsaRoleArgs)
    if not isinstance(args, Mapping):
        return problems
    for key, (low, high, source) in QUOTAS.items():
        value = args.get(key, low)
        if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            problems.append(Problem(key, value, f"is outside {low}..{high}", source, f"give {low}..{high}"))
    return problems


def _without(name: str, args: Mapping[str, Any], problems: Sequence[Problem]) -> list[Problem]:
    """The other rules' problems, read without the keys whose shape is wrong (so all are reported at once);
    none when a key every rule reads (``cluster_name``, ``namespace``, ``identity``) is among them."""
    roots = root_keys(problems)
    if roots & {"cluster_name", "namespace", "identity"}:
        return []
    try:
        plan_role(name, {k: v for k, v in args.items() if k not in roots})
    except IrsaConfigError as error:
        return [p for p in error.problems if root_keys([p]).isdisjoint(roots)]
    return []


def _check_pattern(namespace: str, pattern: object) -> list[Problem]:
    """The pattern rule is :meth:`Subject.check`'s; its findings are named ``subject_pattern`` here."""
    found = Subject(namespace, pattern, pattern=True).check("subject")  # type: ignore[arg-type]
    return [replace(p, field="subject_pattern") for p in found if not p.field.endswith(".namespace")]


def _own_tags(cluster_name: object, namespace: str, names: Sequence[str], pattern: str | None) -> dict[str, str]:
    spelled = pattern.replace("*", "_ANY_").replace("?", "_ONE_") if pattern else None
    tags = {
        f"{TAG_PREFIX}namespace": namespace,
        f"{TAG_PREFIX}service-account": " ".join([*names, *filter(None, [spelled])])[: limits.TAG_VALUE_MAX],
    }
    if isinstance(cluster_name, str):
        tags = {f"{TAG_PREFIX}cluster": cluster_name, **tags}
    return tags


def _service_account_plan(
    args: Mapping[str, Any], identity: IdentityType, names: tuple[str, ...]
) -> tuple[ServiceAccountPlan, list[Problem]]:
    options = args.get("service_account_options") or {}
    problems: list[Problem] = []
    where = "service_account_options"
    annotations = dict(sorted((options.get("annotations") or {}).items()))
    ours = sorted(k for k in annotations if k.startswith("eks.amazonaws.com/"))
    if ours:
        problems.append(
            Problem(
                f"{where}.annotations",
                ours,
                "are set by this component from its typed inputs",
                WEBHOOK_DOCS,
                "use audience, service_account_options.sts_regional_endpoints or "
                "service_account_options.token_expiration",
            )
        )
    labels = dict(sorted((options.get("labels") or {}).items()))
    expiration = options.get("token_expiration")
    if expiration is not None:
        problems += limits.check_token_expiration(f"{where}.token_expiration", expiration)
    regional = bool(options.get("sts_regional_endpoints", False))
    if identity == IdentityType.POD_IDENTITY and (regional or expiration is not None):
        problems.append(
            Problem(
                where,
                "sts_regional_endpoints/token_expiration",
                "are IRSA webhook settings; Pod Identity ignores them",
                WEBHOOK_DOCS,
                "drop them, or use identity irsa",
            )
        )
    created = bool(args.get("create_service_account", True)) and bool(names)
    if not created:
        given = {
            "labels": bool(labels),
            "annotations": bool(annotations),
            "sts_regional_endpoints": regional,
            "token_expiration": expiration is not None,
            "automount_token": options.get("automount_token") is not None,
        }
        problems += [
            Problem(
                f"{where}.{option}",
                options[option],
                "has nowhere to go: this role creates no ServiceAccount (create_service_account is false, or only "
                "a subject pattern is given), so the setting would be dropped",
                WEBHOOK_DOCS if option.startswith(("sts_", "token_")) else OURS,
                f"set it where the ServiceAccount is made, e.g. the Helm chart's {ROLE_ONLY_CHART_VALUES[option]}, "
                "and remove it here",
            )
            for option, set_here in given.items()
            if set_here
        ]
    plan = ServiceAccountPlan(
        names=names if args.get("create_service_account", True) else (),
        labels=labels,
        annotations=annotations,
        sts_regional_endpoints=regional,
        token_expiration=expiration,
        automount_token=bool(options.get("automount_token", False)),
    )
    return plan, problems


def _identity_checks(
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


def check_permissions_boundary(plan: RolePlan, boundary: str) -> str:
    """A permissions boundary once an Output resolves, checked as a plain one is: an IAM policy ARN in the
    role's partition, no AWS full-access policy, a customer policy of the role's (or target role's) account.

    Raises:
        IrsaConfigError: the ARN breaks one of those rules (fields as in ``IrsaRoleArgs``).
    """
    problems = _partition_problems([("permissions_boundary", boundary)], plan.partition)
    problems += _check_iam_arn(
        "permissions_boundary", "policy", boundary, plan.target_account_id or plan.role_account_id
    )
    if problems:
        raise IrsaConfigError(problems)
    return boundary


def _check_arns(
    statements: Sequence[PolicyStatement],
    managed: Sequence[str],
    boundary: str | None,
    existing: str | None,
    partition: str | None,
    account: str | None,
) -> list[Problem]:
    """Every ARN the role names: its partition against the role's; IAM ARNs' shape, reach and account."""
    iam_arns = [("managed_policy_arns", "policy", arn) for arn in managed]
    iam_arns += [("permissions_boundary", "policy", boundary)] if boundary is not None else []
    iam_arns += [("existing_role_arn", "role", existing)] if existing is not None else []
    named = [(f"statements[{i}].resources", r) for i, s in enumerate(statements) for r in s.resources]
    named += [(where, arn) for where, _, arn in iam_arns]
    problems = _partition_problems(named, partition)
    for where, kind, value in iam_arns:
        found = _check_iam_arn(where, kind, value, account)
        if where == "managed_policy_arns":  # judged by their documents (assess), as statements are
            found = [p for p in found if p.rule != FULL_ACCESS_RULE]
        problems += found
    return problems


def _partition_problems(named: Sequence[tuple[str, str]], partition: str | None) -> list[Problem]:
    """ARNs (``(field, value)``) in another partition than the role's."""
    problems: list[Problem] = []
    for where, value in named:
        parsed = parse_arn(value)
        if partition and parsed is not None and parsed.partition != partition:
            problems.append(
                Problem(
                    where,
                    value,
                    f"names partition {parsed.partition!r}, but the role's is {partition!r}",
                    ARN_DOCS,
                    "write the role's partition (in a catalog: arn:${partition}:...)",
                )
            )
    return problems


def _check_iam_arn(where: str, kind: str, value: str, account: str | None) -> list[Problem]:
    """An IAM policy or role ARN: its shape (:func:`~eks_irsa.iam.arn.parse_iam_arn`, the rule the policy pack and
    the audit apply: ``iam``, no region, a 12-digit account, ``<kind>/<path and name>``; ``aws`` for an AWS managed
    policy), no AWS full-access policy, a customer policy of the role's account."""
    parsed = parse_iam_arn(value, kind)
    if parsed is None and kind == "policy":
        managed = parse_arn(value)
        if managed and managed.account == "aws" and managed.service == "iam" and not managed.region:
            parsed = managed if managed.resource.startswith("policy/") and managed.resource_id else None
    if parsed is None:
        return [
            Problem(
                where,
                value,
                f"is not an IAM {kind} ARN",
                "IAM User Guide, 'IAM identifiers'",
                f"give arn:<partition>:iam::<account>:{kind}/<name>",
            )
        ]
    if kind == "policy" and parsed.account == "aws":
        policy = parsed.resource_id.rsplit("/", 1)[-1]
        if policy in BROAD_MANAGED_POLICIES or policy.endswith("FullAccess"):
            return [
                Problem(
                    where,
                    value,
                    FULL_ACCESS_RULE,
                    "IAM User Guide, 'Security best practices in IAM' (grant least privilege)",
                    "write statements scoped to the resources the service uses",
                )
            ]
    elif kind == "policy" and account and parsed.account != account:
        return [
            Problem(
                where,
                value,
                f"is a customer managed policy of account {parsed.account}; a role in {account} can only attach "
                "its own account's or AWS managed policies",
                "IAM User Guide, 'Managed policies and inline policies'",
                "create the policy in the role's account",
            )
        ]
    return []


def _static_trust(
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


def _session_checks(
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


def _target_checks(
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
        problems += _check_iam_arn(f"{where}.role_arn", "role", target_arn, None)
        problems += _partition_problems([(f"{where}.role_arn", target_arn)], partition)
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


def _session_policy(
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


def _provider_account(args: Mapping[str, Any]) -> str | None:
    """The role's account when ``role_account_id`` is not given: the plain OIDC provider ARN's (IRSA: IAM
    trusts a provider of the role's own account, EKS User Guide, 'Create an IAM OIDC provider'), else the
    plain cluster ARN's (Pod Identity); ``None`` when neither is a plain ARN."""
    for key in ("oidc_provider_arn", "cluster_arn"):
        parsed = parse_arn(args.get(key))
        if parsed is not None and ACCOUNT_ID.fullmatch(parsed.account):
            return parsed.account
    return None


def _stack_region(args: Mapping[str, Any]) -> str | None:
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


def _existing_role_problems(args: Mapping[str, Any], existing: str) -> list[Problem]:
    """Each :data:`EXISTING_ROLE_SETTINGS` field given (not empty) beside ``existing_role_arn``."""
    return [
        Problem(
            field,
            args[field],
            f"cannot apply: existing_role_arn {existing} is a role managed elsewhere, and this setting shapes "
            "only a role this component creates",
            OURS,
            f"set it where {existing} is defined, or leave existing_role_arn out to let the component create the role",
        )
        for field in EXISTING_ROLE_SETTINGS
        if args.get(field) is not None and args.get(field) != [] and args.get(field) != {}
    ]
