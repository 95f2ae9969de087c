"""Who reaches a cluster this package makes, and from where: the identity running ``pulumi up``, the
admins' access entries, the network path to a private API endpoint, and the credentials of the
Kubernetes provider's ``aws eks get-token``.

Pure functions, no Pulumi calls: :class:`~eks_irsa.cluster.EksCluster` and the catalog both call them,
so every rule here has one owner.
"""

import datetime
import ipaddress
import json
import re
from collections.abc import Sequence

from .contract.access import KubeconfigCredentials as KubeconfigCredentials
from .errors import Problem
from .iam.arn import ACCOUNT_ID, parse_arn

ACCESS_ENTRIES_DOCS = "EKS User Guide, 'Create access entries' (an IAM principal has at most one access entry)"
BOOTSTRAP_DOCS = "EKS API Reference, CreateAccessConfigRequest.bootstrapClusterCreatorAdminPermissions"
ENDPOINT_DOCS = "EKS User Guide, 'Cluster API server endpoint' (private access: security group ingress on 443)"
GET_TOKEN_DOCS = "AWS CLI Command Reference, 'aws eks get-token'"

SECURITY_GROUP_ID = re.compile(r"^sg-[0-9a-f]{8,17}\Z")
"""A security group id: ``sg-`` and 8 to 17 hex digits (EC2 API Reference, SecurityGroup.GroupId)."""


def caller_principal_arn(caller_arn: str, role_path: str | None = None) -> str:
    """The IAM principal behind an STS caller ARN (``sts:GetCallerIdentity``'s ``Arn``).

    ``arn:<p>:sts::<acct>:assumed-role/<name>/<session>`` becomes ``arn:<p>:iam::<acct>:role<path><name>``.
    STS drops the role's path (IAM User Guide, 'IAM identifiers', assumed-role session ARNs), so an IAM
    Identity Center role ``/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_...`` comes back
    without it: ``role_path`` (``/`` or ``/a/b/``, as ``iam:GetRole`` answers it) puts it back when known,
    else the path is ``/``. :func:`same_principal` compares without the path for that reason. IAM users
    and the root user are returned as given.
    """
    arn = parse_arn(caller_arn)
    if arn is not None and arn.service == "sts" and arn.resource_type == "assumed-role":
        name = arn.resource_id.split("/", 1)[0]
        return f"arn:{arn.partition}:iam::{arn.account}:role{role_path or '/'}{name}"
    return caller_arn


def same_principal(admin_arn: str, principal_arn: str) -> bool:
    """Whether an admin ARN names the principal of :func:`caller_principal_arn`.

    Roles and users match on partition, account, type and name, ignoring the path and the name's case:
    names are unique in an account whatever the path, and "are not distinguished by case" (IAM API
    Reference, CreateRole and CreateUser ``RoleName``/``UserName``), and an STS caller ARN has no path.
    ARNs that do not parse match only when equal.
    """
    a, b = parse_arn(admin_arn), parse_arn(principal_arn)
    if a is None or b is None:
        return admin_arn == principal_arn

    def key(arn):
        return arn.partition, arn.account, arn.resource_type, arn.resource.rsplit("/", 1)[-1].lower()

    return key(a) == key(b)


def check_admins(field: str, admin_arns: list[str]) -> list[Problem]:
    """Each admin is an IAM role or user ARN of a 12-digit account (:mod:`eks_irsa.iam.arn`'s forms): an access
    entry names an IAM principal, never an STS session (EKS User Guide, 'Create access entries')."""
    problems = []
    for index, value in enumerate(admin_arns):
        arn = parse_arn(value)
        if (
            arn is None
            or arn.service != "iam"
            or not ACCOUNT_ID.fullmatch(arn.account)
            or arn.resource_type not in ("role", "user")
            or not arn.resource_id
        ):
            problems.append(
                Problem(
                    f"{field}[{index}]",
                    value,
                    "is not an IAM role or user ARN, which an access entry needs",
                    ACCESS_ENTRIES_DOCS,
                    f"give {caller_principal_arn(value)} (the role of an assumed-role session)"
                    if arn is not None and arn.resource_type == "assumed-role"
                    else "give arn:<partition>:iam::<account>:role/<path/name> or ...:user/<name>",
                )
            )
    return problems


CREATOR_TAG = "eks-irsa:creator"
"""The EKS cluster tag that records the IAM principal that created the cluster (:func:`creator_tag_value`), written
once by :class:`~eks_irsa.EksCluster` and read back on every later run. Why a tag on the cluster: it is the one
record that exists exactly as long as the cluster, that every later ``pulumi up`` (and ``eks-irsa preflight``) can
read before registering anything (``eks:DescribeCluster``), and that the program keeps constant by writing back
what it read. Pulumi state and outputs cannot serve: a program cannot read its previous state before it registers,
and an output is known only after registration, so a rule on it would fire mid-deploy; EKS itself records the
creator nowhere but in the access entry it makes, which does not say it is the creator's."""


def creator_tag_value(principal_arn: str) -> str:
    """The :data:`CREATOR_TAG` value for an IAM principal: its ARN without the path
    (``arn:<p>:iam::<acct>:role/<name>``), as :func:`same_principal` compares, and short enough for a tag value
    (a role or user name has at most 64 characters: IAM quotas)."""
    arn = parse_arn(principal_arn)
    if arn is None or arn.service != "iam" or arn.resource_type not in ("role", "user"):
        return principal_arn
    return f"arn:{arn.partition}:iam::{arn.account}:{arn.resource_type}/{arn.resource.rsplit('/', 1)[-1]}"


def check_access_entries(
    admins_field: str,
    admin_arns: list[str],
    bootstrap_field: str,
    bootstrap_creator_admin: bool,
    creator_arn: str | None,
    deployer_arn: str | None,
) -> list[Problem]:
    """The admins' access entries against the identity that created the cluster and the one running ``pulumi up``.

    Args:
        creator_arn: the IAM principal that created the cluster (its :data:`CREATOR_TAG`), or, for a cluster not
            created yet, the one about to create it; ``None`` when unknown (made before the tag existed).
        deployer_arn: the IAM principal running ``pulumi up``, mapped from its session; ``None`` when not looked up.

    With ``bootstrap_creator_admin`` (EKS's own default), EKS gives the creator an access entry with
    ``AmazonEKSClusterAdminPolicy`` outside Pulumi's state, so listing the creator again fails with 409
    ``ResourceInUseException`` on any run; whoever else runs a later ``pulumi up`` only needs its own entry, which
    listing it gives. Without it, nothing but ``admin_arns`` gives access, so the deployer must be listed or every
    Kubernetes resource fails with 401 after the cluster exists.
    """
    if bootstrap_creator_admin and creator_arn is not None:
        listed = [arn for arn in admin_arns if same_principal(arn, creator_arn)]
        if listed:
            if deployer_arn is None:
                who = (
                    f"is the cluster's creator ({creator_arn}): the identity running pulumi before the cluster "
                    f"exists, else the one its {CREATOR_TAG} tag records; EKS makes it cluster admin"
                )
            elif same_principal(creator_arn, deployer_arn):
                who = (
                    f"is the identity running pulumi ({creator_arn}), which EKS makes cluster admin when it creates "
                    "the cluster"
                )
            else:
                who = f"is the identity that created the cluster ({creator_arn}) as its {CREATOR_TAG} tag records"
                who += ", which EKS made cluster admin"
            return [
                Problem(
                    admins_field,
                    listed[0],
                    f"{who}; a second access entry for it fails with 409 ResourceInUseException",
                    f"{ACCESS_ENTRIES_DOCS}; {BOOTSTRAP_DOCS}",
                    f"remove it from {admins_field}, or set {bootstrap_field} to false (before the cluster exists) "
                    "so that every admin, this identity included, is listed there",
                )
            ]
    unlisted = deployer_arn is not None and not any(same_principal(arn, deployer_arn) for arn in admin_arns)
    if not bootstrap_creator_admin and unlisted:
        return [
            Problem(
                admins_field,
                list(admin_arns),
                f"does not include the identity running pulumi ({deployer_arn}); with {bootstrap_field} false "
                "nothing else gives it access, so creating Namespaces and ServiceAccounts would fail with "
                "401 once the cluster exists",
                f"{ACCESS_ENTRIES_DOCS}; {BOOTSTRAP_DOCS}",
                f"add {deployer_arn} (with its IAM path, if it has one) to {admins_field}, "
                "or run pulumi as one of them",
            )
        ]
    return []


def check_bootstrap_kept(field: str, recorded_creator: str | None) -> list[Problem]:
    """``bootstrap_creator_admin`` off for a cluster whose :data:`CREATOR_TAG` tag records a creator
    (``recorded_creator``): the cluster was created with it on, EKS keeps that creator's access entry, and
    pulumi-eks ignores the change (nodejs/eks/cluster/cluster.ts: ``ignoreChanges`` on
    ``accessConfig.bootstrapClusterCreatorAdminPermissions``). Going on would drop the tag and the check that keeps
    the creator out of the admins (409 ``ResourceInUseException``), so it is refused; ``None``: nothing to refuse
    (a new cluster, or one without the tag)."""
    if recorded_creator is None:
        return []
    return [
        Problem(
            field,
            "False",
            f"cannot be turned off for a cluster created with it on: its {CREATOR_TAG} tag records the creator "
            f"{recorded_creator}, whose access entry EKS keeps (pulumi-eks ignores changes to this setting)",
            f"{BOOTSTRAP_DOCS}; {ACCESS_ENTRIES_DOCS}",
            f"set it back to true; to give up the creator's access, delete its access entry (aws eks "
            f"delete-access-entry --principal-arn {recorded_creator}) and the cluster's {CREATOR_TAG} tag first",
        )
    ]


ACCESS_SETTLE_SECONDS = 60
"""How long the first Kubernetes call waits after an access entry's policy association is created. EKS gives no
figure for how long a new access entry takes to reach the API server's authenticator; until it has, requests are
refused with 401. Gravitational Teleport measured up to 30 seconds and waits longer (gravitational/teleport#49467,
'wait for access entry'); twice that is used here. The wait happens only on the run that creates the association."""


GO_TIME = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) ([+-]\d\d)(\d\d)(?: \S+)?\Z")
"""A time as Go's ``time.Time.String`` writes it (``2026-12-07 15:41:51.123 +0000 UTC``: date, clock with an
optional fraction, numeric offset, zone abbreviation). terraform-provider-aws stores an access policy association's
``associated_at`` this way (internal/service/eks/access_policy_association.go, ``resourceAccessPolicyAssociationRead``:
``aws.ToTime(output.AssociatedAt).String()``), and pulumi-aws's ``associatedAt`` output carries it unchanged."""


def provider_time(value: str) -> datetime.datetime:
    """A time as the AWS provider outputs it, aware: Go's ``time.String`` form (:data:`GO_TIME`) or RFC 3339.

    Raises:
        ValueError: ``value`` is in neither form.
    """
    go = GO_TIME.match(value)
    if go:
        date, clock, hours, minutes = go.groups()
        value = f"{date}T{clock}{hours}:{minutes}"
    return datetime.datetime.fromisoformat(value)


def access_settle_seconds(associated_at: Sequence[str | None], now: datetime.datetime) -> float:
    """Seconds still to wait, at ``now`` (aware), until :data:`ACCESS_SETTLE_SECONDS` have passed since the newest
    of the admin associations' ``associatedAt`` times (as ``aws.eks.AccessPolicyAssociation`` outputs them:
    :func:`provider_time`); ``0`` when there is none or every one is older.

    Raises:
        ValueError: a time is in neither of :func:`provider_time`'s forms.
    """
    times = [provider_time(t) for t in associated_at if t]
    if not times:
        return 0.0
    elapsed = (now - max(times)).total_seconds()
    return max(0.0, ACCESS_SETTLE_SECONDS - elapsed)


def check_endpoint_access(
    cidrs_field: str,
    cidrs: list[str],
    groups_field: str,
    group_ids: list[object],
    public_access: bool,
    unresolved: frozenset[int] = frozenset(),
) -> list[Problem]:
    """The ways into a private endpoint: IPv4 CIDRs and security group ids, 443 ingress each.

    The Kubernetes provider runs where ``pulumi up`` runs; with the public endpoint off it reaches the API
    server only through the cluster security group, which admits nothing but itself until told.
    ``unresolved``: indices of ``group_ids`` whose values are not known yet (Pulumi Outputs); they count as
    a way in, and their ids are checked with :func:`check_security_group_id` once they resolve.
    """
    problems = []
    for index, cidr in enumerate(cidrs):
        try:
            ipaddress.IPv4Network(cidr, strict=True)
        except ValueError as error:
            problems.append(
                Problem(
                    f"{cidrs_field}[{index}]",
                    cidr,
                    f"is not an IPv4 network ({error})",
                    "EC2 API Reference, IpRange.CidrIp",
                    "write it as a.b.c.d/n with the host bits zero",
                )
            )
    for index, group in enumerate(group_ids):
        if index not in unresolved:
            problems += check_security_group_id(f"{groups_field}[{index}]", group)
    if not public_access and not cidrs and not group_ids:
        problems.append(
            Problem(
                cidrs_field,
                [],
                f"leaves a private-only endpoint with no way in: neither {cidrs_field} nor {groups_field} is set, so "
                "the machine running pulumi cannot reach the API server and the Namespaces and ServiceAccounts "
                "time out after the cluster and roles exist",
                ENDPOINT_DOCS,
                f"list the CIDR of your VPN, runner or bastion in {cidrs_field}, or its security group in "
                f"{groups_field}",
            )
        )
    return problems


def check_security_group_id(field: str, group: object) -> list[Problem]:
    """``group`` is a security group id, ``sg-`` and 8 to 17 hex digits (EC2 API Reference, SecurityGroup.GroupId)."""
    if isinstance(group, str) and SECURITY_GROUP_ID.fullmatch(group):
        return []
    return [
        Problem(
            field,
            group,
            "is not a security group id",
            "EC2 API Reference, SecurityGroup.GroupId",
            "give an id like sg-0123456789abcdef0",
        )
    ]


def credentials_from_aws_config(
    profile: str | None, assume_roles: list[dict] | None
) -> tuple[KubeconfigCredentials, list[Problem]]:
    """The Kubernetes credentials matching a stack's AWS provider config (``aws:profile``,
    ``aws:assumeRoles``, pulumi-aws 7's provider configuration), so Kubernetes sees the identity AWS sees.

    ``aws eks get-token`` assumes at most one role, with no external id: a chain of roles or an
    ``externalId`` is refused (put them in an AWS CLI profile with ``role_arn``, ``source_profile`` and
    ``external_id`` and set ``aws:profile`` instead).
    """
    credentials: KubeconfigCredentials = {}
    problems = []
    if profile:
        credentials["profile_name"] = profile
    roles = list(assume_roles or [])
    if len(roles) > 1:
        problems.append(
            Problem(
                "aws:assumeRoles",
                [r.get("roleArn") for r in roles],
                "chains several roles; aws eks get-token (the Kubernetes provider's credentials) assumes one",
                GET_TOKEN_DOCS,
                "describe the chain in an AWS CLI profile (role_arn, source_profile) and set aws:profile to it",
            )
        )
    elif roles:
        role = roles[0]
        if role.get("externalId"):
            problems.append(
                Problem(
                    "aws:assumeRoles[0].externalId",
                    "(set)",
                    "cannot be passed to aws eks get-token, so Kubernetes would not see the identity AWS sees",
                    GET_TOKEN_DOCS,
                    "describe the role in an AWS CLI profile (role_arn, external_id) and set aws:profile to it",
                )
            )
        elif role.get("roleArn"):
            credentials["role_arn"] = role["roleArn"]
    return credentials, problems


def get_token_args(credentials: KubeconfigCredentials | None) -> list[str]:
    """The ``aws eks get-token`` arguments that select the identity: ``--role-arn`` and ``--profile``."""
    credentials = credentials or {}
    args = []
    if credentials.get("role_arn"):
        args += ["--role-arn", credentials["role_arn"]]
    if credentials.get("profile_name"):
        args += ["--profile", credentials["profile_name"]]
    return args


_IDENTITY_FLAGS = ("--role", "--role-arn", "--profile")


def scoped_kubeconfig(kubeconfig: str, credentials: KubeconfigCredentials | None) -> str:
    """A kubeconfig (JSON) whose ``aws`` exec plugins run as ``credentials``.

    pulumi-eks's ``kubeconfigJson`` carries the role of ``provider_credential_opts`` but never the
    profile (its 'without profile' form, for people; pulumi-eks nodejs/eks/cluster/cluster.ts,
    ``genKubeconfig(false)``), and a kubeconfig from another stack carries that stack's identity. This
    drops every identity flag of an ``aws`` exec and appends :func:`get_token_args`, as pulumi-eks does
    for its own provider. Without credentials the kubeconfig is returned unchanged.
    """
    if not credentials:
        return kubeconfig
    config = json.loads(kubeconfig)
    for user in config.get("users") or []:
        exec_ = (user.get("user") or {}).get("exec")
        if not exec_ or exec_.get("command") != "aws":
            continue
        args, kept = list(exec_.get("args") or []), []
        while args:
            arg = args.pop(0)
            if arg in _IDENTITY_FLAGS:
                args = args[1:]
            else:
                kept.append(arg)
        exec_["args"] = kept + get_token_args(credentials)
    return json.dumps(config, sort_keys=True)


def exec_kubeconfig(
    cluster_name: str,
    endpoint: str,
    certificate_data: str,
    region: str,
    credentials: KubeconfigCredentials | None = None,
) -> str:
    """A kubeconfig (JSON) that authenticates with ``aws eks get-token --region <region>`` (EKS User Guide,
    'Connect kubectl to an EKS cluster'), as the given credentials or the ambient ones."""
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": certificate_data}}
            ],
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": [
                                "--region",
                                region,
                                "eks",
                                "get-token",
                                "--cluster-name",
                                cluster_name,
                                "--output",
                                "json",
                                *get_token_args(credentials),
                            ],
                        }
                    },
                }
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
        },
        sort_keys=True,
    )
