"""``eks-irsa preflight --stack dev``: is the AWS account ready for this stack's ``pulumi up``? Read-only.

    eks-irsa preflight --stack dev [--profile NAME] [--json] [--today YYYY-MM-DD]

Runs with your AWS credentials (the stack's ``aws:profile`` and ``aws:assumeRoles`` as Pulumi's AWS
provider uses them, unless ``--profile`` is given) and calls only read APIs: ``sts:GetCallerIdentity``
(and ``sts:AssumeRole`` for ``aws:assumeRoles`` and each ``eks-irsa:accounts`` role a service uses),
``iam:GetRole`` (the caller role's path), ``iam:ListOpenIDConnectProviders``, ``ec2:DescribeVpcs``,
``ec2:DescribeVpcAttribute``, ``ec2:DescribeSubnets``, ``ec2:DescribeRouteTables``,
``ec2:DescribeVpcEndpoints``, ``eks:DescribeCluster``. The rules are :mod:`eks_irsa.preflight`'s: the caller
against ``aws:allowedAccountIds`` and the cluster admins, the other accounts' roles, the VPC, its DNS
attributes and subnets, the private subnets' egress (NAT route or VPC endpoints), the endpoint, the OIDC
provider quota (per account), the ``trustedClusters`` providers, the Kubernetes version's standard support.

Needs only botocore (a dependency of the package), so no extra. Exit 0 ready (warnings allowed), 1 not
ready (an error finding, including an API call that failed), 2 bad input (no stack file, a stack file
that does not parse, a catalog problem).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import botocore.exceptions
import botocore.session
import yaml

from .. import preflight as rules
from ..access import CREATOR_TAG, caller_principal_arn
from ..catalog import ClusterSettings, StackSettings, decode_stack_config, load_catalog
from ..errors import IrsaConfigError
from ..testing import config_from_stack_file, encode_config
from . import plan as plan_cli

SESSION_NAME = "eks-irsa-preflight"

ClientFactory = Callable[[str], Any]
"""``service name -> botocore client`` in the stack's region, with the credentials to check."""


def session_clients(region: str, profile: str | None, assume_roles: Sequence[Mapping[str, Any]] = ()) -> ClientFactory:
    """Clients as Pulumi's AWS provider would authenticate: ``profile`` (or the default chain), then each
    role of ``assume_roles`` in turn (``roleArn``, optional ``sessionName``, ``externalId``; pulumi-aws
    provider config ``assumeRoles``).

    Raises:
        botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError: a profile or role that cannot be used.
    """
    session = botocore.session.Session(profile=profile)
    credentials: dict[str, str] = {}
    for role in assume_roles:
        sts = session.create_client("sts", region_name=region, **credentials)
        extra = {"ExternalId": role["externalId"]} if role.get("externalId") else {}
        answer = sts.assume_role(
            RoleArn=role["roleArn"], RoleSessionName=role.get("sessionName", SESSION_NAME), **extra
        )
        credentials = _credentials(answer)
    return lambda service: session.create_client(service, region_name=region, **credentials)


def _credentials(assume_role_answer: Mapping[str, Any]) -> dict[str, str]:
    """``sts:AssumeRole``'s credentials as botocore client arguments."""
    c = assume_role_answer["Credentials"]
    return {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }


def _api_error(action: str, error: Exception) -> rules.Finding:
    if isinstance(error, botocore.exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        return rules.Finding(
            rules.Severity.ERROR,
            "aws-api",
            action,
            f"{action} failed: {code}: {message}",
            f"allow {action} for the identity running preflight (pulumi up needs at least as much)",
            "AWS API reference",
        )
    return rules.Finding(
        rules.Severity.ERROR,
        "aws-api",
        action,
        f"{action} failed: {error}",
        "set AWS credentials for the stack's account (aws sso login, AWS_PROFILE, or aws:profile in the stack file)",
        "botocore credential chain",
    )


_API_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)


def gather(client: ClientFactory, settings: StackSettings) -> rules.AccountFacts:
    """Ask AWS, read-only, what the checks need; a failed call becomes an ``aws-api`` error finding.

    Without a caller identity nothing else is asked (every call would fail the same way).
    """
    failed: list[rules.Finding] = []
    try:
        identity = client("sts").get_caller_identity()
    except _API_ERRORS as error:
        return rules.AccountFacts(api_findings=(_api_error("sts:GetCallerIdentity", error),))
    caller_arn, account = identity["Arn"], identity["Account"]
    facts: dict[str, Any] = {"caller_arn": caller_arn, "caller_account": account}
    iam = client("iam")
    principal = caller_principal_arn(caller_arn)
    if principal != caller_arn:  # an assumed-role session: its role's path comes from IAM
        try:
            role = iam.get_role(RoleName=principal.rsplit("/", 1)[-1])["Role"]
            facts["caller_role_path"] = role["Path"]
        except _API_ERRORS:
            pass  # the role ARN is then shown with the path / (eks_irsa.access.caller_principal_arn)
    try:
        providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        facts["oidc_provider_arns"] = tuple(sorted(p["Arn"] for p in providers))
    except _API_ERRORS as error:
        failed.append(_api_error("iam:ListOpenIDConnectProviders", error))
    eks = client("eks")
    try:
        found = eks.describe_cluster(name=settings.cluster.name)["cluster"]
        vpc = found.get("resourcesVpcConfig", {})
        facts["cluster"] = rules.ClusterFacts(
            version=found["version"],
            endpoint_public_access=bool(vpc.get("endpointPublicAccess")),
            public_access_cidrs=tuple(vpc.get("publicAccessCidrs", ())),
            issuer=found.get("identity", {}).get("oidc", {}).get("issuer", ""),
            creator=(found.get("tags") or {}).get(CREATOR_TAG),
        )
        facts["cluster_looked_up"] = True
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            facts["cluster_looked_up"] = True
        else:
            failed.append(_api_error("eks:DescribeCluster", error))
    except botocore.exceptions.BotoCoreError as error:
        failed.append(_api_error("eks:DescribeCluster", error))
    if isinstance(settings.cluster, ClusterSettings):
        facts.update(_network(client("ec2"), settings.cluster, failed))
    facts["other_accounts"] = _other_accounts(client, settings, failed)
    return rules.AccountFacts(**facts, api_findings=tuple(failed))


def _other_accounts(
    client: ClientFactory, settings: StackSettings, failed: list[rules.Finding]
) -> dict[str, rules.OtherAccountFacts]:
    """Each ``eks-irsa:accounts`` entry a service uses (the program makes an OIDC provider only there),
    through its ``assumeRoleArn``, as Pulumi's provider for that account will."""
    out = {}
    for key in sorted({s.account for s in settings.services if s.account}):
        role_arn = settings.accounts[key].assume_role_arn
        try:
            credentials = _credentials(client("sts").assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME))
            session = botocore.session.Session()
            sts = session.create_client("sts", region_name=settings.region, **credentials)
            iam = session.create_client("iam", region_name=settings.region, **credentials)
            providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
            out[key] = rules.OtherAccountFacts(
                account=sts.get_caller_identity()["Account"],
                oidc_provider_arns=tuple(sorted(p["Arn"] for p in providers)),
            )
        except _API_ERRORS as error:
            failed.append(_api_error(f"sts:AssumeRole {role_arn} (eks-irsa:accounts.{key})", error))
    return out


def _network(ec2: Any, cluster: ClusterSettings, failed: list[rules.Finding]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [cluster.vpc_id]}])["Vpcs"]
        out["vpc_exists"] = bool(vpcs)
    except _API_ERRORS as error:
        failed.append(_api_error("ec2:DescribeVpcs", error))
    ids = sorted({*cluster.private_subnet_ids, *cluster.public_subnet_ids})
    try:
        pages = ec2.get_paginator("describe_subnets").paginate(Filters=[{"Name": "subnet-id", "Values": ids}])
        out["subnets"] = {
            s["SubnetId"]: rules.SubnetFacts(
                subnet_id=s["SubnetId"],
                vpc_id=s["VpcId"],
                availability_zone=s["AvailabilityZone"],
                available_ips=s["AvailableIpAddressCount"],
                tags={t["Key"]: t["Value"] for t in s.get("Tags", ())},
                map_public_ip=bool(s.get("MapPublicIpOnLaunch")),
            )
            for page in pages
            for s in page["Subnets"]
        }
    except _API_ERRORS as error:
        failed.append(_api_error("ec2:DescribeSubnets", error))
    in_vpc = [{"Name": "vpc-id", "Values": [cluster.vpc_id]}]
    try:
        pages = ec2.get_paginator("describe_route_tables").paginate(Filters=in_vpc)
        out["route_tables"] = tuple(_route_table(t) for page in pages for t in page["RouteTables"])
    except _API_ERRORS as error:
        failed.append(_api_error("ec2:DescribeRouteTables", error))
    try:
        pages = ec2.get_paginator("describe_vpc_endpoints").paginate(Filters=in_vpc)
        out["vpc_endpoints"] = tuple(
            rules.VpcEndpointFacts(
                endpoint_id=e["VpcEndpointId"],
                service_name=e["ServiceName"],
                endpoint_type=e["VpcEndpointType"],
                state=e["State"].lower(),
                private_dns=bool(e.get("PrivateDnsEnabled")),
                route_table_ids=tuple(e.get("RouteTableIds", ())),
            )
            for page in pages
            for e in page["VpcEndpoints"]
        )
    except _API_ERRORS as error:
        failed.append(_api_error("ec2:DescribeVpcEndpoints", error))
    if out.get("vpc_exists"):
        try:
            attribute = {
                name: ec2.describe_vpc_attribute(VpcId=cluster.vpc_id, Attribute=name)[name[0].upper() + name[1:]]
                for name in ("enableDnsSupport", "enableDnsHostnames")
            }
            out["vpc_dns"] = rules.VpcDnsFacts(
                dns_support=bool(attribute["enableDnsSupport"]["Value"]),
                dns_hostnames=bool(attribute["enableDnsHostnames"]["Value"]),
            )
        except _API_ERRORS as error:
            failed.append(_api_error("ec2:DescribeVpcAttribute", error))
    return out


ROUTE_TARGETS = (
    "NatGatewayId",
    "GatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "VpcPeeringConnectionId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "EgressOnlyInternetGatewayId",
    "CoreNetworkArn",
)
"""The keys of a ``DescribeRouteTables`` route that name its target, NAT first (a NAT instance's route
carries both ``InstanceId`` and ``NetworkInterfaceId``)."""


def _route_table(table: Mapping[str, Any]) -> rules.RouteTableFacts:
    """One ``DescribeRouteTables`` answer as :class:`~eks_irsa.preflight.RouteTableFacts`."""
    associations = table.get("Associations", ())
    return rules.RouteTableFacts(
        route_table_id=table["RouteTableId"],
        main=any(a.get("Main") for a in associations),
        subnet_ids=tuple(sorted(a["SubnetId"] for a in associations if a.get("SubnetId"))),
        routes=tuple(
            rules.RouteFacts(
                destination=r.get("DestinationCidrBlock")
                or r.get("DestinationIpv6CidrBlock")
                or r.get("DestinationPrefixListId", ""),
                target=next((r[key] for key in ROUTE_TARGETS if r.get(key)), ""),
                state=r.get("State", "active"),
            )
            for r in table.get("Routes", ())
        ),
    )


def report(stack: str, facts: rules.AccountFacts, findings: Sequence[rules.Finding]) -> dict[str, Any]:
    """The JSON document: ``{stack, caller, account, ready, counts, findings}`` (no timestamps)."""
    counts = {s.value: sum(f.severity == s for f in findings) for s in rules.SEVERITY_ORDER}
    return {
        "stack": stack,
        "caller": facts.caller_arn,
        "account": facts.caller_account,
        "ready": counts[rules.Severity.ERROR.value] == 0,
        "counts": counts,
        "findings": [f.as_dict() for f in findings],
    }


def render_text(document: Mapping[str, Any]) -> str:
    """The readable list: one block per finding, errors first, then a verdict line."""
    lines = [f"Preflight of stack {document['stack']} as {document['caller'] or '(no identity)'}", ""]
    for f in document["findings"]:
        lines.append(f"{f['severity'].upper():<8} {f['check']:<19} {f['subject']}")
        lines.append(f"         {f['message']}")
        if f["fix"]:
            lines.append(f"         fix: {f['fix']}")
        if f["source"]:
            lines.append(f"         rule: {f['source']}")
    counts = document["counts"]
    verdict = "READY" if document["ready"] else "NOT READY"
    lines += ["", f"{verdict}: {counts['error']} errors, {counts['warning']} warnings, {counts['ok']} ok."]
    return "\n".join(lines)


def _assume_roles(config: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``aws:assumeRoles`` (a list) or the older single ``aws:assumeRole``, as the stack file holds them."""
    roles = config.get("aws:assumeRoles", config.get("aws:assumeRole", []))
    return [roles] if isinstance(roles, Mapping) else list(roles)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: 0 ready, 1 not ready, 2 bad input."""
    parser = argparse.ArgumentParser(prog="eks-irsa preflight", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", default="dev", help="stack name: reads stacks/Pulumi.<stack>.yaml")
    parser.add_argument("--profile", help="AWS profile; default: the stack's aws:profile, else the default chain")
    parser.add_argument("--json", action="store_true", help="print the JSON document instead of the list")
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=datetime.datetime.now(datetime.UTC).date(),
        help="the date standard support is judged on (YYYY-MM-DD); default: today, UTC",
    )
    args = parser.parse_args(argv)
    root = plan_cli.ROOT
    stack_file = root / "stacks" / f"Pulumi.{args.stack}.yaml"
    if not stack_file.exists():
        print(f"error: no stack file {stack_file}", file=sys.stderr)
        return 2
    try:
        config = config_from_stack_file(stack_file)
        settings = load_catalog(decode_stack_config(encode_config(config)), root)
    except IrsaConfigError as error:
        print(f"error: stack {args.stack} is invalid; nothing was checked.\n{error}", file=sys.stderr)
        return 2
    except yaml.YAMLError as error:
        print(f"error: {stack_file} does not parse: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    try:
        client = session_clients(settings.region, args.profile or config.get("aws:profile"), _assume_roles(config))
    except _API_ERRORS as error:
        facts = rules.AccountFacts(api_findings=(_api_error("credentials (aws:profile, aws:assumeRoles)", error),))
        return _finish(args, facts, list(facts.api_findings))
    facts = gather(client, settings)
    return _finish(args, facts, rules.preflight_findings(settings, facts, args.today))


def _finish(args: argparse.Namespace, facts: rules.AccountFacts, findings: list[rules.Finding]) -> int:
    document = report(args.stack, facts, findings)
    print(json.dumps(document, indent=2, sort_keys=True) if args.json else render_text(document))
    return 0 if document["ready"] else 1


if __name__ == "__main__":
    sys.exit(main())
