"""The add-on spec machinery: scoping parameters, their validation, and :class:`AddonSpec`.

Each add-on module (``addons/<name>.py``) declares one :class:`AddonSpec` beside its builder;
``addons/__init__.py`` assembles them into :data:`eks_irsa.addons.ADDONS`. Sources of the value
rules are cited on each ``check_*`` in :mod:`eks_irsa.addons.scopes`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ..errors import IrsaConfigError, Problem
from ..iam.policy import PolicyStatement
from .scopes import AddonContext, check_context

CATALOG = "this package's add-on catalog (eks_irsa.addons)"
"""The source named by problems whose rule is the add-on catalog itself (unknown add-on or parameter)."""


class ParamType(StrEnum):
    """The YAML shape a parameter takes."""

    STRING = "string"
    STRING_LIST = "list of strings"
    BOOLEAN = "boolean"


ItemCheck = Callable[[str, str, AddonContext], list[Problem]]
"""Checks one string value: ``(field path, value, context) -> problems``."""


@dataclass(frozen=True)
class AddonParameter:
    """One scoping input of an add-on.

    Attributes:
        name: the camelCase key in the catalog's ``addon`` mapping, e.g. ``hostedZoneIds``.
        type: :class:`ParamType`; a list is never empty when given.
        required: whether the add-on refuses to build without it. See also ``AddonSpec.one_of``.
        description: what it scopes, and the default when not required.
        check: validation of each string (a list's every item), or ``None``.
    """

    name: str
    type: ParamType
    required: bool
    description: str
    check: ItemCheck | None = None


@dataclass(frozen=True)
class EksAddon:
    """The add-on is an EKS managed add-on: the program installs it (``aws.eks.Addon``, after the node groups)
    and hands it the service's role (EKS User Guide, 'Amazon EKS add-ons'; 'AWS add-ons' lists the names).

    Attributes:
        name: the EKS add-on name for ``CreateAddon``, e.g. ``aws-ebs-csi-driver``; its version comes from its
            row of :data:`eks_irsa.versions.ADDON_VERSIONS` (a stack's ``addon_versions`` wins).
    """

    name: str


@dataclass(frozen=True)
class HelmChart:
    """The add-on is installed with a Helm chart, outside this package; these values bind the ServiceAccount
    this package creates (the chart must not create its own).

    Attributes:
        chart: repository and chart, e.g. ``eks/aws-load-balancer-controller`` (https://aws.github.io/eks-charts).
        values: the chart values, dotted keys, e.g. ``{"serviceAccount.create": "false"}``; ``<cluster>``,
            ``<region>`` and ``<vpc-id>`` are the stack's (exports ``clusterName``, ``region``, ``vpcId``).
    """

    chart: str
    values: tuple[tuple[str, str], ...]


Builder = Callable[[Mapping[str, object], AddonContext], list[PolicyStatement]]
"""Turns validated parameters and the context into the add-on's statements (each add-on module's ``_build``)."""


@dataclass(frozen=True)
class AddonSpec:
    """A ready-made, scoped permission set for one add-on.

    Attributes:
        name: the short name, e.g. ``external-dns``.
        title: the add-on's usual name.
        namespace: the namespace its ServiceAccount normally lives in.
        service_account: the ServiceAccount name it normally uses.
        source: where the published policy comes from (repository, path, commit) or the AWS managed
            policy it follows.
        tighter: in words, where these statements are narrower than the published policy.
        parameters: the scoping inputs, see :class:`AddonParameter`.
        one_of: parameter names of which at least one must be given (external-secrets). Default: none.
        build: ``(validated params, context) -> statements``; use :meth:`statements`, which validates.
        installed_by: :class:`EksAddon` (the program installs it) or :class:`HelmChart` (the user does,
            with the values given).
        kubernetes_api: the add-on is a controller that talks to the Kubernetes API, so its ServiceAccount
            mounts the API token (``automountServiceAccountToken: true``) unless the catalog says otherwise;
            plain workloads keep ``false``. Default: ``True``: every add-on here is such a controller.
        reaches: why the controller needs what its statements reach, naming each risk category of
            :mod:`eks_irsa.iam.risk` they reach and why an ARN's account is ``*`` where one is; added to each
            statement's justification by :meth:`statements` (the permissions judgement reads it there).
            Default: none (the statements reach no category).
    """

    name: str
    title: str
    namespace: str
    service_account: str
    source: str
    tighter: str
    parameters: tuple[AddonParameter, ...]
    build: Builder = field(repr=False)
    installed_by: EksAddon | HelmChart
    one_of: tuple[str, ...] = ()
    kubernetes_api: bool = True
    reaches: str = ""

    def parameter(self, name: str) -> AddonParameter | None:
        """The parameter called ``name``, or ``None``."""
        return next((p for p in self.parameters if p.name == name), None)

    def check(self, params: Mapping[str, object], context: AddonContext, field_path: str = "addon") -> list[Problem]:
        """Every problem with ``params``: unknown keys, missing required ones, wrong types, bad values."""
        problems: list[Problem] = []
        known = [p.name for p in self.parameters]
        for key in params:
            if key == "name":
                continue
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                problems.append(
                    Problem(
                        f"{field_path}.{key}",
                        params[key],
                        f"is not a parameter of add-on {self.name!r}",
                        CATALOG,
                        (f"did you mean {close[0]!r}? " if close else "")
                        + (f"{self.name} takes {', '.join(known)}" if known else f"{self.name} takes no parameters"),
                    )
                )
        if "name" in params and params["name"] != self.name:
            problems.append(
                Problem(
                    f"{field_path}.name",
                    params["name"],
                    f"differs from the add-on being built ({self.name!r})",
                    CATALOG,
                    "pass the same name, or leave 'name' out of the parameters",
                )
            )
        for parameter in self.parameters:
            where = f"{field_path}.{parameter.name}"
            if parameter.name not in params or params[parameter.name] is None:
                if parameter.required:
                    problems.append(
                        Problem(
                            where,
                            None,
                            f"is missing; add-on {self.name!r} needs it ({parameter.description})",
                            CATALOG,
                            f"add {parameter.name} ({parameter.type}) under the add-on",
                        )
                    )
                continue
            problems += _check_value(where, params[parameter.name], parameter, context)
        if self.one_of and not any(params.get(name) is not None for name in self.one_of):
            problems.append(
                Problem(
                    f"{field_path}.{self.one_of[0]}",
                    None,
                    f"is missing; add-on {self.name!r} needs at least one of {', '.join(self.one_of)}",
                    CATALOG,
                    f"name what it may read: {' and/or '.join(self.one_of)}",
                )
            )
        return problems

    def statements(
        self, params: Mapping[str, object], context: AddonContext, field_path: str = "addon"
    ) -> list[PolicyStatement]:
        """The add-on's permission statements for ``params`` in ``context``.

        Raises:
            IrsaConfigError: every problem with the context and the parameters, at once.
        """
        problems = check_context(context) + self.check(params, context, field_path)
        if problems:
            raise IrsaConfigError(problems)
        built = self.build(params, context)
        if not self.reaches:
            return built
        return [
            replace(s, justification=f"{s.justification} {self.reaches}" if s.justification else self.reaches)
            for s in built
        ]


def _check_value(where: str, value: object, parameter: AddonParameter, context: AddonContext) -> list[Problem]:
    if parameter.type is ParamType.BOOLEAN:
        if not isinstance(value, bool):
            return [Problem(where, value, "is not a boolean", CATALOG, "write true or false")]
        return []
    if parameter.type is ParamType.STRING:
        if not isinstance(value, str) or not value:
            return [Problem(where, value, "is not a non-empty string", CATALOG, f"give one {parameter.name}")]
        return parameter.check(where, value, context) if parameter.check else []
    if isinstance(value, str):
        return [
            Problem(where, value, "is a single string; this parameter is a list", CATALOG, f"write it as [{value}]")
        ]
    if not isinstance(value, Sequence) or not value:
        return [Problem(where, value, "is not a non-empty list of strings", CATALOG, "give at least one value")]
    problems: list[Problem] = []
    for index, item in enumerate(value):
        item_where = f"{where}[{index}]"
        if not isinstance(item, str) or not item:
            problems.append(Problem(item_where, item, "is not a non-empty string", CATALOG, "quote the value"))
        elif parameter.check:
            problems += parameter.check(item_where, item, context)
    return problems
