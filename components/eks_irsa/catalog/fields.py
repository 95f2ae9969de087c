"""The one table catalog key <-> ``IrsaRoleArgs`` field (and ``EksClusterArgs`` field <-> ``eks-irsa:cluster``
key), and the translation of ``plan_role``'s and ``check_cluster_args``'s problems into catalog words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..contract.catalog import PROGRAM_FIELDS, catalog_keys, cluster_keys
from ..contract.fields import fields, rename
from ..contract.role import ServiceAccountOptions
from ..errors import Problem
from .settings import ServiceSettings

CLUSTER_KEYS: Mapping[str, str] = cluster_keys()
"""``EksClusterArgs`` (and ``NodeGroupArgs``) field -> ``eks-irsa:cluster`` key, derived from the contract
(:func:`eks_irsa.contract.catalog.cluster_keys`), for problems of :func:`eks_irsa.plan.cluster.check_cluster_args`."""


def cluster_key(text: str) -> str:
    """Every ``EksClusterArgs`` field name in ``text`` replaced by its ``eks-irsa:cluster`` key (longest first):
    ``node_groups.general.imds_hop_limit`` -> ``nodeGroups.general.imdsHopLimit``."""
    return rename(text, CLUSTER_KEYS)


FIELDS: Mapping[str, str] = {**catalog_keys(), "role_account_id": "account", "target_role": "targetRole"}
"""The one table, derived from the contract (:func:`eks_irsa.contract.catalog.catalog_keys`: each field's schema
name, the ``ServiceAccountOptions`` flat): ``IrsaRoleArgs`` field -> catalog key. :func:`_service` reads the catalog
through it and :func:`catalog_problem` translates problem paths and fixes back through it. ``account`` and
``targetRole.account`` name an ``eks-irsa:accounts`` entry, whose id the program passes as ``role_account_id`` and
``target_role.account_id``."""

SERVICE_ACCOUNT_OPTIONS = tuple(item.name for item in fields(ServiceAccountOptions))
"""The ``IrsaRoleArgs.service_account_options`` fields, written flat in a catalog entry."""

CLUSTER_FIELDS: Mapping[str, str] = {
    **{field: where for field, where in PROGRAM_FIELDS.items() if field != "role_account_id"},
    "trust_policy": "trust policy",
}
"""``IrsaRoleArgs`` fields the program fills from stack-wide settings, and where a user changes them."""


def catalog_problem(service: ServiceSettings, problem: Problem) -> Problem:
    """A problem of ``plan_role`` (``IrsaRoleArgs`` vocabulary) in the catalog's words.

    ``statements[3].resources`` becomes the path the statement came from (``policyFiles[0].Statement[2]``),
    ``additional_clusters[0].oidc_provider_arn`` becomes ``trustedClusters[0].oidcProviderArn``,
    ``service_account_options.token_expiration`` becomes ``tokenExpiration``, the component's ``name`` the
    service key; the fix's field names follow.
    """
    path = problem.field
    match = re.match(r"^statements\[(\d+)\](.*)$", path)
    if path == "name":
        field_path = "eks-irsa:services (a service key)"
    elif match and int(match.group(1)) < len(service.statement_fields):
        head, rest = service.statement_fields[int(match.group(1))], match.group(2)
        if not head.endswith("]"):
            rest = ""  # an add-on's statement: the add-on is what the user wrote
        field_path = f"eks-irsa:services.{service.name}.{head}{_rename(rest)}"
    elif (head := re.split(r"[.\[]", path)[0]) in CLUSTER_FIELDS:
        field_path = f"{CLUSTER_FIELDS[head]} (eks-irsa:services.{service.name})"
    else:
        rest = _rename(re.sub(r"^service_account_options\.?", "", path))
        field_path = ".".join(filter(None, [f"eks-irsa:services.{service.name}", rest]))
    return Problem(field_path, problem.value, problem.rule, problem.source, _rename(problem.fix))


def _rename(text: str) -> str:
    """Every ``IrsaRoleArgs`` field name in ``text`` replaced by its catalog key (longest names first)."""
    text = text.replace("service_account_options.", "")
    for arg in sorted(FIELDS, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){arg}(?![\w-])", FIELDS[arg], text)
    return text
