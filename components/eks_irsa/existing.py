"""``ExistingCluster``: bring your own cluster, made by another stack or another tool.

It gives ``IrsaRole`` what ``EksCluster`` gives (``cluster_name``, ``oidc_provider_arn``,
``oidc_issuer``, ``kubeconfig``, ``kubernetes_provider``) from either:

- a ``StackReference`` to the stack that made the cluster with this package (its exports
  ``clusterName``, ``oidcProviderArn``, ``oidcIssuer``, ``kubeconfig``): no provider call at all; or
- a lookup by name: ``aws.eks.getCluster`` and ``aws.iam.getOpenIdConnectProvider``, two provider
  function calls per stack, never per service.
"""

from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .access import exec_kubeconfig, scoped_kubeconfig
from .contract.existing import ExistingClusterArgs as ExistingClusterArgs
from .contract.fields import constructor_doc
from .errors import IrsaConfigError, Problem
from .iam.arn import parse_arn
from .iam.trust import IRSA_DOCS, normalize_issuer
from .plan.existing import check_existing_cluster_args as check_existing_cluster_args


class ExistingCluster(pulumi.ComponentResource):
    """A cluster this stack does not manage, with the same attributes as ``EksCluster``.

    Children: ``<name>-stack`` (``pulumi.StackReference``) or nothing AWS-side for a lookup, and
    ``<name>-k8s`` (Kubernetes provider; its kubeconfig calls ``aws eks get-token``, with a lookup
    ``--region`` of the cluster's ARN, so the machine running ``pulumi up`` needs the AWS CLI).

    Raises:
        IrsaConfigError: ``partition`` is not an AWS partition (before anything is registered); the looked-up
            cluster has no OIDC issuer. An issuer without an IAM OIDC provider in
            the account (IRSA needs one; EKS User Guide, 'Create an IAM OIDC provider') fails the AWS
            provider's ``getOpenIdConnectProvider`` call itself, with its own error (terraform-provider-aws
            iam/openid_connect_provider_data_source.go: not found); ``eks-irsa preflight`` names it first.
    """

    cluster_name: pulumi.Output[str]
    """The cluster's name."""
    oidc_provider_arn: pulumi.Output[str]
    """The cluster's IAM OIDC provider ARN in its account."""
    oidc_issuer: pulumi.Output[str]
    """The cluster's OIDC issuer, host/path without ``https://``."""
    kubeconfig: pulumi.Output[str]
    """A kubeconfig for the cluster (secret)."""

    def __init__(self, name: str, args: ExistingClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = check_existing_cluster_args(args)
        if problems:
            raise IrsaConfigError(
                [Problem(f"ExistingCluster {name}: {p.field}", p.value, p.rule, p.source, p.fix) for p in problems]
            )
        super().__init__("eks-irsa:index:ExistingCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        credentials = args.get("kubeconfig_credentials") or {}
        if args.get("stack_reference"):
            ref = pulumi.StackReference(f"{name}-stack", stack_name=args.get("stack_reference"), opts=child)
            self.cluster_name = ref.require_output("clusterName")
            self.oidc_provider_arn = ref.require_output("oidcProviderArn")
            self.oidc_issuer = ref.require_output("oidcIssuer").apply(normalize_issuer)
            self.kubeconfig = pulumi.Output.secret(
                ref.require_output("kubeconfig").apply(lambda k: scoped_kubeconfig(k, credentials))
            )
        else:
            cluster_name = pulumi.Output.from_input(args["cluster_name"])
            cluster = aws.eks.get_cluster_output(name=cluster_name, opts=pulumi.InvokeOutputOptions(parent=self))
            self.cluster_name = cluster.name
            self.oidc_issuer = pulumi.Output.all(cluster_name, cluster.identities).apply(lambda v: _issuer(*v))
            provider = aws.iam.get_open_id_connect_provider_output(
                url=self.oidc_issuer.apply(lambda issuer: f"https://{issuer}"),
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            self.oidc_provider_arn = provider.arn
            self.kubeconfig = pulumi.Output.secret(
                pulumi.Output.all(cluster_name, cluster.endpoint, cluster.certificate_authorities, cluster.arn).apply(
                    lambda v: exec_kubeconfig(v[0], v[1], _field(v[2][0], "data"), _region(v[3]), credentials)
                )
            )
        self._kubernetes_provider = k8s.Provider(
            f"{name}-k8s", kubeconfig=self.kubeconfig, enable_server_side_apply=True, opts=child
        )
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "oidc_provider_arn": self.oidc_provider_arn,
                "oidc_issuer": self.oidc_issuer,
            }
        )

    @property
    def kubernetes_provider(self) -> k8s.Provider:
        """The Kubernetes provider for the cluster; pass it to ``IrsaRole`` in ``opts.providers``."""
        return self._kubernetes_provider


ExistingCluster.__init__.__doc__ = constructor_doc("ExistingCluster", ExistingClusterArgs)


def _issuer(cluster_name: str, identities: list) -> str:
    oidcs = [oidc for identity in identities or [] for oidc in _field(identity, "oidcs") or []]
    if not oidcs or not _field(oidcs[0], "issuer"):
        raise IrsaConfigError.one(
            "eks-irsa:existingCluster.name", cluster_name, "has no OIDC issuer", IRSA_DOCS, "check the cluster name"
        )
    return normalize_issuer(_field(oidcs[0], "issuer"))


def _region(cluster_arn: str) -> str:
    """The region of a cluster ARN the SDK returned.

    Raises:
        ValueError: the SDK returned something else than an ARN.
    """
    parsed = parse_arn(cluster_arn)
    if parsed is None:
        raise ValueError(f"the EKS cluster ARN {cluster_arn!r} is not an ARN")
    return parsed.region


def _field(value: object, name: str) -> Any:
    """A field of a nested invoke result, which the SDK hands over as an output type or as a dict."""
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)
