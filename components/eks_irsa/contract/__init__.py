"""The input contract of every component, declared once, in plain Python (standard library only).

``IrsaRoleArgs`` and the ``TypedDict`` s nested in it (:mod:`eks_irsa.contract.role`) are the only declaration of
a role's fields: their types, which are required, their docstrings (shape, rule and its source, default) and,
through :mod:`eks_irsa.contract.fields`, the one name the catalog and other languages use for each. Derived
from them: the shape check every path runs (:func:`eks_irsa.shape.check_shape`), the catalog's
``schema.json`` and the multi-language ``provider/schema.json`` (both written by ``make schema``, both
snapshot-tested), and the text ``help()`` shows. The other components' Args are declared the same way, one
module each: :mod:`~eks_irsa.contract.cluster` (with :mod:`~eks_irsa.contract.nodegroup` and
:mod:`~eks_irsa.contract.access`), :mod:`~eks_irsa.contract.existing`, :mod:`~eks_irsa.contract.accounts`; the
closed sets their fields take, and each one's plain values for a type checker, are in
:mod:`~eks_irsa.contract.enums`. The component modules re-export these names.
"""

from .fields import DEPRECATED_NAMES, SCHEMA_NAMES, Field, fields, schema_name
from .role import IrsaRoleArgs, PermissionStatement, ServiceAccountOptions, TargetRole, TrustedCluster

__all__ = [
    "DEPRECATED_NAMES",
    "SCHEMA_NAMES",
    "Field",
    "IrsaRoleArgs",
    "PermissionStatement",
    "ServiceAccountOptions",
    "TargetRole",
    "TrustedCluster",
    "fields",
    "schema_name",
]
