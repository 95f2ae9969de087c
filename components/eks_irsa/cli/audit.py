"""``eks-irsa audit``: judge the IRSA and Pod Identity set-up of a live account, read-only.

    eks-irsa audit --region us-west-2 [--cluster acme-dev] [--kube-dump sa-pods.json] [--json]

Reads with the caller's AWS credentials (boto3's usual chain: environment, ``--profile``, SSO, instance
role) one account and one region, and hands the snapshot to :func:`eks_irsa.audit.audit`.

* Read-only by construction: every client comes from a session whose ``before-parameter-build`` hook
  refuses any operation whose name does not start with ``Get``, ``List`` or ``Describe``
  (:func:`refuse_mutations`), before a request is built or signed.
* Thousands of roles: every listing goes through a boto3 paginator; the clients retry throttling and
  transient errors in botocore's ``adaptive`` mode (exponential backoff with jitter plus a client-side
  rate limiter that slows down after a throttle), up to ``--max-attempts`` attempts per call.
* Each OIDC provider's client IDs are read (``GetOpenIDConnectProvider``), so a trust pinning an audience
  the provider does not list is named.
* Only workload roles (trusting an OIDC provider or ``pods.eks.amazonaws.com``), node roles and roles
  named by associations or the dump get their permissions read (one ``ListRolePolicies``,
  ``ListAttachedRolePolicies`` and a ``GetRolePolicy`` per inline policy; a managed policy's document
  once per run).

Exit 0: no findings; 1: findings; 2: bad input (arguments, the dump, credentials, an account-wide read
that failed). A read of one resource that fails becomes an ``AUDIT_INCOMPLETE`` finding.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..audit import (
    KUBECTL_DUMP,
    AccountSnapshot,
    NodeGroup,
    OidcProvider,
    PodIdentityAssociation,
    PolicyDocument,
    ReadGap,
    Role,
    audit,
    cluster_from_describe,
    parse_kube_dump,
    provider_from_arn,
    render_table,
    workload_role,
)
from ..errors import IrsaConfigError

READ_ONLY_PREFIXES = ("Get", "List", "Describe")
"""Operation name prefixes the audit may call; AWS names its read operations so (AWS API references)."""

RETRY_MODE = "adaptive"
"""botocore's retry mode: standard retries (exponential backoff with jitter on throttling and transient
errors) plus client-side rate limiting (botocore docs, 'Retries')."""

DEFAULT_MAX_ATTEMPTS = 10
"""Attempts per call, the first included, before a throttled call fails."""


class MutatingCallRefused(RuntimeError):
    """The audit was about to call an operation that is not a read (a bug in the audit, never sent)."""


def refuse_mutations(model: Any, **_: object) -> None:
    """botocore ``before-parameter-build`` hook: raise unless ``model.name`` starts with Get, List or Describe.

    Raises:
        MutatingCallRefused: for any other operation (``CreateRole``, ``AssumeRole``, ``TagRole``, ...).
    """
    if not model.name.startswith(READ_ONLY_PREFIXES):
        raise MutatingCallRefused(
            f"eks-irsa audit refused to call {model.service_model.service_name}:{model.name}: it only reads "
            f"({', '.join(READ_ONLY_PREFIXES)}...)"
        )


@cache
def _loader() -> botocore.loaders.Loader:
    """One botocore data loader per process: service models are parsed once, however many sessions."""
    return botocore.loaders.create_loader()


def read_only_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    """A boto3 session whose clients can only call read operations (:func:`refuse_mutations`)."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _loader())
    session = boto3.Session(profile_name=profile, region_name=region, botocore_session=core)
    session.events.register("before-parameter-build", refuse_mutations)
    return session


def client_config(max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Config:
    """The clients' botocore config: :data:`RETRY_MODE` retries, ``max_attempts`` attempts per call in all
    (botocore's ``total_max_attempts``: the first attempt included; its ``max_attempts`` counts retries only)."""
    return Config(retries={"mode": RETRY_MODE, "total_max_attempts": max_attempts}, user_agent_extra="eks-irsa-audit")


def collect(
    session: boto3.Session,
    cluster: str | None = None,
    extra_role_arns: Sequence[str] = (),
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> AccountSnapshot:
    """Read the account and region of ``session`` into an :class:`~eks_irsa.audit.AccountSnapshot`.

    Args:
        session: a :func:`read_only_session` (or any session; the hook is what keeps it read-only).
        cluster: read only this cluster's node groups and associations. Default: every cluster of the region.
        extra_role_arns: more roles whose permissions to read (those the ServiceAccount dump names).
        max_attempts: attempts per call. Default: :data:`DEFAULT_MAX_ATTEMPTS`.

    Raises:
        botocore.exceptions.ClientError, BotoCoreError: an account-wide read failed (caller identity,
            roles, OIDC providers, clusters).
    """
    config = client_config(max_attempts)
    iam = session.client("iam", config=config)
    eks = session.client("eks", config=config)
    ec2 = session.client("ec2", config=config)
    identity = session.client("sts", config=config).get_caller_identity()
    gaps: list[ReadGap] = []
    raw_roles = [r for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]]
    listed = sorted(p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
    providers = tuple(_provider(iam, arn, gaps) for arn in listed)
    names = [n for page in eks.get_paginator("list_clusters").paginate() for n in page["clusters"]]
    clusters = []
    for name in sorted(names):
        if cluster in (None, name):
            clusters.append(cluster_from_describe(eks.describe_cluster(name=name)["cluster"]))
    node_groups: list[NodeGroup] = []
    associations: list[PodIdentityAssociation] = []
    for item in clusters:
        node_groups += _node_groups(eks, ec2, item.name, gaps)
        associations += _associations(eks, item.name, gaps)
    roles = [Role(r["Arn"], r["RoleName"], r["AssumeRolePolicyDocument"]) for r in raw_roles]
    wanted = {g.node_role_arn for g in node_groups} | {a.role_arn for a in associations} | set(extra_role_arns)
    managed: dict[str, PolicyDocument] = {}
    read = tuple(
        Role(r.arn, r.name, r.trust, _policies(iam, r, managed, gaps)) if r.arn in wanted or workload_role(r) else r
        for r in sorted(roles, key=lambda r: r.arn)
    )
    return AccountSnapshot(
        identity["Account"],
        session.region_name,
        providers,
        read,
        tuple(clusters),
        tuple(node_groups),
        tuple(associations),
        tuple(gaps),
    )


def _provider(iam: Any, arn: str, gaps: list[ReadGap]) -> OidcProvider:
    """An OIDC provider with its client IDs (``GetOpenIDConnectProvider``); without them when the read fails."""
    client_ids = None
    with _guarded(gaps, "GetOpenIDConnectProvider", arn):
        client_ids = tuple(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn).get("ClientIDList", []))
    return provider_from_arn(arn, client_ids)


@contextmanager
def _guarded(gaps: list[ReadGap], operation: str, resource: str) -> Iterator[None]:
    """Run the body; a ClientError becomes a :class:`ReadGap` instead of ending the audit."""
    try:
        yield
    except ClientError as error:
        detail = error.response.get("Error", {})
        gaps.append(ReadGap(operation, resource, f"{detail.get('Code', '?')}: {detail.get('Message', '')}".strip()))


def _policies(
    iam: Any, role: Role, managed: dict[str, PolicyDocument], gaps: list[ReadGap]
) -> tuple[PolicyDocument, ...]:
    out: list[PolicyDocument] = []
    with _guarded(gaps, "ListRolePolicies", role.arn):
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=role.name):
            for name in page["PolicyNames"]:
                document = None
                with _guarded(gaps, "GetRolePolicy", f"{role.arn} ({name})"):
                    document = iam.get_role_policy(RoleName=role.name, PolicyName=name)["PolicyDocument"]
                out.append(PolicyDocument(name, document))
    with _guarded(gaps, "ListAttachedRolePolicies", role.arn):
        for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role.name):
            for attached in page["AttachedPolicies"]:
                arn = attached["PolicyArn"]
                if arn not in managed:
                    document = None
                    with _guarded(gaps, "GetPolicyVersion", arn):
                        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
                    managed[arn] = PolicyDocument(attached["PolicyName"], document, arn)
                out.append(managed[arn])
    return tuple(sorted(out, key=lambda p: (p.arn is not None, p.name)))


def _node_groups(eks: Any, ec2: Any, cluster: str, gaps: list[ReadGap]) -> list[NodeGroup]:
    groups = []
    with _guarded(gaps, "ListNodegroups", cluster):
        names = [
            n for page in eks.get_paginator("list_nodegroups").paginate(clusterName=cluster) for n in page["nodegroups"]
        ]
        for name in sorted(names):
            with _guarded(gaps, "DescribeNodegroup", f"{cluster}/{name}"):
                group = eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
                groups.append(_node_group(ec2, cluster, group, gaps))
    return groups


def _node_group(ec2: Any, cluster: str, group: dict[str, Any], gaps: list[ReadGap]) -> NodeGroup:
    template = group.get("launchTemplate")
    if not template:
        return NodeGroup(cluster, group["nodegroupName"], group["nodeRole"])
    version = str(template.get("version") or "$Default")
    selector = {"LaunchTemplateId": template["id"]} if template.get("id") else {"LaunchTemplateName": template["name"]}
    label = f"{template.get('id') or template.get('name')}@{version}"
    options: dict[str, object] = {}
    with _guarded(gaps, "DescribeLaunchTemplateVersions", label):
        versions = ec2.describe_launch_template_versions(**selector, Versions=[version])["LaunchTemplateVersions"]
        options = dict(versions[0].get("LaunchTemplateData", {}).get("MetadataOptions", {})) if versions else {}
    return NodeGroup(cluster, group["nodegroupName"], group["nodeRole"], label, options)


def _associations(eks: Any, cluster: str, gaps: list[ReadGap]) -> list[PodIdentityAssociation]:
    out = []
    with _guarded(gaps, "ListPodIdentityAssociations", cluster):
        pages = eks.get_paginator("list_pod_identity_associations").paginate(clusterName=cluster)
        for summary in (a for page in pages for a in page["associations"]):
            with _guarded(gaps, "DescribePodIdentityAssociation", f"{cluster}/{summary['associationId']}"):
                detail = eks.describe_pod_identity_association(
                    clusterName=cluster, associationId=summary["associationId"]
                )["association"]
                out.append(
                    PodIdentityAssociation(
                        cluster,
                        detail["namespace"],
                        detail["serviceAccount"],
                        detail["roleArn"],
                        detail["associationId"],
                    )
                )
    return sorted(out, key=lambda a: (a.cluster, a.namespace, a.service_account, a.association_id))


NO_REGION = (
    "Pass --region (e.g. --region us-west-2; with make: make audit REGION=us-west-2), or set AWS_REGION, "
    "or give the profile a region (aws configure set region us-west-2 [--profile NAME])."
)
"""What to set when neither ``--region`` nor the AWS SDK's configuration (``AWS_REGION``, ``AWS_DEFAULT_REGION``,
the profile's ``region``) names one."""


def _justifications(path: Path) -> dict[str, str]:
    """``--justifications``: a JSON object of strings by role name; a bad file is bad input, naming it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        document, detail = None, f"cannot be read: {error}"
    else:
        detail = "is not a JSON object of strings (role name -> reason)"
    if not isinstance(document, dict) or not all(isinstance(v, str) for v in document.values()):
        raise IrsaConfigError.one("--justifications", str(path), detail, "JSON", '{"<role name>": "<reason>"}')
    return document


def main(argv: Sequence[str] | None = None) -> int:
    """Audit one account and region; print a table (or ``--json``). Exit 0 clean, 1 findings, 2 bad input."""
    parser = argparse.ArgumentParser(prog="eks-irsa audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", help="the region to audit. Default: the profile's or AWS_REGION")
    parser.add_argument("--profile", help="an AWS CLI profile. Default: boto3's credential chain")
    parser.add_argument("--cluster", help="audit one cluster. Default: every cluster of the region")
    parser.add_argument("--kube-dump", type=Path, help=f"the output of `{KUBECTL_DUMP}` for the cluster")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument(
        "--justifications",
        type=Path,
        help="a JSON object of a reason per workload role name (what its statements' justifications say; eks-irsa "
        "plan writes build/<stack>/audit-justifications.json); the risk categories and escalation methods a "
        "reason names are allowed, as in the plan",
    )
    parser.add_argument(
        "--max-attempts", type=int, default=DEFAULT_MAX_ATTEMPTS, help="attempts per AWS call (adaptive retries)"
    )
    args = parser.parse_args(argv)
    try:
        kube = None
        if args.kube_dump is not None:
            try:
                document = json.loads(args.kube_dump.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise IrsaConfigError.one(
                    "--kube-dump",
                    str(args.kube_dump),
                    f"cannot be read: {error}",
                    "JSON",
                    f"give the output of `{KUBECTL_DUMP}`",
                ) from None
            kube = parse_kube_dump(document, "--kube-dump")
        justifications = _justifications(args.justifications) if args.justifications else None
        session = read_only_session(args.profile, args.region)
        if not session.region_name:
            print(f"error: no region to audit. {NO_REGION}", file=sys.stderr)
            return 2
        arns = sorted({a.role_arn for a in kube.service_accounts if a.role_arn}) if kube else []
        snapshot = collect(session, args.cluster, arns, args.max_attempts)
        report = audit(snapshot, kube, args.cluster, justifications)
    except IrsaConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as error:
        print(f"error: cannot read the account: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        print(render_table(report))
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
