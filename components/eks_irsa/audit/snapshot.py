"""What the audit judges: an account's roles, OIDC providers, clusters, node groups and Pod Identity
associations (:class:`AccountSnapshot`), and a cluster's ServiceAccounts and pods (:class:`KubeDump`).

Plain data, read by :mod:`eks_irsa.cli.audit` from AWS and by :func:`parse_kube_dump` from kubectl's
output; nothing here calls AWS or judges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import IrsaConfigError, Problem
from ..iam.arn import parse_iam_arn
from ..iam.policy import element_values, statement_list
from ..iam.review import check_instance_metadata
from ..iam.trust import DEFAULT_AUDIENCE, POD_IDENTITY_PRINCIPAL, normalize_issuer
from ..plan import AUDIENCE_ANNOTATION, ROLE_ARN_ANNOTATION

KUBECTL_DUMP = "kubectl get sa,pods -A -o json"


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

    def trust_statements(self) -> list[Mapping[str, object]]:
        """The ``Allow`` statements of the trust policy; ``[]`` for a document of another shape."""
        return allow_statements(self.trust)

    def trusted_providers(self) -> list[str]:
        """The IAM OIDC provider ARNs its trust names in ``Principal.Federated``, sorted."""
        seen = (arn for s in self.trust_statements() for arn in _principal(s, "Federated"))
        return sorted({arn for arn in seen if parse_iam_arn(arn, "oidc-provider")})

    def pod_identity_statements(self) -> list[Mapping[str, object]]:
        """The trust statements naming ``pods.eks.amazonaws.com`` as a service principal."""
        return [
            s
            for s in self.trust_statements()
            if POD_IDENTITY_PRINCIPAL in (v.lower() for v in _principal(s, "Service"))
        ]

    def permissions(self) -> tuple[str, ...]:
        """One line per Allow statement of its policies: ``<policy>: <actions> on <resources>``;
        ``("(not read)",)`` when the policies were not read, ``()`` for a role with none."""
        if self.policies is None:
            return ("(not read)",)
        lines = []
        for policy in self.policies:
            if policy.document is None:
                lines.append(f"{policy.name}: (not read)")
                continue
            for statement in allow_statements(policy.document):
                actions = statement.get("Action", statement.get("NotAction"))
                prefix = "" if "Action" in statement else "everything but "
                resources = statement.get("Resource", statement.get("NotResource", "*"))
                shown_actions = ", ".join(element_values(actions)) if isinstance(actions, str | list) else "?"
                shown_resources = ", ".join(element_values(resources)) if isinstance(resources, str | list) else "?"
                lines.append(f"{policy.name}: {prefix}{shown_actions} on {shown_resources}")
        return tuple(lines)


def workload_role(role: Role) -> bool:
    """Whether a role is a workload identity: it trusts an IAM OIDC provider (IRSA) or EKS Pod Identity. The
    collector reads the permissions of these."""
    return bool(role.trusted_providers() or role.pod_identity_statements())


def permissions_of(role: Role | None) -> tuple[str, ...]:
    """:meth:`Role.permissions`, and ``("(not read)",)`` for a role that is not in the snapshot."""
    return ("(not read)",) if role is None else role.permissions()


@dataclass(frozen=True)
class OidcProvider:
    """An IAM OIDC provider.

    Attributes:
        arn: ``arn:<partition>:iam::<account>:oidc-provider/<issuer>``.
        issuer: the issuer (host/path) it stands for.
        client_ids: its client IDs (the audiences STS accepts from it); ``None`` when not read.
    """

    arn: str
    issuer: str
    client_ids: tuple[str, ...] | None = None


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

    @property
    def hop_limit(self) -> int | None:
        """``HttpPutResponseHopLimit`` when the launch template sets a whole number, else ``None``."""
        value = self.metadata_options.get("HttpPutResponseHopLimit")
        return value if isinstance(value, int) else None

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
            self.hop_limit,
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


def cluster_from_describe(cluster: Mapping[str, object]) -> Cluster:
    """A :class:`Cluster` from ``DescribeCluster``'s ``cluster`` (the issuer as host/path)."""
    identity = cluster.get("identity")
    oidc = identity.get("oidc") if isinstance(identity, Mapping) else None
    issuer = oidc.get("issuer") if isinstance(oidc, Mapping) else None
    return Cluster(
        str(cluster["name"]), str(cluster["arn"]), normalize_issuer(issuer) if isinstance(issuer, str) else None
    )


def provider_from_arn(provider_arn: str, client_ids: tuple[str, ...] | None = None) -> OidcProvider:
    """An :class:`OidcProvider` from its ARN (IAM names a provider by its issuer: ``oidc-provider/<host/path>``)
    and, when read (``GetOpenIDConnectProvider``), its client IDs."""
    return OidcProvider(provider_arn, issuer_of(provider_arn), client_ids)


def issuer_of(provider_arn: str) -> str:
    """The issuer an OIDC provider ARN ends in; the ARN itself when it is not one."""
    arn = parse_iam_arn(provider_arn, "oidc-provider")
    return arn.resource_id if arn else provider_arn


def allow_statements(document: Mapping[str, object]) -> list[Mapping[str, object]]:
    """The ``Allow`` statements of a policy document; ``[]`` for a document of another shape."""
    try:
        items = statement_list(document)
    except (AttributeError, TypeError):
        return []
    return [s for s in items if isinstance(s, Mapping) and s.get("Effect") == "Allow"]


def _principal(statement: Mapping[str, object], kind: str) -> tuple[str, ...]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return ()
    value = principal.get(kind)
    return element_values(value) if isinstance(value, str | list) else ()


def _ns_name(item: ServiceAccount | Pod) -> tuple[str, str]:
    return (item.namespace, item.name)
