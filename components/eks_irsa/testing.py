"""A Pulumi mock monitor that knows what pulumi-eks and AWS return, for our tests and for yours.

``EksIrsaMocks`` answers every registration with labelled placeholders built from the stack's
account, partition and region: the OIDC issuer id is ``0PLACEHOLDER...``, ARNs carry the configured
account. ``RecordingMonitor`` keeps every registration (type, logical name, parent, provider,
protect, dependencies, resolved inputs) in registration order. ``run_program`` runs a Pulumi program
file offline under both and returns that record.

What mocks cannot prove: that AWS or Kubernetes accept the inputs, that pulumi-eks's own children
(its OIDC provider, security groups) look as documented (a remote component's children are created
by its provider, which does not run here), and anything about ordering on a real deploy beyond the
dependencies recorded. An invoke (provider function call) other than the two lookups of a
bring-your-own cluster raises: the package makes none per service. A ``StackReference`` answers
placeholder exports whose cluster name is the referenced stack's last path segment.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import runpy
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.sync_await import _sync_await

from .errors import IrsaConfigError
from .iam.names import short_hash
from .iam.partition import partition_for_region

PLACEHOLDER = "0PLACEHOLDER"
"""Prefix of every value only AWS can know (the issuer id), so nobody mistakes it for a real one."""


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
        inputs: the resolved inputs.
        outputs: what the mocks answered (placeholders for values only AWS knows).
        custom: ``True`` for a provider-managed resource, ``False`` for a component.
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


class UnexpectedInvokeError(RuntimeError):
    """The program called a provider function the mocks do not fake."""


class EksIrsaMocks(pulumi.runtime.Mocks):
    """Fakes the outputs of pulumi-eks, IAM and EC2 with deterministic, labelled placeholders.

    Args:
        account_id: 12 digits; the account of every ARN. Default: ``123456789012`` (AWS docs' example).
        region: drives the partition and the issuer's host. Default: ``us-west-2``.
        known_invokes: more function tokens to answer, with the answer. ``aws.eks.getCluster`` and
            ``aws.iam.getOpenIdConnectProvider`` are always answered (bring-your-own-cluster lookups);
            any other invoke raises.
    """

    def __init__(
        self,
        account_id: str = "123456789012",
        region: str = "us-west-2",
        known_invokes: Mapping[str, Callable[[Mapping[str, Any]], dict]] | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        partition = partition_for_region(region)
        self.partition = partition.name
        self.dns_suffix = partition.dns_suffix
        self.known_invokes = {
            "aws:eks/getCluster:getCluster": self._get_cluster,
            "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": self._get_oidc_provider,
            **(known_invokes or {}),
        }
        self.invokes: list[str] = []
        self.inputs: dict[tuple[str, str], dict] = {}
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

    def _get_cluster(self, args: Mapping[str, Any]) -> dict:
        """``aws.eks.getCluster``: the named cluster with a placeholder issuer, endpoint and CA."""
        return {
            "name": args["name"],
            "arn": self.arn("eks", f"cluster/{args['name']}", self.region),
            "endpoint": f"https://{PLACEHOLDER}.gr7.{self.region}.eks.{self.dns_suffix}",
            "certificateAuthorities": [{"data": PLACEHOLDER}],
            "identities": [{"oidcs": [{"issuer": f"https://{self.issuer(args['name'])}"}]}],
        }

    def _get_oidc_provider(self, args: Mapping[str, Any]) -> dict:
        """``aws.iam.getOpenIdConnectProvider``: the provider of the given issuer URL in the mocked account."""
        host = args["url"].removeprefix("https://")
        return {"arn": self.arn("iam", f"oidc-provider/{host}"), "url": host, "clientIdLists": ["sts.amazonaws.com"]}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        """Record the inputs; answer the outputs only AWS or pulumi-eks would know, as placeholders."""
        with self._lock:
            self.inputs[(args.typ, args.name)] = args.inputs
        inputs = dict(args.inputs)
        name = inputs.get("name") or f"{args.name}-{PLACEHOLDER.lower()}"
        if args.typ == "eks:index:Cluster":
            issuer = self.issuer(inputs.get("name", args.name))
            kubeconfig = json.dumps({"apiVersion": "v1", "kind": "Config", "clusters": [], "placeholder": True})
            return f"{args.name}-id", {
                **inputs,
                "oidcIssuer": issuer,
                "oidcProviderArn": self.arn("iam", f"oidc-provider/{issuer}"),
                "kubeconfigJson": kubeconfig,
                "kubeconfig": json.loads(kubeconfig),
            }
        if args.typ == "pulumi:pulumi:StackReference":
            cluster = inputs["name"].rsplit("/", 1)[-1]
            issuer = self.issuer(cluster)
            outputs = {
                "clusterName": cluster,
                "oidcIssuer": issuer,
                "oidcProviderArn": self.arn("iam", f"oidc-provider/{issuer}"),
                "kubeconfig": json.dumps({"apiVersion": "v1", "kind": "Config", "placeholder": True}),
            }
            return inputs["name"], {**inputs, "outputs": outputs, "secretOutputNames": []}
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
        if args.typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            return f"a-{short_hash(args.name, 17)}", {**inputs, "associationArn": PLACEHOLDER}
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
                    outputs=self.resources[response.urn].state if response.urn in self.resources else {},
                    custom=bool(request.custom),
                )
            )
        return response


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


class _StackFileLoader(yaml.SafeLoader):
    """YAML as the Pulumi CLI reads a stack file: dates stay strings, a key written twice is an error."""


_StackFileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
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
        IrsaConfigError: a key written twice in one mapping (the second would silently win).
    """
    document = yaml.load(path.read_text(), Loader=_StackFileLoader) or {}
    return dict(document.get("config") or {})


def encode_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Config values as the Pulumi CLI hands them to a program: strings, objects and lists JSON-encoded."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}


def run_program(
    program: Path | Callable[[], object],
    config: Mapping[str, Any],
    stack: str,
    project: str = "eks-irsa",
    mocks: EksIrsaMocks | None = None,
) -> OfflineRun:
    """Run a Pulumi program offline under :class:`EksIrsaMocks` and record what it registers.

    ``program`` is a program file (``__main__.py``) or a function that registers resources (a unit test's).

    Config values that are not strings are passed JSON-encoded, as the Pulumi CLI passes them.
    ``mocks`` defaults to one built from ``aws:allowedAccountIds[0]`` and ``aws:region``.

    Raises:
        whatever the program raises (e.g. ``IrsaConfigError``), after the runtime settles.
    """
    if mocks is None:
        accounts = config.get("aws:allowedAccountIds") or ["123456789012"]
        mocks = EksIrsaMocks(account_id=str(accounts[0]), region=str(config.get("aws:region", "us-west-2")))
    monitor = RecordingMonitor(mocks)
    # A fresh event loop per run, so runs in one process (tests, benchmarks) never share pending tasks.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_all_config(encode_config(config))
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    if isinstance(program, Path):
        root = str(program.parent.resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
        path = str(program)

        def program() -> object:
            return runpy.run_path(path, run_name="__main__")

    try:
        _sync_await(pulumi.runtime.stack.run_pulumi_func(program))
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
    return OfflineRun(canonical_order(monitor.registrations), tuple(mocks.invokes), mocks)


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
