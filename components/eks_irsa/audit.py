"""Audit what an AWS account holds for IRSA and EKS Pod Identity: pure rules over a snapshot.

Nothing here calls AWS: :mod:`eks_irsa.cli.audit` reads the account into an :class:`AccountSnapshot`
(read-only, paginated, with retries) and :func:`audit` judges it. Trust is judged with this package's
own evaluator (:func:`eks_irsa.iam.evaluate.evaluate_web_identity`): a role "admits" a service account
when IAM, by the evaluator's reading, would let that service account's token assume it. Probes are
tokens no real workload holds (namespace and service account :data:`PROBE`, audience
:data:`PROBE_AUDIENCE`): a role that admits one trusts more than it names.

Findings and their sources:

* OIDC providers: IAM User Guide, 'IAM and AWS STS quotas' (100 OIDC providers per account); a provider
  no role trusts is left over from a removed cluster.
* IRSA trust: EKS User Guide, 'Assign IAM roles to Kubernetes service accounts' (pin ``:sub`` and
  ``:aud`` with ``StringEquals``); IAM User Guide, 'IAM JSON policy elements: Condition operators'
  (``StringLike`` only for patterns; operators and keys AND'd, so keys of two issuers in one statement
  never hold together); a ``Principal.Federated`` provider that no longer exists, or lives in another
  account, admits nobody.
* Pod Identity: EKS User Guide, 'Learn how EKS Pod Identity grants pods access to AWS services'
  (trust ``pods.eks.amazonaws.com``) and IAM User Guide, 'The confused deputy problem'
  (``aws:SourceAccount``, ``aws:SourceArn``).
* Nodes: EKS Best Practices Guide, 'Restrict access to the instance profile assigned to the worker
  node' (IMDSv2 required, hop limit 1); EKS User Guide, 'Amazon EKS node IAM role' (the node policies).
* ServiceAccounts and pods (from ``kubectl get sa,pods -A -o json``): the annotation
  ``eks.amazonaws.com/role-arn`` names a role whose trust must admit the ServiceAccount; a pod whose
  ServiceAccount has no role gets only what the node role gives, when it reaches IMDS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import cast

from .errors import IrsaConfigError, Problem
from .iam.arn import parse_iam_arn, wildcard_match
from .iam.eks_policies import CNI_POLICY, NODE_POLICIES
from .iam.evaluate import Cause, Decision, TrustPolicyError, WebIdentityRequest, evaluate_web_identity
from .iam.limits import IAM_QUOTAS, OIDC_PROVIDER_QUOTA
from .iam.policy import element_values, statement_list
from .iam.review import IMDS_DOCS, check_instance_metadata
from .iam.trust import (
    CONDITION_DOCS,
    DEFAULT_AUDIENCE,
    IRSA_DOCS,
    POD_IDENTITY_PRINCIPAL,
    Subject,
    normalize_issuer,
)
from .plan import AUDIENCE_ANNOTATION, ROLE_ARN_ANNOTATION

OIDC_PROVIDER_WARN_AT = 80
"""Providers from which :data:`Code.PROVIDER_QUOTA` is reported (80% of the quota): a few more clusters
and ``CreateOpenIDConnectProvider`` fails with ``LimitExceeded``."""

PROBE = "eks-irsa-audit-probe"
"""Namespace and service account name of the probe token: no workload holds it, so a role admitting it
admits service accounts it does not name."""

PROBE_AUDIENCE = "eks-irsa-audit-probe.invalid"
"""Audience of the probe token for the ``:aud`` pin (``.invalid`` is reserved, RFC 6761)."""

POD_IDENTITY_DOCS = "EKS User Guide, 'Learn how EKS Pod Identity grants pods access to AWS services'"
CONFUSED_DEPUTY_DOCS = "IAM User Guide, 'The confused deputy problem'"
NODE_ROLE_DOCS = "EKS User Guide, 'Amazon EKS node IAM role'"
KUBECTL_DUMP = "kubectl get sa,pods -A -o json"


class Severity(StrEnum):
    """How bad a finding is, most severe first."""

    CRITICAL = "critical"
    """Any workload of a cluster (or beyond) can take the role."""
    HIGH = "high"
    """More workloads than intended can take a role or the node's credentials; or a workload's role is broken."""
    MEDIUM = "medium"
    """A weaker trust than the rule, a role nobody can use, or a limit near."""
    LOW = "low"
    """Clutter and style: leftovers, ``StringLike`` without a pattern, unread parts."""

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return list(Severity).index(self)


class Code(StrEnum):
    """What a finding is about; the README's table gives each one's fix."""

    PROVIDER_UNUSED = "PROVIDER_UNUSED"
    PROVIDER_QUOTA = "PROVIDER_QUOTA"
    TRUST_ANY_SERVICE_ACCOUNT = "TRUST_ANY_SERVICE_ACCOUNT"
    TRUST_NAMESPACE_WIDE = "TRUST_NAMESPACE_WIDE"
    TRUST_AUDIENCE_NOT_PINNED = "TRUST_AUDIENCE_NOT_PINNED"
    TRUST_STRINGLIKE_WITHOUT_PATTERN = "TRUST_STRINGLIKE_WITHOUT_PATTERN"
    TRUST_WILDCARD_UNDER_STRINGEQUALS = "TRUST_WILDCARD_UNDER_STRINGEQUALS"
    TRUST_ISSUERS_ANDED = "TRUST_ISSUERS_ANDED"
    TRUST_PROVIDER_MISSING = "TRUST_PROVIDER_MISSING"
    TRUST_PROVIDER_OTHER_ACCOUNT = "TRUST_PROVIDER_OTHER_ACCOUNT"
    TRUST_ADMITS_NOBODY = "TRUST_ADMITS_NOBODY"
    TRUST_UNREADABLE = "TRUST_UNREADABLE"
    POD_IDENTITY_TRUST_UNSCOPED = "POD_IDENTITY_TRUST_UNSCOPED"
    POD_IDENTITY_ROLE_MISSING = "POD_IDENTITY_ROLE_MISSING"
    POD_IDENTITY_ROLE_NOT_TRUSTING = "POD_IDENTITY_ROLE_NOT_TRUSTING"
    POD_IDENTITY_SOURCE_ARN_MISMATCH = "POD_IDENTITY_SOURCE_ARN_MISMATCH"
    POD_IDENTITY_ROLE_REUSED = "POD_IDENTITY_ROLE_REUSED"
    NODE_NO_LAUNCH_TEMPLATE = "NODE_NO_LAUNCH_TEMPLATE"
    NODE_IMDSV1_ALLOWED = "NODE_IMDSV1_ALLOWED"
    NODE_HOP_LIMIT = "NODE_HOP_LIMIT"
    NODE_ROLE_EXTRA_POLICIES = "NODE_ROLE_EXTRA_POLICIES"
    SA_ROLE_ARN_MALFORMED = "SA_ROLE_ARN_MALFORMED"
    SA_ROLE_MISSING = "SA_ROLE_MISSING"
    SA_ROLE_NOT_TRUSTED = "SA_ROLE_NOT_TRUSTED"
    ROLE_SERVICE_ACCOUNT_MISSING = "ROLE_SERVICE_ACCOUNT_MISSING"
    POD_WITHOUT_ROLE = "POD_WITHOUT_ROLE"
    AUDIT_INCOMPLETE = "AUDIT_INCOMPLETE"


@dataclass(frozen=True, order=True)
class AuditFinding:
    """One thing wrong in the account.

    Attributes:
        severity: see :class:`Severity`.
        code: see :class:`Code`.
        resource: the ARN (role, OIDC provider, cluster) or ``<cluster>/<namespace>/<name>`` it is about.
        message: what is wrong, naming the resource and the evidence.
        fix: what to change.
        source: the document the rule comes from.
    """

    severity: Severity
    code: Code
    resource: str
    message: str
    fix: str
    source: str

    def sort_key(self) -> tuple[int, str, str, str]:
        """Most severe first, then by code, resource and message."""
        return (self.severity.rank, self.code.value, self.resource, self.message)

    def to_json(self) -> dict[str, str]:
        """The finding as a JSON object."""
        return {
            "severity": self.severity.value,
            "code": self.code.value,
            "resource": self.resource,
            "message": self.message,
            "fix": self.fix,
            "source": self.source,
        }


@dataclass(frozen=True)
class PolicyDocument:
    """One permissions policy of a role.

    Attributes:
        name: the inline policy's name, or the managed policy's name.
        document: the parsed policy document; ``None`` when it could not be read.
        arn: the managed policy's ARN; ``None`` for an inline policy.
    """

    name: str
    document: Mapping[str, object] | None
    arn: str | None = None


@dataclass(frozen=True)
class Role:
    """An IAM role as ``ListRoles`` returns it, with its permissions when they were read.

    Attributes:
        arn: ``arn:<partition>:iam::<account>:role/<path><name>``.
        name: the role name.
        trust: the parsed trust policy (``AssumeRolePolicyDocument``).
        policies: inline and attached policies; ``None`` when not read (a role no check needs).
    """

    arn: str
    name: str
    trust: Mapping[str, object]
    policies: tuple[PolicyDocument, ...] | None = None


@dataclass(frozen=True)
class OidcProvider:
    """An IAM OIDC provider: its ARN and the issuer (host/path) it stands for."""

    arn: str
    issuer: str


@dataclass(frozen=True)
class Cluster:
    """An EKS cluster: name, ARN and OIDC issuer (host/path; ``None`` when the cluster has none)."""

    name: str
    arn: str
    issuer: str | None


@dataclass(frozen=True)
class NodeGroup:
    """A managed node group and the metadata options of its launch template.

    Attributes:
        cluster: the cluster's name.
        name: the node group's name.
        node_role_arn: the node role's ARN.
        launch_template: ``<id or name>@<version>``; ``None`` when EKS's own launch template is used.
        metadata_options: the launch template version's ``MetadataOptions`` (``HttpTokens``,
            ``HttpPutResponseHopLimit``, ``HttpEndpoint``); ``{}`` when the version sets none.
    """

    cluster: str
    name: str
    node_role_arn: str
    launch_template: str | None = None
    metadata_options: Mapping[str, object] = field(default_factory=dict)

    @property
    def imds_open_to_pods(self) -> bool:
        """Whether a pod (not on the host network) can reach the instance metadata credentials.

        IMDSv1 answers any GET routed through the node; IMDSv2's token reaches a pod only with a hop
        limit above 1 (EKS Best Practices Guide). An unknown or unset value counts as open.
        """
        return self.launch_template is None or bool(self.metadata_problems())

    def metadata_problems(self) -> list[Problem]:
        """The launch template's ``MetadataOptions`` judged by the package's one IMDS rule
        (:func:`eks_irsa.iam.review.check_instance_metadata`); fields ``MetadataOptions.httpTokens`` and
        ``MetadataOptions.httpPutResponseHopLimit``."""
        options = self.metadata_options
        endpoint, tokens = options.get("HttpEndpoint"), options.get("HttpTokens")
        return check_instance_metadata(
            "MetadataOptions",
            endpoint if isinstance(endpoint, str) else None,
            tokens if isinstance(tokens, str) else None,
            _hop_limit(options),
        )


@dataclass(frozen=True)
class PodIdentityAssociation:
    """An EKS Pod Identity association (``DescribePodIdentityAssociation``)."""

    cluster: str
    namespace: str
    service_account: str
    role_arn: str
    association_id: str


@dataclass(frozen=True)
class ReadGap:
    """A part of the account the collector could not read.

    Attributes:
        operation: the API operation, e.g. ``GetRolePolicy``.
        resource: what it was read for.
        error: the error code and message AWS returned.
    """

    operation: str
    resource: str
    error: str


@dataclass(frozen=True)
class AccountSnapshot:
    """Everything the audit judges, read from one account and region.

    Attributes:
        account_id: 12 digits.
        region: e.g. ``us-west-2``.
        providers: every IAM OIDC provider of the account (IAM is global: other regions' too).
        roles: every role of the account.
        clusters: the region's EKS clusters (or the one asked for).
        node_groups: their managed node groups.
        associations: their Pod Identity associations.
        gaps: what could not be read.
    """

    account_id: str
    region: str
    providers: tuple[OidcProvider, ...]
    roles: tuple[Role, ...]
    clusters: tuple[Cluster, ...] = ()
    node_groups: tuple[NodeGroup, ...] = ()
    associations: tuple[PodIdentityAssociation, ...] = ()
    gaps: tuple[ReadGap, ...] = ()


@dataclass(frozen=True)
class ServiceAccount:
    """A Kubernetes ServiceAccount from the dump, with its IRSA annotations."""

    namespace: str
    name: str
    role_arn: str | None
    audience: str


@dataclass(frozen=True)
class Pod:
    """A running or pending pod from the dump."""

    namespace: str
    name: str
    service_account: str
    host_network: bool


@dataclass(frozen=True)
class KubeDump:
    """The ServiceAccounts and pods of one cluster (``kubectl get sa,pods -A -o json``)."""

    service_accounts: tuple[ServiceAccount, ...]
    pods: tuple[Pod, ...]


@dataclass(frozen=True)
class ServiceAccountAccess:
    """One row of the map "service account → role it can assume → what that role may do".

    Attributes:
        namespace, service_account: the ServiceAccount.
        identity: ``irsa``, ``pod-identity`` or ``none``.
        role_arn: the role, or ``None``.
        admitted: whether the role's trust admits the ServiceAccount (IRSA: by the evaluator; Pod
            Identity: the association exists); ``None`` without a role, or when the trust could not be read.
        permissions: one line per Allow statement, ``<policy>: <actions> on <resources>``.
    """

    namespace: str
    service_account: str
    identity: str
    role_arn: str | None
    admitted: bool | None
    permissions: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The row as a JSON object."""
        return {
            "namespace": self.namespace,
            "serviceAccount": self.service_account,
            "identity": self.identity,
            "roleArn": self.role_arn,
            "admitted": self.admitted,
            "permissions": list(self.permissions),
        }


@dataclass(frozen=True)
class AuditReport:
    """The audit's result.

    Attributes:
        account_id, region, cluster: what was audited (``cluster`` ``None``: every cluster of the region).
        findings: sorted by :meth:`AuditFinding.sort_key`.
        provider_count: OIDC providers in the account, against :data:`OIDC_PROVIDER_QUOTA`.
        roles_read: how many roles were read.
        access: the ServiceAccount map (empty without a dump).
        nodes: per node group, whether pods reach IMDS and what the node role may do.
    """

    account_id: str
    region: str
    cluster: str | None
    findings: tuple[AuditFinding, ...]
    provider_count: int
    roles_read: int
    access: tuple[ServiceAccountAccess, ...] = ()
    nodes: tuple[Mapping[str, object], ...] = ()

    def to_json(self) -> dict[str, object]:
        """The report as JSON-ready data; with sorted keys, byte-identical for the same snapshot."""
        counts = {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}
        return {
            "account": self.account_id,
            "region": self.region,
            "cluster": self.cluster,
            "oidcProviders": {"count": self.provider_count, "quota": OIDC_PROVIDER_QUOTA},
            "rolesRead": self.roles_read,
            "summary": counts,
            "findings": [f.to_json() for f in self.findings],
            "serviceAccounts": [a.to_json() for a in self.access],
            "nodeGroups": [dict(n) for n in self.nodes],
        }


# --- the dump ----------------------------------------------------------------------------------------------


def parse_kube_dump(document: object, where: str = "kube dump") -> KubeDump:
    """The ServiceAccounts and pods of ``kubectl get sa,pods -A -o json`` output.

    Items of other kinds are ignored; pods that have ended (``Succeeded``, ``Failed``) too. A pod
    without ``serviceAccountName`` runs as ``default`` (Kubernetes docs, 'Configure Service Accounts
    for Pods').

    Raises:
        IrsaConfigError: not a ``List`` of objects, or an item without ``metadata.name`` and
            ``metadata.namespace``; every problem at once.
    """
    fix = f"give the output of `{KUBECTL_DUMP}`"
    items = document.get("items") if isinstance(document, Mapping) else None
    if not isinstance(items, list):
        raise IrsaConfigError.one(where, type(document).__name__, "has no 'items' list", "kubectl output", fix)
    problems: list[Problem] = []
    accounts: list[ServiceAccount] = []
    pods: list[Pod] = []
    for index, item in enumerate(items):
        kind = item.get("kind") if isinstance(item, Mapping) else None
        if kind not in ("ServiceAccount", "Pod"):
            continue
        meta = item.get("metadata")
        name = meta.get("name") if isinstance(meta, Mapping) else None
        namespace = meta.get("namespace") if isinstance(meta, Mapping) else None
        if not (isinstance(name, str) and name and isinstance(namespace, str) and namespace):
            problems.append(
                Problem(
                    f"{where}.items[{index}].metadata",
                    meta,
                    f"is a {kind} without a name and a namespace",
                    "Kubernetes API, ObjectMeta",
                    fix,
                )
            )
            continue
        if kind == "ServiceAccount":
            annotations = meta.get("annotations") or {}
            role = annotations.get(ROLE_ARN_ANNOTATION) if isinstance(annotations, Mapping) else None
            audience = annotations.get(AUDIENCE_ANNOTATION) if isinstance(annotations, Mapping) else None
            accounts.append(ServiceAccount(namespace, name, role, audience or DEFAULT_AUDIENCE))
            continue
        spec = item.get("spec") if isinstance(item.get("spec"), Mapping) else {}
        status = item.get("status") if isinstance(item.get("status"), Mapping) else {}
        if status.get("phase") in ("Succeeded", "Failed"):
            continue
        pods.append(Pod(namespace, name, spec.get("serviceAccountName") or "default", bool(spec.get("hostNetwork"))))
    if problems:
        raise IrsaConfigError(problems)
    return KubeDump(tuple(sorted(accounts, key=_ns_name)), tuple(sorted(pods, key=_ns_name)))


def _ns_name(item: ServiceAccount | Pod) -> tuple[str, str]:
    return (item.namespace, item.name)


# --- the audit ---------------------------------------------------------------------------------------------


def audit(snapshot: AccountSnapshot, kube: KubeDump | None = None, cluster: str | None = None) -> AuditReport:
    """Judge a snapshot (and, for ``cluster``, its ServiceAccount dump).

    Args:
        snapshot: what the account holds.
        kube: the ServiceAccounts and pods of ``cluster`` (or of the region's only cluster). Default: none
            (no ServiceAccount checks).
        cluster: the one cluster to judge: IRSA roles are those trusting its OIDC provider, node groups
            and associations its own. Default: every cluster of the snapshot and every role.

    Raises:
        IrsaConfigError: ``cluster`` not in the snapshot; a dump without exactly one cluster to read it against.
    """
    names = [c.name for c in snapshot.clusters]
    if cluster is not None and cluster not in names:
        raise IrsaConfigError.one(
            "--cluster", cluster, f"is not a cluster of {snapshot.region}", "EKS ListClusters", f"one of {names}"
        )
    if kube is not None and cluster is None and len(names) != 1:
        raise IrsaConfigError.one(
            "--cluster",
            None,
            f"is needed to read a ServiceAccount dump: the region has {len(names)} clusters",
            "EKS ListClusters",
            f"name the dump's cluster, one of {names}",
        )
    ctx = _Context(snapshot, cluster)
    findings: list[AuditFinding] = [_gap_finding(gap) for gap in snapshot.gaps]
    findings += _provider_findings(ctx)
    findings += _irsa_findings(ctx)
    findings += _pod_identity_findings(ctx)
    node_rows, node_findings = _node_findings(ctx)
    findings += node_findings
    access: list[ServiceAccountAccess] = []
    if kube is not None:
        dumped = next(c for c in snapshot.clusters if c.name == (cluster or names[0]))
        access, kube_findings = _kube_findings(ctx, dumped, kube)
        findings += kube_findings
    return AuditReport(
        snapshot.account_id,
        snapshot.region,
        cluster,
        tuple(sorted(set(findings), key=AuditFinding.sort_key)),
        len(snapshot.providers),
        len(snapshot.roles),
        tuple(access),
        tuple(node_rows),
    )


@dataclass
class _Context:
    snapshot: AccountSnapshot
    cluster: str | None

    def __post_init__(self) -> None:
        self.providers = {p.arn: p for p in self.snapshot.providers}
        self.roles = {r.arn: r for r in self.snapshot.roles}
        self.clusters = [c for c in self.snapshot.clusters if self.cluster in (None, c.name)]
        self.cluster_arns = {c.name: c.arn for c in self.snapshot.clusters}
        self.associations = [a for a in self.snapshot.associations if self.cluster in (None, a.cluster)]
        self.node_groups = [n for n in self.snapshot.node_groups if self.cluster in (None, n.cluster)]

    def provider_for(self, issuer: str) -> OidcProvider | None:
        return next((p for p in self.snapshot.providers if p.issuer == issuer), None)

    def in_scope(self, provider_arn: str) -> bool:
        """Without a cluster every provider; with one, its own."""
        if self.cluster is None:
            return True
        issuer = self.clusters[0].issuer
        provider = self.provider_for(issuer) if issuer else None
        return provider is not None and provider.arn == provider_arn


def _gap_finding(gap: ReadGap) -> AuditFinding:
    return AuditFinding(
        Severity.LOW,
        Code.AUDIT_INCOMPLETE,
        gap.resource,
        f"{gap.operation} for {gap.resource} failed ({gap.error}); the checks that need it did not run",
        f"allow {gap.operation} to the auditing principal (the AWS managed policy ReadOnlyAccess covers it)",
        "AWS API reference",
    )


# --- OIDC providers --------------------------------------------------------------------------------------


def _federated(statement: Mapping[str, object]) -> tuple[str, ...]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return ()
    value = principal.get("Federated")
    return element_values(value) if isinstance(value, str | list) else ()


def _services(statement: Mapping[str, object]) -> tuple[str, ...]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return ()
    value = principal.get("Service")
    return tuple(v.lower() for v in element_values(value)) if isinstance(value, str | list) else ()


def _statements(document: Mapping[str, object]) -> list[Mapping[str, object]]:
    try:
        items = statement_list(document)
    except (AttributeError, TypeError):
        return []
    return [s for s in items if isinstance(s, Mapping) and s.get("Effect") == "Allow"]


def _oidc_providers_trusted(role: Role) -> list[str]:
    seen = (arn for s in _statements(role.trust) for arn in _federated(s))
    return sorted({arn for arn in seen if parse_iam_arn(arn, "oidc-provider")})


def workload_role(role: Role) -> bool:
    """Whether a role is a workload identity: it trusts an IAM OIDC provider (IRSA) or EKS Pod Identity."""
    return bool(_oidc_providers_trusted(role) or _pod_identity_statements(role))


def _provider_findings(ctx: _Context) -> list[AuditFinding]:
    findings = []
    trusted = {arn for role in ctx.snapshot.roles for arn in _oidc_providers_trusted(role)}
    clusters = {c.issuer: c.name for c in ctx.snapshot.clusters if c.issuer}
    for provider in ctx.snapshot.providers:
        if provider.arn in trusted or not ctx.in_scope(provider.arn):
            continue
        owner = clusters.get(provider.issuer)
        whose = f"the provider of cluster {owner}" if owner else f"no cluster of {ctx.snapshot.region} has this issuer"
        findings.append(
            AuditFinding(
                Severity.LOW,
                Code.PROVIDER_UNUSED,
                provider.arn,
                f"OIDC provider {provider.arn} is trusted by no role ({whose}); it counts against the quota of "
                f"{OIDC_PROVIDER_QUOTA}",
                "delete it when its cluster is gone (aws iam delete-open-id-connect-provider), or keep it for "
                "roles still to come",
                IAM_QUOTAS,
            )
        )
    count = len(ctx.snapshot.providers)
    if count >= OIDC_PROVIDER_WARN_AT:
        findings.append(
            AuditFinding(
                Severity.HIGH if count >= OIDC_PROVIDER_QUOTA else Severity.MEDIUM,
                Code.PROVIDER_QUOTA,
                f"account {ctx.snapshot.account_id}",
                f"account {ctx.snapshot.account_id} holds {count} OIDC providers of the {OIDC_PROVIDER_QUOTA} "
                "IAM allows; the next clusters' providers will fail with LimitExceeded",
                "delete providers no role trusts (PROVIDER_UNUSED), or share clusters",
                IAM_QUOTAS,
            )
        )
    return findings


# --- IRSA trust ------------------------------------------------------------------------------------------


def _claim_keys(statement: Mapping[str, object]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """``(operator, issuer, claim, values)`` for each ``<issuer>:sub|aud|amr`` condition of a statement."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    block = statement.get("Condition")
    if not isinstance(block, Mapping):
        return out
    for operator, keys in block.items():
        if not isinstance(keys, Mapping):
            continue
        for key, raw in keys.items():
            issuer, _, claim = str(key).rpartition(":")
            if claim.lower() in ("sub", "aud", "amr") and issuer and isinstance(raw, str | list):
                host = issuer.removeprefix("https://").rstrip("/")
                out.append((operator, host, claim.lower(), tuple(str(v) for v in element_values(raw))))
    return out


def _issuer_of(provider_arn: str) -> str:
    arn = parse_iam_arn(provider_arn, "oidc-provider")
    return arn.resource_id if arn else provider_arn


def _irsa_findings(ctx: _Context) -> list[AuditFinding]:
    findings: list[AuditFinding] = []
    for role in ctx.snapshot.roles:
        providers = [arn for arn in _oidc_providers_trusted(role) if ctx.in_scope(arn)]
        if not providers:
            continue
        findings += _structure_findings(role)
        for provider_arn in providers:
            findings += _provider_trust_findings(ctx, role, provider_arn)
    return findings


def _structure_findings(role: Role) -> list[AuditFinding]:
    findings = []
    for index, statement in enumerate(_statements(role.trust)):
        federated = [a for a in _federated(statement) if parse_iam_arn(a, "oidc-provider")]
        if not federated:
            continue
        claims = _claim_keys(statement)
        issuers = sorted({_issuer_of(a) for a in federated} | {issuer for _, issuer, _, _ in claims})
        if len(issuers) > 1:
            findings.append(
                AuditFinding(
                    Severity.HIGH,
                    Code.TRUST_ISSUERS_ANDED,
                    role.arn,
                    f"role {role.name}: trust statement {index} names {len(issuers)} issuers "
                    f"({', '.join(issuers)}) in one statement; their conditions are AND'd and no token carries "
                    "claims of two issuers, so the cluster(s) the statement was meant for cannot use the role",
                    "write one statement per OIDC provider, each with its own :sub and :aud",
                    CONDITION_DOCS,
                )
            )
        for operator, issuer, claim, values in claims:
            if operator == "StringLike" and claim in ("sub", "aud"):
                literal = [v for v in values if "*" not in v and "?" not in v]
                if literal:
                    findings.append(
                        AuditFinding(
                            Severity.LOW,
                            Code.TRUST_STRINGLIKE_WITHOUT_PATTERN,
                            role.arn,
                            f"role {role.name}: {issuer}:{claim} is under StringLike with no wildcard "
                            f"({', '.join(literal)}); StringEquals was meant, and StringLike invites a "
                            "later '*'",
                            f"move {issuer}:{claim} to StringEquals",
                            IRSA_DOCS,
                        )
                    )
    return findings


def _provider_trust_findings(ctx: _Context, role: Role, provider_arn: str) -> list[AuditFinding]:
    arn = parse_iam_arn(provider_arn, "oidc-provider")
    issuer = _issuer_of(provider_arn)
    if arn is not None and arn.account != ctx.snapshot.account_id:
        return [
            AuditFinding(
                Severity.MEDIUM,
                Code.TRUST_PROVIDER_OTHER_ACCOUNT,
                role.arn,
                f"role {role.name} trusts OIDC provider {provider_arn} of account {arn.account}; STS maps a "
                f"token to the provider in the role's account ({ctx.snapshot.account_id}), so this statement "
                "admits nobody",
                f"create the cluster's OIDC provider in {ctx.snapshot.account_id} and trust that one",
                IRSA_DOCS,
            )
        ]
    if provider_arn not in ctx.providers:
        return [
            AuditFinding(
                Severity.MEDIUM,
                Code.TRUST_PROVIDER_MISSING,
                role.arn,
                f"role {role.name} trusts OIDC provider {provider_arn}, which no longer exists (a replaced or "
                "deleted cluster); the statement admits nobody, and a provider re-created for that issuer "
                "would revive it",
                "point the statement at the current cluster's provider, or remove it (and the role if unused)",
                IRSA_DOCS,
            )
        ]
    audiences = sorted(
        {
            v
            for s in _statements(role.trust)
            for op, iss, claim, values in _claim_keys(s)
            if iss == issuer and claim == "aud" and op == "StringEquals"
            for v in values
        }
    )
    audience = audiences[0] if audiences else DEFAULT_AUDIENCE
    try:
        return _probe_findings(role, provider_arn, issuer, audience)
    except TrustPolicyError as error:
        return [
            AuditFinding(
                Severity.LOW,
                Code.TRUST_UNREADABLE,
                role.arn,
                f"role {role.name}: the trust policy could not be judged: {error.problems[0]}",
                "check the trust policy by hand, or rewrite it in the shape eks-irsa renders",
                error.problems[0].source,
            )
        ]


def _probe_findings(role: Role, provider_arn: str, issuer: str, audience: str) -> list[AuditFinding]:
    def decide(sub: str, aud: str) -> Decision:
        request = WebIdentityRequest(provider_arn=provider_arn, issuer=issuer, sub=sub, aud=(aud,))
        return evaluate_web_identity(role.trust, request)

    findings = []
    probe = Subject(PROBE, PROBE).value
    subs = sorted(
        {
            v
            for s in _statements(role.trust)
            for _, iss, claim, values in _claim_keys(s)
            if iss == issuer and claim == "sub"
            for v in values
        }
    )
    if decide(probe, audience).allowed:
        findings.append(
            AuditFinding(
                Severity.CRITICAL,
                Code.TRUST_ANY_SERVICE_ACCOUNT,
                role.arn,
                f"role {role.name} admits any service account of any namespace of issuer {issuer} (a token for "
                f"{probe} passes its trust); trusted subjects: {', '.join(subs) or 'no :sub condition'}",
                f"pin {issuer}:sub with StringEquals to system:serviceaccount:<namespace>:<name>",
                IRSA_DOCS,
            )
        )
    else:
        namespaces = sorted({s.namespace for s in map(Subject.from_value, subs) if s and "*" not in s.namespace})
        for namespace in namespaces:
            if decide(Subject(namespace, PROBE).value, audience).allowed:
                findings.append(
                    AuditFinding(
                        Severity.HIGH,
                        Code.TRUST_NAMESPACE_WIDE,
                        role.arn,
                        f"role {role.name} admits every service account of namespace {namespace} (issuer "
                        f"{issuer}; trusted subjects: {', '.join(subs)})",
                        f"name the service accounts: system:serviceaccount:{namespace}:<name> under StringEquals "
                        "(or a narrow prefix such as app-* under StringLike)",
                        IRSA_DOCS,
                    )
                )
    candidates = [v.replace("*", "x").replace("?", "x") for v in subs] + [probe]
    decisions = [(sub, decide(sub, audience)) for sub in candidates]
    admitted = next((sub for sub, d in decisions if d.allowed), None)
    if admitted is None:
        causes = {c for _, d in decisions for c in d.causes}
        if Cause.WILDCARD_UNDER_STRINGEQUALS in causes:
            patterns = [v for v in subs if "*" in v or "?" in v]
            findings.append(
                AuditFinding(
                    Severity.MEDIUM,
                    Code.TRUST_WILDCARD_UNDER_STRINGEQUALS,
                    role.arn,
                    f"role {role.name}: {issuer}:sub {', '.join(patterns)} is under StringEquals, which matches "
                    "'*' and '?' literally, so no service account can use the role",
                    "name the service accounts under StringEquals, or move the pattern to StringLike (literal "
                    "namespace, narrow prefix)",
                    CONDITION_DOCS,
                )
            )
        elif not any(f.code is Code.TRUST_ISSUERS_ANDED for f in _structure_findings(role)):
            reasons = decisions[0][1].reasons
            findings.append(
                AuditFinding(
                    Severity.MEDIUM,
                    Code.TRUST_ADMITS_NOBODY,
                    role.arn,
                    f"role {role.name} trusts {provider_arn} but admits none of the service accounts it names "
                    f"with audience {audience}: {'; '.join(reasons[1:] or reasons)}",
                    "correct the trust policy (eks-irsa explain --policy shows why a token is denied), or remove it",
                    IRSA_DOCS,
                )
            )
        return findings
    if decide(admitted, PROBE_AUDIENCE).allowed:
        findings.append(
            AuditFinding(
                Severity.MEDIUM,
                Code.TRUST_AUDIENCE_NOT_PINNED,
                role.arn,
                f"role {role.name} does not pin the audience of issuer {issuer}: a token for {admitted} with "
                f"audience {PROBE_AUDIENCE} passes its trust",
                f'add "{issuer}:aud": "{audience}" under StringEquals in the same statement',
                IRSA_DOCS,
            )
        )
    return findings


# --- Pod Identity ---------------------------------------------------------------------------------------


def _condition_values(statement: Mapping[str, object], key: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(operator, values)`` of every condition on ``key`` (names are case-insensitive) in a statement."""
    block = statement.get("Condition")
    out = []
    if isinstance(block, Mapping):
        for operator, keys in block.items():
            if isinstance(keys, Mapping):
                for name, raw in keys.items():
                    if str(name).lower() == key.lower() and isinstance(raw, str | list):
                        out.append((str(operator), tuple(str(v) for v in element_values(raw))))
    return out


def _pod_identity_statements(role: Role) -> list[Mapping[str, object]]:
    return [s for s in _statements(role.trust) if POD_IDENTITY_PRINCIPAL in _services(s)]


def _pod_identity_findings(ctx: _Context) -> list[AuditFinding]:
    findings = []
    associated = {a.role_arn for a in ctx.associations}
    for role in ctx.snapshot.roles:
        statements = _pod_identity_statements(role)
        if not statements or (ctx.cluster is not None and role.arn not in associated):
            continue
        for statement in statements:
            missing = [k for k in ("aws:SourceAccount", "aws:SourceArn") if not _condition_values(statement, k)]
            if missing:
                findings.append(
                    AuditFinding(
                        Severity.MEDIUM if len(missing) == 2 else Severity.LOW,
                        Code.POD_IDENTITY_TRUST_UNSCOPED,
                        role.arn,
                        f"role {role.name} trusts {POD_IDENTITY_PRINCIPAL} without {' and '.join(missing)}: an "
                        "association in any "
                        + ("account's" if "aws:SourceAccount" in missing else "of the account's")
                        + " clusters can hand it out",
                        f'add "aws:SourceAccount": "{ctx.snapshot.account_id}" and "aws:SourceArn": the cluster '
                        "ARN(s) under StringEquals",
                        CONFUSED_DEPUTY_DOCS,
                    )
                )
    by_role: dict[str, set[str]] = defaultdict(set)
    for association in ctx.associations:
        by_role[association.role_arn].add(association.cluster)
        findings += _association_findings(ctx, association)
    for role_arn, clusters in sorted(by_role.items()):
        if len(clusters) > 1:
            findings.append(
                AuditFinding(
                    Severity.LOW,
                    Code.POD_IDENTITY_ROLE_REUSED,
                    role_arn,
                    f"role {role_arn} is handed out by Pod Identity associations in {len(clusters)} clusters "
                    f"({', '.join(sorted(clusters))}): a workload of either cluster acts as the other's",
                    "give each cluster its own role (one role per workload and cluster)",
                    POD_IDENTITY_DOCS,
                )
            )
    return findings


def _association_findings(ctx: _Context, association: PodIdentityAssociation) -> list[AuditFinding]:
    where = f"{association.cluster}/{association.namespace}/{association.service_account}"
    role = ctx.roles.get(association.role_arn)
    if role is None:
        return [
            AuditFinding(
                Severity.HIGH,
                Code.POD_IDENTITY_ROLE_MISSING,
                where,
                f"Pod Identity association {association.association_id} of {where} names role "
                f"{association.role_arn}, which does not exist in account {ctx.snapshot.account_id}",
                "point the association at an existing role (aws eks update-pod-identity-association), or delete it",
                POD_IDENTITY_DOCS,
            )
        ]
    statements = _pod_identity_statements(role)
    if not statements:
        return [
            AuditFinding(
                Severity.HIGH,
                Code.POD_IDENTITY_ROLE_NOT_TRUSTING,
                where,
                f"Pod Identity association {association.association_id} of {where} names role {role.name}, whose "
                f"trust policy does not trust {POD_IDENTITY_PRINCIPAL}; the pods get no credentials",
                f"trust {POD_IDENTITY_PRINCIPAL} (sts:AssumeRole, sts:TagSession) scoped by aws:SourceAccount and "
                "aws:SourceArn",
                POD_IDENTITY_DOCS,
            )
        ]
    cluster_arn = ctx.cluster_arns.get(association.cluster, "")
    for statement in statements:
        conditions = _condition_values(statement, "aws:SourceArn")
        if not conditions or all(_source_arn_holds(op, values, cluster_arn) for op, values in conditions):
            return []
    return [
        AuditFinding(
            Severity.HIGH,
            Code.POD_IDENTITY_SOURCE_ARN_MISMATCH,
            where,
            f"Pod Identity association {association.association_id} of {where} names role {role.name}, whose "
            f"aws:SourceArn does not admit cluster {cluster_arn or association.cluster}; the pods get no credentials",
            f"add {cluster_arn or 'the cluster ARN'} to the role's aws:SourceArn",
            CONFUSED_DEPUTY_DOCS,
        )
    ]


def _source_arn_holds(operator: str, values: Sequence[str], cluster_arn: str) -> bool:
    """``StringEquals``/``ArnEquals`` compare exactly, ``StringLike``/``ArnLike`` with IAM wildcards; other
    operators are not judged (held)."""
    if operator in ("StringEquals", "ArnEquals"):
        return cluster_arn in values
    if operator in ("StringLike", "ArnLike"):
        return any(wildcard_match(v, cluster_arn) for v in values)
    return True


# --- nodes -----------------------------------------------------------------------------------------------


def permissions_of(role: Role | None) -> tuple[str, ...]:
    """One line per Allow statement of a role's policies: ``<policy>: <actions> on <resources>``.

    ``("(not read)",)`` when the role's policies were not read; ``()`` for a role with none.
    """
    if role is None or role.policies is None:
        return ("(not read)",)
    lines = []
    for policy in role.policies:
        if policy.document is None:
            lines.append(f"{policy.name}: (not read)")
            continue
        for statement in _statements(policy.document):
            actions = statement.get("Action", statement.get("NotAction"))
            prefix = "" if "Action" in statement else "everything but "
            resources = statement.get("Resource", statement.get("NotResource", "*"))
            shown_actions = ", ".join(element_values(actions)) if isinstance(actions, str | list) else "?"
            shown_resources = ", ".join(element_values(resources)) if isinstance(resources, str | list) else "?"
            lines.append(f"{policy.name}: {prefix}{shown_actions} on {shown_resources}")
    return tuple(lines)


def _hop_limit(options: Mapping[str, object]) -> int | None:
    value = options.get("HttpPutResponseHopLimit")
    return value if isinstance(value, int) else None


def _node_findings(ctx: _Context) -> tuple[list[dict[str, object]], list[AuditFinding]]:
    rows: list[dict[str, object]] = []
    findings: list[AuditFinding] = []
    expected = set(NODE_POLICIES)
    for group in sorted(ctx.node_groups, key=lambda g: (g.cluster, g.name)):
        where = f"{group.cluster}/{group.name}"
        role = ctx.roles.get(group.node_role_arn)
        may_do = permissions_of(role)
        rows.append(
            {
                "cluster": group.cluster,
                "nodeGroup": group.name,
                "nodeRoleArn": group.node_role_arn,
                "launchTemplate": group.launch_template,
                "metadataOptions": dict(group.metadata_options),
                "podsReachImds": group.imds_open_to_pods,
                "nodeRoleMayDo": list(may_do),
            }
        )
        borrow = f"every pod on these nodes can borrow the node role {group.node_role_arn}: " + "; ".join(may_do)
        if group.launch_template is None:
            findings.append(
                AuditFinding(
                    Severity.MEDIUM,
                    Code.NODE_NO_LAUNCH_TEMPLATE,
                    where,
                    f"node group {where} uses the launch template EKS generates, whose metadata options this audit "
                    f"cannot see; if its hop limit is above 1, {borrow}",
                    "give the node group a launch template with MetadataOptions HttpTokens=required, "
                    "HttpPutResponseHopLimit=1",
                    IMDS_DOCS,
                )
            )
        else:
            options = group.metadata_options
            failed = {problem.field.rsplit(".", 1)[-1] for problem in group.metadata_problems()}
            if failed:
                if "httpTokens" in failed:
                    tokens = options.get("HttpTokens") or "not set (optional unless the AMI requires v2)"
                    findings.append(
                        AuditFinding(
                            Severity.HIGH,
                            Code.NODE_IMDSV1_ALLOWED,
                            where,
                            f"node group {where} allows IMDSv1 (launch template {group.launch_template}, "
                            f"HttpTokens {tokens}); {borrow}",
                            "set MetadataOptions HttpTokens=required in a new launch template version and roll "
                            "the node group",
                            IMDS_DOCS,
                        )
                    )
                hop = _hop_limit(options)
                if "httpPutResponseHopLimit" in failed:
                    shown = hop if hop is not None else "not set (the AMI's default applies)"
                    findings.append(
                        AuditFinding(
                            Severity.HIGH,
                            Code.NODE_HOP_LIMIT,
                            where,
                            f"node group {where} has IMDS hop limit {shown} (launch template "
                            f"{group.launch_template}): IMDSv2 tokens reach pods; {borrow}",
                            "set MetadataOptions HttpPutResponseHopLimit=1 and give pods their own roles",
                            IMDS_DOCS,
                        )
                    )
        if role is not None and role.policies is not None:
            extra = sorted(p.name for p in role.policies if p.arn is None or p.name not in expected)
            if extra:
                cni = " (the VPC CNI should have its own IRSA role)" if CNI_POLICY in extra else ""
                findings.append(
                    AuditFinding(
                        Severity.MEDIUM,
                        Code.NODE_ROLE_EXTRA_POLICIES,
                        group.node_role_arn,
                        f"node role {role.name} of {where} carries {', '.join(extra)} beyond the node policies "
                        f"({', '.join(NODE_POLICIES)}){cni}; whatever reaches the node's credentials gets them",
                        "move these permissions to IRSA or Pod Identity roles of the workloads that need them",
                        NODE_ROLE_DOCS,
                    )
                )
    return rows, findings


# --- ServiceAccounts and pods ----------------------------------------------------------------------------


def _kube_findings(
    ctx: _Context, cluster: Cluster, kube: KubeDump
) -> tuple[list[ServiceAccountAccess], list[AuditFinding]]:
    provider = ctx.provider_for(cluster.issuer) if cluster.issuer else None
    pod_identity = {(a.namespace, a.service_account): a for a in ctx.associations if a.cluster == cluster.name}
    findings: list[AuditFinding] = []
    access: list[ServiceAccountAccess] = []
    for account in kube.service_accounts:
        where = f"{cluster.name}/{account.namespace}/{account.name}"
        association = pod_identity.get((account.namespace, account.name))
        if account.role_arn is None:
            if association is not None:
                role = ctx.roles.get(association.role_arn)
                admitted = role is not None and bool(_pod_identity_statements(role))
                access.append(
                    ServiceAccountAccess(
                        account.namespace,
                        account.name,
                        "pod-identity",
                        association.role_arn,
                        admitted,
                        permissions_of(role),
                    )
                )
            else:
                access.append(ServiceAccountAccess(account.namespace, account.name, "none", None, None, ()))
            continue
        row, found = _annotated(ctx, cluster, provider, account, where)
        access.append(row)
        findings += found
    findings += _missing_service_accounts(ctx, cluster, provider, kube)
    findings += _pods_without_role(ctx, cluster, kube, access)
    return access, findings


def _annotated(
    ctx: _Context, cluster: Cluster, provider: OidcProvider | None, account: ServiceAccount, where: str
) -> tuple[ServiceAccountAccess, list[AuditFinding]]:
    arn = parse_iam_arn(account.role_arn, "role")
    if arn is None or account.role_arn is None:
        finding = AuditFinding(
            Severity.HIGH,
            Code.SA_ROLE_ARN_MALFORMED,
            where,
            f"ServiceAccount {where} is annotated {ROLE_ARN_ANNOTATION}: {account.role_arn!r}, which is not an IAM "
            "role ARN; the webhook passes it on and STS refuses it",
            "annotate arn:<partition>:iam::<account>:role/<name>",
            IRSA_DOCS,
        )
        return ServiceAccountAccess(account.namespace, account.name, "irsa", account.role_arn, False, ()), [finding]
    role = ctx.roles.get(account.role_arn)
    if role is None:
        other = arn.account != ctx.snapshot.account_id
        if other:
            row = ServiceAccountAccess(account.namespace, account.name, "irsa", account.role_arn, None, ("(not read)",))
            return row, []
        finding = AuditFinding(
            Severity.HIGH,
            Code.SA_ROLE_MISSING,
            where,
            f"ServiceAccount {where} is annotated with role {account.role_arn}, which does not exist in account "
            f"{ctx.snapshot.account_id}; its pods get no credentials",
            "create the role (eks-irsa IrsaRole) or correct the annotation",
            IRSA_DOCS,
        )
        return ServiceAccountAccess(account.namespace, account.name, "irsa", account.role_arn, False, ()), [finding]
    if provider is None:
        reason = f"cluster {cluster.name} has no IAM OIDC provider in account {ctx.snapshot.account_id}"
        admitted, reasons = False, tuple[str, ...]((reason,))
    else:
        request = WebIdentityRequest(
            provider_arn=provider.arn,
            issuer=provider.issuer,
            sub=Subject(account.namespace, account.name).value,
            aud=(account.audience,),
        )
        try:
            decision = evaluate_web_identity(role.trust, request)
        except TrustPolicyError:
            row = ServiceAccountAccess(account.namespace, account.name, "irsa", role.arn, None, permissions_of(role))
            return row, []
        admitted, reasons = decision.allowed, decision.reasons
    row = ServiceAccountAccess(account.namespace, account.name, "irsa", role.arn, admitted, permissions_of(role))
    if admitted:
        return row, []
    finding = AuditFinding(
        Severity.HIGH,
        Code.SA_ROLE_NOT_TRUSTED,
        where,
        f"ServiceAccount {where} is annotated with role {role.name}, whose trust does not admit it: "
        + "; ".join(reasons[1:] or reasons),
        f"trust system:serviceaccount:{account.namespace}:{account.name} with audience {account.audience} on "
        f"{provider.arn if provider else 'the cluster OIDC provider'}, or annotate the right role",
        IRSA_DOCS,
    )
    return row, [finding]


def _missing_service_accounts(
    ctx: _Context, cluster: Cluster, provider: OidcProvider | None, kube: KubeDump
) -> list[AuditFinding]:
    if provider is None:
        return []
    present = [Subject(a.namespace, a.name).value for a in kube.service_accounts]
    findings = []
    for role in ctx.snapshot.roles:
        if provider.arn not in _oidc_providers_trusted(role):
            continue
        for statement in _statements(role.trust):
            for operator, issuer, claim, values in _claim_keys(statement):
                base = operator.removesuffix("IfExists").rpartition(":")[2]
                if issuer != provider.issuer or claim != "sub" or base not in ("StringEquals", "StringLike"):
                    continue
                like = base == "StringLike"
                for value in values:
                    if not value.startswith("system:serviceaccount:"):
                        continue
                    if any(wildcard_match(value, p) if like else value == p for p in present):
                        continue
                    findings.append(
                        AuditFinding(
                            Severity.LOW,
                            Code.ROLE_SERVICE_ACCOUNT_MISSING,
                            role.arn,
                            f"role {role.name} trusts {value} of cluster {cluster.name}, and no such ServiceAccount "
                            "exists in the dump",
                            "remove the subject (or the role) when its workload is gone; a ServiceAccount created "
                            "later under that name would get the role",
                            IRSA_DOCS,
                        )
                    )
    return findings


def _pods_without_role(
    ctx: _Context, cluster: Cluster, kube: KubeDump, access: Iterable[ServiceAccountAccess]
) -> list[AuditFinding]:
    open_groups = [g for g in ctx.node_groups if g.cluster == cluster.name and g.imds_open_to_pods]
    if not open_groups:
        return []
    with_role = {(a.namespace, a.service_account) for a in access if a.role_arn}
    roles = sorted({g.node_role_arn for g in open_groups})
    findings = []
    for pod in kube.pods:
        if pod.host_network or (pod.namespace, pod.service_account) in with_role:
            continue
        where = f"{cluster.name}/{pod.namespace}/{pod.name}"
        findings.append(
            AuditFinding(
                Severity.MEDIUM,
                Code.POD_WITHOUT_ROLE,
                where,
                f"pod {where} runs as ServiceAccount {pod.service_account} with no IAM role, on a cluster whose node "
                f"groups ({', '.join(sorted(g.name for g in open_groups))}) let pods reach IMDS: its AWS calls use "
                f"the node role {', '.join(roles)}",
                "give the workload its own role (IrsaRole), and require IMDSv2 with hop limit 1 on the nodes",
                IMDS_DOCS,
            )
        )
    return findings


# --- output ----------------------------------------------------------------------------------------------


def render_table(report: AuditReport) -> str:
    """The report as text: a header, findings grouped by severity, the ServiceAccount map, the node groups."""
    lines = [
        f"Account {report.account_id}, region {report.region}"
        + (f", cluster {report.cluster}" if report.cluster else "")
        + f": {report.roles_read} roles, {report.provider_count}/{OIDC_PROVIDER_QUOTA} OIDC providers, "
        + f"{len(report.findings)} findings.",
    ]
    for severity in Severity:
        found = [f for f in report.findings if f.severity is severity]
        if not found:
            continue
        lines += ["", f"{severity.value.upper()} ({len(found)})"]
        width = max(len(f.code) for f in found)
        for finding in found:
            lines.append(f"  {finding.code:<{width}}  {finding.message}")
            lines.append(f"  {'':<{width}}  Fix: {finding.fix}")
    if report.access:
        lines += ["", "Service account -> role -> may do"]
        for row in report.access:
            who = f"{row.namespace}/{row.service_account}"
            if row.role_arn is None:
                lines.append(f"  {who}: no role")
                continue
            state = {True: "admitted", False: "NOT admitted", None: "not judged"}[row.admitted]
            lines.append(f"  {who} -> {row.role_arn} ({row.identity}, {state})")
            lines += [f"      {p}" for p in row.permissions]
    if report.nodes:
        lines += ["", "Node groups"]
        for node in report.nodes:
            reach = "pods reach IMDS" if node["podsReachImds"] else "IMDS closed to pods"
            lines.append(f"  {node['cluster']}/{node['nodeGroup']}: {reach}; node role {node['nodeRoleArn']}")
            lines += [f"      {p}" for p in cast("list[str]", node["nodeRoleMayDo"])]
    return "\n".join(lines)


def cluster_from_describe(cluster: Mapping[str, object]) -> Cluster:
    """A :class:`Cluster` from ``DescribeCluster``'s ``cluster`` (the issuer as host/path)."""
    identity = cluster.get("identity")
    oidc = identity.get("oidc") if isinstance(identity, Mapping) else None
    issuer = oidc.get("issuer") if isinstance(oidc, Mapping) else None
    return Cluster(str(cluster["name"]), str(cluster["arn"]), normalize_issuer(str(issuer)) if issuer else None)


def provider_from_arn(provider_arn: str) -> OidcProvider:
    """An :class:`OidcProvider` from its ARN (IAM names a provider by its issuer: ``oidc-provider/<host/path>``)."""
    return OidcProvider(provider_arn, _issuer_of(provider_arn))
