"""A Pulumi mock monitor that knows what pulumi-eks and AWS return, for our tests and for yours.

``EksIrsaMocks`` answers every registration with labelled placeholders built from the stack's
account, partition and region: the OIDC issuer id is ``0PLACEHOLDER...``, ARNs carry the configured
account. ``RecordingMonitor`` keeps every registration (type, logical name, parent, provider,
protect and the other lifecycle options, dependencies, resolved inputs) in registration order.
``run_program`` runs a Pulumi program
file offline under both and returns that record.

What mocks cannot prove: that AWS or Kubernetes accept the inputs, that pulumi-eks's own children
(security groups, access entries) look as documented (a remote component's children are created
by its provider, which does not run here; nor are resource transforms run), and anything about
ordering on a real deploy beyond the dependencies recorded. An invoke (provider function call) other
than the two lookups of a bring-your-own cluster, the creator lookups of a stack that makes its cluster
(``getClusters``, then ``getCluster`` or ``getCallerIdentity``) and one ``getAddonVersion`` per EKS add-on without
pinned versions raises.

A ``StackReference`` answers the outputs the test gave for that stack (``stack_references``), else
what this package's own program exports under these mocks for a cluster named after the referenced
stack's last path segment (same issuer, account and partition), so a platform stack's offline plan
and a tenant stack's cross-check. Like Pulumi, ``require_output`` of a name the stack does not
export fails with ``KeyError``.

With ``preview=True`` the run is a first ``pulumi preview``: every value only AWS or pulumi-eks
computes (ARNs, ids, generated names, the issuer and its provider ARN, kubeconfig, ``latestVersion``,
``associationArn``) is unknown, inputs the program gave stay known, and ``apply`` callbacks on
unknown values do not run. A ``StackReference`` stays known, as it reads a stack already deployed.
Registrations record an unknown value, at any depth, as :data:`UNKNOWN`. What preview mode cannot
prove: which values a real provider marks unknown beyond these (a provider may know more, e.g. a
name it derives from inputs), or that an update's preview (of a stack already deployed) behaves so.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import inspect
import json
import logging
import re
import runpy
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from google.protobuf import json_format
from pulumi.output import Unknown
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.settings import SETTINGS, get_root_resource, set_root_resource
from pulumi.runtime.sync_await import _sync_await

from .errors import IrsaConfigError
from .iam.names import short_hash
from .iam.partition import partition_for_region

PLACEHOLDER = "0PLACEHOLDER"
"""Prefix of every value only AWS can know (the issuer id), so nobody mistakes it for a real one."""

ASSOCIATED_AT = "2026-01-01 00:00:00 +0000 UTC"
"""An access policy association's ``associatedAt`` under the mocks: a fixed time long past, in the form the AWS
provider writes it (Go's ``time.String``, see :data:`eks_irsa.access.GO_TIME`), so a run parses it as a real
``pulumi up`` would and never waits."""

UNKNOWN = "<unknown>"
"""How a :class:`Registration` or an export records a value unknown in preview mode, at any depth."""

DEFAULT_PROJECT = "eks-irsa"
"""The project name of a program given as a function (no ``Pulumi.yaml`` to read it from)."""


@dataclass(frozen=True)
class Registration:
    """One resource the program registered.

    Attributes:
        type: the Pulumi type token, e.g. ``aws:iam/role:Role``.
        name: the logical name.
        parent: the parent's logical name, or ``None`` for the stack's direct children.
        provider: the explicit provider's logical name, or ``None`` for the default provider.
        protect: whether ``protect`` was set.
        dependencies: logical names of explicit and implicit dependencies, sorted.
        inputs: the resolved inputs; in preview mode a value not known yet is :data:`UNKNOWN`.
        outputs: what the mocks answered (placeholders for values only AWS knows; in preview mode
            the inputs alone, as the SDK resolves every other output as unknown).
        custom: ``True`` for a provider-managed resource, ``False`` for a component.
        ignore_changes: the ``ignore_changes`` property paths, as the engine receives them (camelCase,
            e.g. ``scalingConfig.desiredSize``), sorted.
        retain_on_delete: whether ``retain_on_delete`` was set (deleting leaves the cloud resource).
        delete_before_replace: whether ``delete_before_replace`` was set.
        replace_on_changes: the ``replace_on_changes`` property paths, sorted.
        aliases: the explicit ``aliases``, each an old URN or an alias spec as canonical JSON, sorted.

    The lifecycle options are read from the SDK's ``RegisterResourceRequest``, what the engine would act on.
    """

    type: str
    name: str
    parent: str | None
    provider: str | None
    protect: bool
    dependencies: tuple[str, ...]
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    custom: bool
    ignore_changes: tuple[str, ...] = ()
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    replace_on_changes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class UnexpectedInvokeError(RuntimeError):
    """The program called a provider function the mocks do not fake."""


class EksIrsaMocks(pulumi.runtime.Mocks):
    """Fakes the outputs of pulumi-eks, IAM and EC2 with deterministic, labelled placeholders.

    Args:
        account_id: 12 digits; the account of every ARN. Default: ``123456789012`` (AWS docs' example).
        region: drives the partition and the issuer's host. Default: ``us-west-2``.
        known_invokes: more function tokens to answer, with the answer. ``aws.eks.getCluster`` and
            ``aws.iam.getOpenIdConnectProvider`` (bring-your-own-cluster lookups, and the cluster's creator tag),
            ``aws.eks.getClusters`` (whether the cluster exists yet), ``aws.getCallerIdentity``
            (who runs ``pulumi up``, see ``caller_arn``) and ``aws.eks.getAddonVersion`` (EKS's default version
            of an add-on without pinned versions, a placeholder) are always answered; any other invoke raises.
        stack_references: per referenced stack (``<org>/<project>/<stack>``), the outputs it exports,
            camelCase names as the stack exported them (``{"clusterName": ..., "oidcIssuer": ...}``);
            exactly those: ``{}`` is a stack that exports nothing. A stack not listed exports
            ``clusterName``, ``oidcProviderArn``, ``oidcIssuer`` and ``kubeconfig`` as this program
            would for a cluster named after the stack's last path segment. ``kubeconfig`` is a secret
            output, as the program exports it.
            Default: none listed.
        preview: answer as a first ``pulumi preview`` (computed values unknown); ``run_program``
            configures the SDK's dry run from it. Default: ``False`` (as ``pulumi up``).
        caller_arn: what ``aws.getCallerIdentity`` answers as ``arn``: the identity running ``pulumi up``,
            e.g. ``arn:aws:sts::111122223333:assumed-role/platform-admin/ci``. Default: session
            ``eks-irsa-mocks`` of the placeholder role ``0PLACEHOLDER-deployer`` in ``account_id``, which
            no stack lists as an admin.
        existing_clusters: the EKS clusters the account already has, by name, with their tags, as
            ``aws.eks.getClusters`` and ``aws.eks.getCluster`` answer them: a later ``pulumi up`` of a stack whose
            cluster exists (``{"acme-dev": {"eks-irsa:creator": "arn:aws:iam::111122223333:role/ci"}}``).
            Default: none, as on a stack's first ``pulumi up``.

    The pulumi-eks ``Cluster`` answers ``kubeconfigJson`` (and ``kubeconfig``) shaped as pulumi-eks 4.4.0
    builds its 'without profile' kubeconfig: an ``aws`` exec plugin running ``--region <region> eks
    get-token --cluster-name <name> --output json``, plus ``--role <arn>`` when
    ``providerCredentialOpts.roleArn`` is given (never the profile: pulumi-eks keeps ``--profile`` for its
    own provider; nodejs/eks/cluster/cluster.ts, ``generateKubeconfig``); ``oidcProviderArn`` only with
    ``createOidcProvider``; ``oidcProviderUrl``; ``clusterSecurityGroupId``. ``transforms`` keeps, per
    (type, name), the resource transforms a registration declared (the mock monitor does not run them).
    """

    def __init__(
        self,
        account_id: str = "123456789012",
        region: str = "us-west-2",
        known_invokes: Mapping[str, Callable[[Mapping[str, Any]], dict]] | None = None,
        stack_references: Mapping[str, Mapping[str, Any]] | None = None,
        preview: bool = False,
        caller_arn: str | None = None,
        existing_clusters: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.stack_references = {stack: dict(outputs) for stack, outputs in (stack_references or {}).items()}
        self.existing_clusters = {name: dict(tags) for name, tags in (existing_clusters or {}).items()}
        self.preview = preview
        partition = partition_for_region(region)
        self.partition = partition.name
        self.dns_suffix = partition.dns_suffix
        self.caller_arn = (
            caller_arn or f"arn:{self.partition}:sts::{account_id}:assumed-role/{PLACEHOLDER}-deployer/eks-irsa-mocks"
        )
        self.known_invokes = {
            "aws:eks/getCluster:getCluster": self._get_cluster,
            "aws:eks/getAddonVersion:getAddonVersion": self._get_addon_version,
            "aws:eks/getClusters:getClusters": self._get_clusters,
            "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": self._get_oidc_provider,
            "aws:index/getCallerIdentity:getCallerIdentity": self._get_caller_identity,
            **(known_invokes or {}),
        }
        self.invokes: list[str] = []
        self.inputs: dict[tuple[str, str], dict] = {}
        self.transforms: dict[tuple[str, str], list] = {}
        self.provider_accounts: dict[str, str] = {}
        self._lock = threading.Lock()

    def issuer(self, cluster_name: str) -> str:
        """The placeholder issuer host/path of a cluster: ``oidc.eks.<region>.<dns>/id/0PLACEHOLDER<hash>``."""
        return f"oidc.eks.{self.region}.{self.dns_suffix}/id/{PLACEHOLDER}{short_hash(cluster_name, 20).upper()}"

    def arn(self, service: str, resource: str, region: str = "", account: str | None = None) -> str:
        """A placeholder ARN in the configured partition and account (or the given account)."""
        return f"arn:{self.partition}:{service}:{region}:{account or self.account_id}:{resource}"

    def account_of(self, args: pulumi.runtime.MockResourceArgs) -> str:
        """The account of the explicit AWS provider a resource uses (its ``allowedAccountIds``), else the default."""
        return self.provider_accounts.get((args.provider or "").rsplit("::", 1)[-1], self.account_id)

    def stack_reference_outputs(self, stack: str) -> dict[str, Any]:
        """What the referenced stack exports: the given outputs, else the cluster exports of this program."""
        if stack in self.stack_references:
            return dict(self.stack_references[stack])
        cluster = stack.rsplit("/", 1)[-1]
        issuer = self.issuer(cluster)
        return {
            "clusterName": cluster,
            "oidcIssuer": issuer,
            "oidcProviderArn": self.arn("iam", f"oidc-provider/{issuer}"),
            "kubeconfig": json.dumps(self.kubeconfig(cluster)),
        }

    def kubeconfig(self, cluster_name: str, role_arn: str | None = None) -> dict:
        """pulumi-eks's kubeconfig of a cluster (its 'without profile' form), with a placeholder endpoint and CA."""
        args = ["--region", self.region, "eks", "get-token", "--cluster-name", cluster_name, "--output", "json"]
        return {
            "apiVersion": "v1",
            "clusters": [
                {
                    "cluster": {
                        "server": f"https://{PLACEHOLDER}.gr7.{self.region}.eks.{self.dns_suffix}",
                        "certificate-authority-data": PLACEHOLDER,
                    },
                    "name": "kubernetes",
                }
            ],
            "contexts": [{"context": {"cluster": "kubernetes", "user": "aws"}, "name": "aws"}],
            "current-context": "aws",
            "kind": "Config",
            "users": [
                {
                    "name": "aws",
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": args + (["--role", role_arn] if role_arn else []),
                            "env": [
                                {
                                    "name": "KUBERNETES_EXEC_INFO",
                                    "value": '{"apiVersion": "client.authentication.k8s.io/v1beta1"}',
                                }
                            ],
                        }
                    },
                }
            ],
        }

    def _get_caller_identity(self, args: Mapping[str, Any]) -> dict:
        """``aws.getCallerIdentity``: :attr:`caller_arn`, its account and a placeholder user id."""
        account = self.caller_arn.split(":")[4]
        return {"accountId": account, "arn": self.caller_arn, "userId": f"{PLACEHOLDER}:eks-irsa-mocks", "id": account}

    def _get_clusters(self, args: Mapping[str, Any]) -> dict:
        """``aws.eks.getClusters``: the names of :attr:`existing_clusters`."""
        return {"names": sorted(self.existing_clusters), "id": self.region}

    def _get_cluster(self, args: Mapping[str, Any]) -> dict:
        """``aws.eks.getCluster``: the named cluster with a placeholder issuer, endpoint and CA, and its tags from
        :attr:`existing_clusters` (none for a cluster not listed there)."""
        return {
            "tags": dict(self.existing_clusters.get(args["name"], {})),
            "name": args["name"],
            "arn": self.arn("eks", f"cluster/{args['name']}", self.region),
            "endpoint": f"https://{PLACEHOLDER}.gr7.{self.region}.eks.{self.dns_suffix}",
            "certificateAuthorities": [{"data": PLACEHOLDER}],
            "identities": [{"oidcs": [{"issuer": f"https://{self.issuer(args['name'])}"}]}],
        }

    def _get_addon_version(self, args: Mapping[str, Any]) -> dict:
        """``aws.eks.getAddonVersion``: a placeholder version naming the add-on and the Kubernetes version, as EKS's
        default for it (``mostRecent`` false) or its newest."""
        kind = "newest" if args.get("mostRecent") else "default"
        version = f"{PLACEHOLDER}-{kind}-{args['addonName']}-for-{args['kubernetesVersion']}"
        return {**args, "version": version, "id": args["addonName"]}

    def _get_oidc_provider(self, args: Mapping[str, Any]) -> dict:
        """``aws.iam.getOpenIdConnectProvider``: the provider of the given issuer URL in the mocked account."""
        host = args["url"].removeprefix("https://")
        return {"arn": self.arn("iam", f"oidc-provider/{host}"), "url": host, "clientIdLists": ["sts.amazonaws.com"]}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        """Record the inputs; answer the outputs only AWS or pulumi-eks would know, as placeholders.

        In preview mode the answer is the inputs alone and an empty id, which the SDK resolves as
        unknown; a ``StackReference`` is answered as outside preview.
        """
        with self._lock:
            self.inputs[(args.typ, args.name)] = _mark_unknowns(args.inputs)
            self.transforms[(args.typ, args.name)] = list(args.transforms)
        inputs = dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            outputs = self.stack_reference_outputs(inputs["name"])
            secret = sorted({"kubeconfig"} & outputs.keys())
            return inputs["name"], {**inputs, "outputs": outputs, "secretOutputNames": secret}
        if self.preview:
            return "", inputs
        name = inputs.get("name") or f"{args.name}-{PLACEHOLDER.lower()}"
        if args.typ == "eks:index:Cluster":
            cluster = inputs.get("name", args.name)
            issuer = self.issuer(cluster)
            kubeconfig = self.kubeconfig(cluster, (inputs.get("providerCredentialOpts") or {}).get("roleArn"))
            own_provider = {"oidcProviderArn": self.arn("iam", f"oidc-provider/{issuer}")}
            return f"{args.name}-id", {
                **inputs,
                "oidcIssuer": issuer,
                "oidcProviderUrl": f"https://{issuer}",
                **(own_provider if inputs.get("createOidcProvider") else {}),
                "clusterSecurityGroupId": f"sg-{short_hash(args.name, 17)}",
                "kubeconfigJson": json.dumps(kubeconfig),
                "kubeconfig": kubeconfig,
            }
        if args.typ == "aws:iam/role:Role":
            path = inputs.get("path", "/")
            arn = self.arn("iam", f"role{path}{name}", account=self.account_of(args))
            return name, {**inputs, "name": name, "arn": arn, "uniqueId": PLACEHOLDER}
        if args.typ == "aws:iam/policy:Policy":
            path = inputs.get("path", "/")
            return name, {
                **inputs,
                "name": name,
                "arn": self.arn("iam", f"policy{path}{name}", account=self.account_of(args)),
            }
        if args.typ == "pulumi:providers:aws":
            allowed = inputs.get("allowedAccountIds") or [self.account_id]
            allowed = json.loads(allowed) if isinstance(allowed, str) else allowed
            with self._lock:
                self.provider_accounts[f"{args.name}-id"] = str(allowed[0])
            return f"{args.name}-id", inputs
        if args.typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            arn = self.arn(
                "iam", f"oidc-provider/{inputs['url'].removeprefix('https://')}", account=self.account_of(args)
            )
            return arn, {**inputs, "arn": arn}
        if args.typ == "aws:ec2/launchTemplate:LaunchTemplate":
            return f"lt-{short_hash(args.name, 17)}", {**inputs, "latestVersion": 1}
        if args.typ == "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
            return f"{args.name}-id", {**inputs, "associatedAt": ASSOCIATED_AT}
        if args.typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            outputs = {**inputs, "associationArn": PLACEHOLDER}
            if inputs.get("targetRoleArn"):
                outputs["externalId"] = f"{PLACEHOLDER}-external-id-{short_hash(args.name, 8)}"
            return f"a-{short_hash(args.name, 17)}", outputs
        return f"{args.name}-id", inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]]]:
        """Answer a known invoke; raise :class:`UnexpectedInvokeError` for any other. Every call is counted."""
        with self._lock:
            self.invokes.append(args.token)
        if args.token in self.known_invokes:
            return self.known_invokes[args.token](args.args), []
        raise UnexpectedInvokeError(f"invoke {args.token} is not faked by EksIrsaMocks; this package makes none")


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, plus a record of every registration in order."""

    mocks: EksIrsaMocks

    def __init__(self, mocks: EksIrsaMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request):
        """Register as the SDK's mock monitor does, then record parent, provider, protect and dependencies."""
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        deps = {*request.dependencies}
        for prop in request.propertyDependencies.values():
            deps.update(prop.urns)
        with self._lock:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    parent=_logical_name(request.parent),
                    provider=_logical_name(request.provider.rsplit("::", 1)[0]) if request.provider else None,
                    protect=bool(request.protect),
                    dependencies=tuple(sorted(filter(None, (_logical_name(u) for u in deps)))),
                    inputs=self.mocks.inputs.get((request.type, request.name), {}),
                    outputs=_mark_unknowns(self.resources[response.urn].state)
                    if response.urn in self.resources
                    else {},
                    custom=bool(request.custom),
                    ignore_changes=tuple(sorted(request.ignoreChanges)),
                    retain_on_delete=bool(request.retainOnDelete),
                    delete_before_replace=bool(request.deleteBeforeReplace),
                    replace_on_changes=tuple(sorted(request.replaceOnChanges)),
                    aliases=tuple(sorted([*request.aliasURNs, *(_alias(a) for a in request.aliases)])),
                )
            )
        return response


def _alias(alias: Any) -> str:
    """One alias of a ``RegisterResourceRequest``: its URN, or its spec (name, type, parent, ...) as canonical JSON."""
    if alias.WhichOneof("alias") == "urn":
        return alias.urn
    return json.dumps(json_format.MessageToDict(alias.spec), sort_keys=True, separators=(",", ":"))


def _mark_unknowns(value: Any) -> Any:
    """``value`` with every SDK ``Unknown`` (at any depth of dicts and lists) replaced by :data:`UNKNOWN`."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {key: _mark_unknowns(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mark_unknowns(item) for item in value]
    return value


def _logical_name(urn: str) -> str | None:
    """The logical name of a URN (``urn:pulumi:<stack>::<project>::<type>::<name>``); ``None`` for the stack."""
    parts = urn.split("::")
    if len(parts) < 4 or parts[2] == "pulumi:pulumi:Stack":
        return None
    return parts[-1]


@dataclass(frozen=True)
class OfflineRun:
    """What a program registered and invoked under the mocks, and what it exported."""

    registrations: tuple[Registration, ...]
    invokes: tuple[str, ...]
    mocks: EksIrsaMocks
    exports: Mapping[str, Any] = field(default_factory=dict)
    """The stack outputs (``pulumi.export``) by name, resolved; secrets unwrapped; unknown as :data:`UNKNOWN`."""
    logs: tuple[tuple[str, str], ...] = ()
    """What the program sent to the engine's log (``pulumi.log.warn`` and the like, e.g. ``IrsaRole``'s lint
    warnings), as ``(severity, message)`` in order, severity ``info``, ``warning`` or ``error`` (the SDK's own
    debug messages are dropped). Recorded here, not printed: the SDK's mock engine would write them to
    Python's root logger."""


class _StackFileLoader(yaml.SafeLoader):
    """YAML as the Pulumi CLI reads a stack file: dates stay strings, only ``true``/``false`` are booleans (YAML
    1.1's ``on``, ``off``, ``yes``, ``no``, ``y``, ``n`` stay strings, so a service named ``on`` keeps its name),
    a key written twice is an error. Source: the CLI's YAML library, go-yaml v3 (README: YAML 1.1 booleans are
    booleans only when decoded into a typed bool, otherwise strings), and the YAML 1.2 core schema."""


_BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)\Z")
_StackFileLoader.yaml_implicit_resolvers = {
    first: [
        (tag, _BOOL_1_2 if tag == "tag:yaml.org,2002:bool" else regexp)
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise IrsaConfigError.one(
                f"line {key_node.start_mark.line + 1}",
                key,
                "is a key written twice in one mapping; YAML keeps only the last, silently",
                "YAML 1.2 spec (mapping keys are unique)",
                "merge the two entries (for a new service, add it under the existing eks-irsa:services)",
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StackFileLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def config_from_stack_file(path: Path) -> dict[str, Any]:
    """The ``config:`` map of a ``Pulumi.<stack>.yaml`` file, values as the Pulumi CLI reads them.

    Raises:
        IrsaConfigError: a key written twice in one mapping (the second would silently win); a file that is not
            UTF-8, not a mapping, or whose ``config`` is not a mapping.
        yaml.YAMLError: a file that is not YAML.
    """
    source = "Pulumi docs, 'Pulumi.<stack>.yaml' (a mapping with a config: mapping)"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise IrsaConfigError.one(
            "(stack file)", str(path), f"is not UTF-8 text ({error.reason})", source, "save it as UTF-8"
        ) from None
    document = yaml.load(text, Loader=_StackFileLoader) or {}
    if not isinstance(document, dict):
        raise IrsaConfigError.one(
            "(stack file)", type(document).__name__, "is not a mapping", source, "write config: {key: value, ...}"
        )
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise IrsaConfigError.one("config", config, "is not a mapping", source, "write config: {key: value, ...}")
    return dict(config)


def encode_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Config values as the Pulumi CLI hands them to a program: strings, objects and lists JSON-encoded."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


def run_program(
    program: Path | Callable[[], object],
    config: Mapping[str, Any],
    stack: str,
    project: str | None = None,
    mocks: EksIrsaMocks | None = None,
    preview: bool | None = None,
) -> OfflineRun:
    """Run a Pulumi program offline under :class:`EksIrsaMocks` and record what it registers.

    Args:
        program: a program file (``__main__.py``) or a function that registers resources (a unit test's).
        config: the stack's config, fully qualified keys (``<project>:<key>``, ``aws:region``) as in a
            ``Pulumi.<stack>.yaml``; values that are not strings are passed JSON-encoded, as the Pulumi
            CLI passes them.
        stack: the stack name (``pulumi.get_stack()``).
        project: the project name, which ``pulumi.Config()`` prefixes to its keys. Default: the
            ``name:`` of the ``Pulumi.yaml`` next to the program file or in the nearest folder above
            it (where the Pulumi CLI would find it); :data:`DEFAULT_PROJECT` for a function, and with a
            ``UserWarning`` for a program file with no ``Pulumi.yaml`` above it.
        mocks: Default: one built from ``aws:allowedAccountIds[0]``, ``aws:region`` and ``preview``.
        preview: run as a first ``pulumi preview`` (see the module docstring). Default: the mocks'
            ``preview``, else ``False``.

    Every run has its own event loop and root stack; pending tasks are cancelled and every loop the
    run made is closed, also when the program fails. What the program logs through ``pulumi.log`` is
    recorded in :attr:`OfflineRun.logs`, not printed.

    Raises:
        IrsaConfigError: the program's ``Pulumi.yaml`` has no ``name``; ``preview`` given and
            different from the given mocks' ``preview``.
        whatever the program raises (e.g. ``IrsaConfigError``), after the runtime settles.
    """
    if mocks is None:
        accounts = config.get("aws:allowedAccountIds") or ["123456789012"]
        region = str(config.get("aws:region", "us-west-2"))
        mocks = EksIrsaMocks(account_id=str(accounts[0]), region=region, preview=bool(preview))
    elif preview is not None and preview != mocks.preview:
        raise IrsaConfigError.one(
            "run_program.preview",
            preview,
            f"differs from the given mocks' preview={mocks.preview}",
            "eks_irsa.testing.run_program",
            "pass preview to EksIrsaMocks only, or the same value to both",
        )
    if isinstance(program, Path):
        project = project or _project_name(program)
        root = str(program.parent.resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
        path = str(program)

        def program() -> object:
            return runpy.run_path(path, run_name="__main__")

    monitor = RecordingMonitor(mocks)
    engine_log = _EngineLog()
    # A fresh event loop per run, so runs in one process (tests, benchmarks) never share pending tasks;
    # its worker threads get loops of their own (the SDK's monitor calls need one), closed at the end.
    loop = asyncio.new_event_loop()
    thread_loops: list[asyncio.AbstractEventLoop] = []

    def own_loop() -> None:
        thread_loops.append(asyncio.new_event_loop())
        asyncio.set_event_loop(thread_loops[-1])

    loop.set_default_executor(ThreadPoolExecutor(thread_name_prefix="eks-irsa-mocks", initializer=own_loop))
    asyncio.set_event_loop(loop)
    SETTINGS.outputs.clear()
    set_root_resource(None)  # type: ignore[arg-type]  # the SDK resets its root with None
    pulumi.runtime.set_all_config(encode_config(config))
    pulumi.runtime.set_mocks(
        mocks,
        project=project or DEFAULT_PROJECT,
        stack=stack,
        preview=mocks.preview,
        monitor=monitor,
        logger=engine_log.logger,
    )
    failed = True
    try:
        # The SDK awaits the program's result only when it is awaitable; its annotation is narrower.
        _sync_await(pulumi.runtime.stack.run_pulumi_func(program))  # type: ignore[arg-type]
        stack_resource = get_root_resource()
        if not isinstance(stack_resource, pulumi.runtime.stack.Stack):
            raise RuntimeError("the Pulumi runtime registered no stack for the program")
        exports = _sync_await(rpc.serialize_properties(stack_resource.outputs, {}))
        failed = False
    finally:
        _close_loops(loop, thread_loops, failed)
    return OfflineRun(
        canonical_order(monitor.registrations),
        tuple(mocks.invokes),
        mocks,
        _mark_unknowns(_unwrap_secrets(rpc.deserialize_properties(exports, keep_unknowns=True))),
        tuple(engine_log.records),
    )


class _EngineLog(logging.Handler):
    """The mock engine's log of one run: a logger of its own (no parent, so nothing reaches the root logger
    and its handlers) that keeps every message from ``info`` up as ``(severity, message)``."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, str]] = []
        self.logger = logging.Logger("eks_irsa.testing.engine", logging.INFO)
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname.lower(), record.getMessage()))


def _project_name(program: Path) -> str:
    """The ``name:`` of the ``Pulumi.yaml`` (or ``.yml``) in the program's folder or the nearest one above.

    With none, a warning and :data:`DEFAULT_PROJECT` (copies of the program in a bare folder still run).
    """
    folder = program.resolve().parent
    for candidate in (folder, *folder.parents):
        for file in (candidate / "Pulumi.yaml", candidate / "Pulumi.yml"):
            if file.is_file():
                name = (yaml.safe_load(file.read_text()) or {}).get("name")
                if not isinstance(name, str) or not name:
                    raise IrsaConfigError.one(
                        f"{file}: name", name, "is not a project name", "Pulumi.yaml reference", "set name:"
                    )
                return name
    warnings.warn(
        f"{program} has no Pulumi.yaml in its folder or any folder above (the Pulumi CLI would refuse to run it);"
        f" running it as project {DEFAULT_PROJECT!r}: add a Pulumi.yaml with name: or pass project=",
        UserWarning,
        stacklevel=3,
    )
    return DEFAULT_PROJECT


_ECHOES = frozenset({"Future exception was never retrieved", "Task exception was never retrieved"})
"""What asyncio logs, when collected, of the futures a failed run left failed with its error."""


def _drop_echoes(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """A failed run's exception handler: its error is raised once, not logged again by every future it failed."""
    if context.get("message") not in _ECHOES:
        loop.default_exception_handler(context)


def _close_unstarted_sdk_coroutines() -> None:
    """Close the SDK's coroutines that were made but never started, so none warns "was never awaited" later.

    The SDK builds an ``Output`` from coroutines (value, known, secret) that one task awaits in turn; when
    the first fails or the task is cancelled, the others never start, and Python warns whenever they are
    collected, often during a later test. Once the run's loops are closed none of them can ever run.
    """
    sdk = str(Path(pulumi.__file__).parent)
    for value in gc.get_objects():
        if (
            inspect.iscoroutine(value)
            and inspect.getcoroutinestate(value) == inspect.CORO_CREATED
            and value.cr_code.co_filename.startswith(sdk)
        ):
            value.close()


def _close_loops(loop: asyncio.AbstractEventLoop, thread_loops: list[asyncio.AbstractEventLoop], failed: bool) -> None:
    """Close a run's loop, then its worker threads' loops; forget its root stack and tracked outputs.

    After a failed run, the futures it failed do not log its error again when collected, and the SDK
    coroutines it never started are closed.
    """
    SETTINGS.outputs.clear()
    _close_loop(loop, failed)
    for thread_loop in thread_loops:  # complete only now: closing ``loop`` joined its worker threads
        _close_loop(thread_loop, failed)
    asyncio.set_event_loop(None)
    set_root_resource(None)  # type: ignore[arg-type]  # the SDK resets its root with None
    if failed:
        _close_unstarted_sdk_coroutines()


def _close_loop(loop: asyncio.AbstractEventLoop, failed: bool) -> None:
    """Cancel and await the loop's pending tasks, finish its async generators and executor, and close it."""
    if failed:
        loop.set_exception_handler(_drop_echoes)
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def _unwrap_secrets(value: Any) -> Any:
    """``value`` with every secret wrapper the SDK's deserialiser leaves (at any depth) replaced by its value."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, Mapping):
        return {key: _unwrap_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrap_secrets(item) for item in value]
    return value


def canonical_order(registrations: list[Registration]) -> tuple[Registration, ...]:
    """Registrations in an order a real engine could register them, the same on every run.

    The SDK registers resources from several asyncio tasks, so the arrival order may differ from run
    to run. This order is deterministic: every resource after its parent and its dependencies, and
    among those that are ready, by logical name, then type.
    """
    by_name: dict[str, list[Registration]] = {}
    for r in registrations:
        by_name.setdefault(r.name, []).append(r)
    waiting: dict[int, int] = {}
    dependents: dict[int, list[Registration]] = {}
    for r in registrations:
        needs = {
            id(d) for dep in {*r.dependencies, *filter(None, [r.parent])} for d in by_name.get(dep, ()) if d is not r
        }
        waiting[id(r)] = len(needs)
        for need in needs:
            dependents.setdefault(need, []).append(r)
    ready = [(r.name, r.type, id(r), r) for r in registrations if not waiting[id(r)]]
    heapq.heapify(ready)
    ordered: list[Registration] = []
    while ready:
        *_, r = heapq.heappop(ready)
        ordered.append(r)
        for dependent in dependents.get(id(r), ()):
            waiting[id(dependent)] -= 1
            if not waiting[id(dependent)]:
                heapq.heappush(ready, (dependent.name, dependent.type, id(dependent), dependent))
    return tuple(ordered)
