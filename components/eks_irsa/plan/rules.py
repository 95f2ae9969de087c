""":func:`plan_role`: the one owner of every per-role rule, run once per role.

Pure: no Pulumi import. This room holds :func:`plan_role` and the rules on names, subjects, ServiceAccount settings
and quotas; the identity rules (IRSA providers, Pod Identity, session tags and policy, the target role, the trust
rendered at plan time) are in :mod:`~eks_irsa.plan.identity`, the ARN rules (partition, account, permissions
boundary) in :mod:`~eks_irsa.plan.arns`. ``IrsaRole`` calls :func:`plan_role` before its first child is registered
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
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..contract.own import own_cluster
from ..contract.role import IrsaRoleArgs
from ..errors import IrsaConfigError, Problem
from ..iam import limits
from ..iam.names import derive_role_name
from ..iam.policy import (
    PermissionsLayout,
    check_statement,
    layout_permissions,
)
from ..iam.trust import DEFAULT_AUDIENCE, TARGET_ROLE_DOCS, Subject, check_audience
from ..iam.trust_review import audience_findings
from ..shape import check_shape, plain, root_keys
from .arns import BROAD_MANAGED_POLICIES, FULL_ACCESS_RULE, check_arns, check_permissions_boundary, partition_problems
from .identity import (
    POD_IDENTITY_CHINA_DOCS,
    POD_IDENTITY_DOCS,
    SESSION_POLICY_DOCS,
    identity_checks,
    provider_account,
    session_checks,
    session_policy_document,
    stack_region,
    static_trust,
    target_checks,
)
from .lint import Assessment, assess, check_managed_justifications, lint
from .model import OURS, TAG_PREFIX, IdentityType, RolePlan, ServiceAccountPlan, frozen_args, statement_from_args

__all__ = [
    "BROAD_MANAGED_POLICIES",
    "EXISTING_ROLE_SETTINGS",
    "FULL_ACCESS_RULE",
    "OURS",
    "PLANNED_BINDING",
    "POD_IDENTITY_CHINA_DOCS",
    "POD_IDENTITY_DOCS",
    "QUOTAS",
    "ROLE_ONLY_CHART_VALUES",
    "SERVICE_NAME",
    "SERVICE_NAME_DOCS",
    "SESSION_POLICY_DOCS",
    "WEBHOOK_DOCS",
    "check_permissions_boundary",
    "check_planned",
    "check_service_name",
    "plan_role",
    "statement_from_args",
    "with_warnings",
]
"""This room's public names, with those that moved to :mod:`~eks_irsa.plan.identity`, :mod:`~eks_irsa.plan.arns`
and :mod:`~eks_irsa.plan.model`, so ``from eks_irsa.plan.rules import X`` keeps working."""

WEBHOOK_DOCS = "amazon-eks-pod-identity-webhook README (annotations)"

ROLE_ONLY_CHART_VALUES = {
    "labels": "serviceAccount.labels",
    "annotations": "serviceAccount.annotations",
    "sts_regional_endpoints": 'serviceAccount.annotations "eks.amazonaws.com/sts-regional-endpoints": "true"',
    "token_expiration": 'serviceAccount.annotations "eks.amazonaws.com/token-expiration": "<seconds>"',
    "automount_token": "serviceAccount.automountServiceAccountToken",
}
"""Where a chart that creates its own ServiceAccount takes the settings a role-only service cannot apply (the
``serviceAccount.*`` values most charts share, e.g. eks-charts' aws-load-balancer-controller)."""


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

    account, partition, found = identity_checks(args, identity, pattern)
    problems += found
    session_tags, session_statements, found = session_checks(args, identity)
    problems += found
    target_account, target_arn, found = target_checks(args, identity, account, partition, session_statements)
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
    problems += check_arns(statements, managed, boundary, existing, partition, target_account or account)
    problems += partition_problems(
        [(f"session_policy[{i}].resources", r) for i, s in enumerate(session_statements) for r in s.resources],
        partition,
    )
    if existing is not None:
        problems += _existing_role_problems(args, existing)
    elif not statements and not managed and target_arn is None:
        problems.append(
            Problem("statements", "(no permissions)", "grants nothing", OURS, "give statements or managed_policy_arns")
        )
    region = stack_region(args)
    holder = target_account or account or provider_account(args)  # the account of the role holding the statements
    warnings: list[str] = []
    if statements and not grammar:
        found, warnings = lint(name, statements, holder, region)
        problems += found
    session_policy, found, session_warnings = session_policy_document(name, session_statements, holder, region)
    problems += found
    warnings += session_warnings
    assessed: Assessment = ((), (), (), None)
    justifications: dict[str, str] = {}
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
            trust = static_trust(args, identity, subjects, audience, account, session_tags)
        except IrsaConfigError as error:
            problems += error.problems
    if problems:
        raise IrsaConfigError(problems)
    plan = RolePlan(
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
        managed_policy_justifications=dict(sorted(justifications.items())),
        inputs=frozen_args(args),
    )
    _MADE[id(plan)] = plan
    return plan


_MADE: "weakref.WeakValueDictionary[int, RolePlan]" = weakref.WeakValueDictionary()
"""Every :class:`RolePlan` :func:`plan_role` returned that is still alive, by ``id``: only these are taken by
:func:`check_planned`. A plan built by hand or changed with ``dataclasses.replace`` keeps the ``inputs`` it was
copied with while its statements, trust or names are no longer what the rules made of them."""


def with_warnings(plan: RolePlan, warnings: Sequence[str]) -> RolePlan:
    """``plan`` with ``warnings`` before its own (a caller's notices, such as the catalog's deprecated keys), still
    taken by :func:`check_planned` as :func:`plan_role`'s: warnings are logged, no rule reads them.

    Raises:
        ValueError: ``plan`` is not one :func:`plan_role` returned.
    """
    if _MADE.get(id(plan)) is not plan:
        raise ValueError(f"the plan of {plan.name} was not made by plan_role")
    noted = replace(plan, warnings=(*warnings, *plan.warnings))
    _MADE[id(noted)] = noted
    return noted


PLANNED_BINDING = ("cluster_name", "oidc_provider_arn", "oidc_issuer")
"""``IrsaRoleArgs`` fields a plan handed to ``IrsaRole`` may have been made with at stand-ins: the values of a
cluster that does not exist yet. The catalog plans every service before the first registration (its
cross-service rules need every plan) with the name, OIDC provider ARN and issuer its cluster will have
(an issuer id of the real length); the component then gets the cluster's Outputs. Every rule that reads these
runs again on the component's own values when they resolve (:func:`~eks_irsa.plan.render.render_trust`,
:func:`~eks_irsa.plan.render.role_name_for`, which names the role after the resolved cluster name), and the
provider and issuer are held to the stand-ins but for the issuer's id (:func:`~eks_irsa.plan.render.check_bound`)."""


def check_planned(name: str, args: Mapping[str, Any], plan: RolePlan) -> list[Problem]:
    """Whether ``plan`` is the plan of ``IrsaRole(name, args)``: one :func:`plan_role` returned (:data:`_MADE`), of
    the same name, and of arguments equal to those it
    was planned from (:attr:`RolePlan.inputs`), :data:`PLANNED_BINDING` and ``target_role.provider`` (a Pulumi
    provider, which no rule reads) aside. Outputs are equal only to themselves.

    Returns:
        One problem naming the fields that differ (``plan`` when it is of another name); empty when it fits.
    """
    if _MADE.get(id(plan)) is not plan:
        return [
            Problem(
                "plan",
                plan.name,
                "was not made by plan_role (built or changed by hand, e.g. with dataclasses.replace), so no rule "
                "vouches for its statements, trust or names",
                OURS,
                "leave plan out (IrsaRole plans its arguments itself), or pass the plan plan_role returned",
            )
        ]
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
    problems += [p for key in PLAIN_ONLY if key in args for p in _outputs(key, args[key])]
    for key, (low, high, source) in QUOTAS.items():
        value = args.get(key, low)
        if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            problems.append(Problem(key, value, f"is outside {low}..{high}", source, f"give {low}..{high}"))
    return problems


PLAIN_ONLY = (
    "statements",
    "session_policy",
    "managed_policy_arns",
    "subject_pattern",
    "service_account",
    "service_accounts",
)
"""Fields the rules read before anything is registered (the lint, the escalation judgement, the trust policy's
subjects), so an Output in them, at any depth, is refused by name instead of failing inside a rule."""


def _outputs(field: str, value: object) -> list[Problem]:
    """A problem for each Output (or other value that is not plain data) in ``value``, named by its path."""
    if not plain(value):
        return [
            Problem(
                field,
                "<Output>",
                "is a Pulumi Output, but this field must be known before anything is registered: the permissions "
                "and trust judgements read it",
                OURS,
                "give the value itself (build the statements from plain strings; an Output cannot be judged)",
            )
        ]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in _outputs(f"{field}.{k}", v)]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [p for i, v in enumerate(value) for p in _outputs(f"{field}[{i}]", v)]
    return []


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
