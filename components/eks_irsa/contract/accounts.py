"""``AccountProviderArgs`` and ``AccountOidcProviderArgs``: the one declaration of the inputs of
:class:`~eks_irsa.AccountProvider` and :class:`~eks_irsa.AccountOidcProvider` (an AWS provider, and an IAM OIDC
provider, in another account). :mod:`eks_irsa.accounts` holds the rules on them and re-exports the names.

Pure: standard library only (see :mod:`eks_irsa.contract.inputs`). No ``from __future__ import annotations``.
"""

from typing import NotRequired, TypedDict

from .access import KubeconfigCredentials
from .fields import documented
from .inputs import Input


@documented
class AccountProviderArgs(TypedDict):
    """Inputs of :class:`AccountProvider`."""

    account_id: Input[str]
    """The other account, 12 digits; the AWS provider refuses any other (``allowed_account_ids``). An
    Output is accepted (e.g. an ``aws.organizations.Account`` made in the same program); nothing here
    checks it."""
    assume_role_arn: Input[str]
    """The role Pulumi assumes in that account; an Output is accepted (e.g. a role made in the same program),
    nothing here checks it."""
    region: Input[str]
    """The region of the provider's API calls; an Output is accepted, nothing here checks it."""
    source_credentials: NotRequired[KubeconfigCredentials]
    """The identity that assumes ``assume_role_arn``: give the stack's ``aws:profile`` (``profile_name``) and
    its ``aws:assumeRoles`` role (``role_arn``, assumed first), as for ``EksClusterArgs.kubeconfig_credentials``;
    an explicit provider does not read them from the stack. Default: the ambient credentials."""


@documented
class AccountOidcProviderArgs(TypedDict):
    """Inputs of :class:`AccountOidcProvider`."""

    account_id: Input[str]
    """The other account, 12 digits; the AWS provider refuses any other (``allowed_account_ids``). An
    Output is accepted (e.g. an ``aws.organizations.Account`` made in the same program); nothing here
    checks it."""
    assume_role_arn: Input[str]
    """The role Pulumi assumes in that account; an Output is accepted (e.g. a role made in the same program),
    nothing here checks it."""
    region: Input[str]
    """The region of the provider's API calls (IAM is global; the partition follows the region); an Output
    is accepted, nothing here checks it."""
    oidc_issuer: Input[str]
    """The cluster's issuer host/path; the provider's URL is ``https://`` + it."""
    client_ids: NotRequired[list[str]]
    """The audiences the provider accepts, sorted and de-duplicated here, so plain. Default:
    ``["sts.amazonaws.com"]``."""
    source_credentials: NotRequired[KubeconfigCredentials]
    """The identity that assumes ``assume_role_arn``: give the stack's ``aws:profile`` (``profile_name``) and
    its ``aws:assumeRoles`` role (``role_arn``, assumed first), as for ``EksClusterArgs.kubeconfig_credentials``;
    an explicit provider does not read them from the stack. Default: the ambient credentials."""
