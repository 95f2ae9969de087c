"""``AccountOidcProvider``: the cluster's IAM OIDC provider in another account, for cross-account IRSA; and which
account a role is created in, as far as it is known before registration (:func:`role_account_problems`)."""

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from .contract.accounts import AccountOidcProviderArgs as AccountOidcProviderArgs
from .contract.accounts import AccountProviderArgs as AccountProviderArgs
from .contract.fields import constructor_doc
from .contract.own import known_account, mark_account
from .errors import IrsaConfigError, Problem
from .iam.arn import ACCOUNT_ID, parse_arn, parse_iam_arn
from .iam.partition import partition_for_region
from .iam.trust import IRSA_DOCS
from .shape import check_shape

ACCOUNT_DOCS = "AWS Account Management Reference Guide, 'AWS account identifiers'"
CLIENT_ID_DOCS = "IAM API Reference, CreateOpenIDConnectProvider (ClientIDList: 1 to 100 ids of 1 to 255 characters)"


def _account_provider(
    name: str, args: "AccountProviderArgs | AccountOidcProviderArgs", parent: pulumi.Resource
) -> aws.Provider:
    """An AWS provider that assumes ``assume_role_arn`` and refuses any account but ``account_id``.

    An explicit provider reads none of the stack's ``aws:`` config (pulumi-aws ``Provider`` falls back to the
    environment for ``region`` only, ``AWS_REGION``), so the stack's profile and role are passed on: the
    profile as ``profile``, the role as the first link of the ``assume_roles`` chain.
    """
    base = args.get("source_credentials") or {}
    chain = [aws.ProviderAssumeRoleArgs(role_arn=base["role_arn"])] if base.get("role_arn") else []
    provider = aws.Provider(
        name,
        region=args["region"],
        profile=base.get("profile_name"),
        allowed_account_ids=[args["account_id"]],
        assume_roles=[*chain, aws.ProviderAssumeRoleArgs(role_arn=args["assume_role_arn"], session_name="eks-irsa")],
        opts=pulumi.ResourceOptions(parent=parent),
    )
    if isinstance(args["account_id"], str):
        mark_account(args["account_id"], provider)
    return provider


def check_account_args(args: object, hint: type) -> list[Problem]:
    """Every rule on :class:`AccountProviderArgs` or :class:`AccountOidcProviderArgs` (``hint``), fields named
    as in them: the shape (:func:`eks_irsa.shape.check_shape`), a 12-digit account, an IAM role ARN in that
    account (the provider refuses any other account, so a role elsewhere fails every call at deploy), a region
    of a partition the role ARN is in (botocore partitions), and 1 to 100 client IDs of 1 to 255 characters."""
    problems = check_shape("", args, hint)
    if problems or not isinstance(args, dict):
        return problems
    account, role, region = args["account_id"], args["assume_role_arn"], args["region"]
    if not all(isinstance(v, str) for v in (account, role, region)):
        return problems
    if not ACCOUNT_ID.fullmatch(account):
        problems.append(Problem("account_id", account, "is not an AWS account ID", ACCOUNT_DOCS, "give the 12 digits"))
    parsed = parse_iam_arn(role, "role")
    if parsed is None:
        problems.append(
            Problem(
                "assume_role_arn",
                role,
                "is not an IAM role ARN",
                "IAM User Guide, 'IAM identifiers'",
                "give arn:<partition>:iam::<account>:role/<name>",
            )
        )
    elif parsed.account != account:
        problems.append(
            Problem(
                "assume_role_arn",
                role,
                f"is a role of account {parsed.account}, but the provider only allows {account}",
                "pulumi-aws provider, allowed_account_ids",
                "give the role Pulumi assumes in account_id's account",
            )
        )
    try:
        partition = partition_for_region(region, "region").name
    except IrsaConfigError as error:
        problems += error.problems
    else:
        if parsed is not None and parsed.partition != partition:
            problems.append(
                Problem(
                    "assume_role_arn",
                    role,
                    f"names partition {parsed.partition!r}, but region {region} is in {partition!r}",
                    "botocore partitions.json",
                    "give a role of the region's partition",
                )
            )
    client_ids = args.get("client_ids", ["sts.amazonaws.com"])
    sizes = [len(c) if isinstance(c, str) else 1 for c in client_ids] if isinstance(client_ids, list) else [1]
    if not 1 <= len(sizes) <= 100 or not all(1 <= size <= 255 for size in sizes):
        problems.append(
            Problem(
                "client_ids",
                client_ids,
                "are not 1 to 100 ids of 1 to 255 characters",
                CLIENT_ID_DOCS,
                "list the audiences",
            )
        )
    return problems


def _raise(component: str, name: str, problems: list[Problem]) -> None:
    if problems:
        raise IrsaConfigError(
            [Problem(f"{component} {name}: {p.field}", p.value, p.rule, p.source, p.fix) for p in problems]
        )


class AccountProvider(pulumi.ComponentResource):
    """An AWS provider for another account, e.g. for the target roles of cross-account Pod Identity
    (``IrsaRoleArgs.target_role.provider``). Child: ``<name>-aws`` (``pulumi:providers:aws``, refusing any
    other account). Attribute ``aws_provider``."""

    def __init__(self, name: str, args: AccountProviderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        _raise("AccountProvider", name, check_account_args(args, AccountProviderArgs))
        super().__init__("eks-irsa:index:AccountProvider", name, None, opts)
        self._aws_provider = _account_provider(f"{name}-aws", args, self)
        self.register_outputs({})

    @property
    def aws_provider(self) -> aws.Provider:
        """The AWS provider of the other account."""
        return self._aws_provider


AccountProvider.__init__.__doc__ = constructor_doc("AccountProvider", AccountProviderArgs)


class AccountOidcProvider(pulumi.ComponentResource):
    """An AWS provider for another account and, in it, an IAM OIDC provider for the cluster's issuer.

    IAM OIDC providers are per account (IAM User Guide, 'Create an OpenID Connect (OIDC) identity
    provider in IAM'), so a role in another account than the cluster's can only trust the cluster
    through a provider of its own account. Children: ``<name>-aws`` (``pulumi:providers:aws``) and
    ``<name>-oidc`` (``aws.iam.OpenIdConnectProvider``; no thumbprint, IAM verifies EKS issuers with
    its own trusted CAs). Outputs: ``provider_arn``; attribute ``aws_provider`` for the roles there.
    """

    provider_arn: pulumi.Output[str]
    """The IAM OIDC provider's ARN in the other account."""

    def __init__(self, name: str, args: AccountOidcProviderArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        _raise("AccountOidcProvider", name, check_account_args(args, AccountOidcProviderArgs))
        super().__init__("eks-irsa:index:AccountOidcProvider", name, None, opts)
        self._aws_provider = _account_provider(f"{name}-aws", args, self)
        provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=pulumi.Output.from_input(args["oidc_issuer"]).apply(lambda issuer: f"https://{issuer}"),
            client_id_lists=sorted(set(args.get("client_ids", ["sts.amazonaws.com"]))),
            # IAM holds one provider per URL, so a replacement with the same URL must delete first.
            opts=pulumi.ResourceOptions(parent=self, provider=self._aws_provider, delete_before_replace=True),
        )
        self.provider_arn = provider.arn
        if isinstance(args["account_id"], str):
            mark_account(args["account_id"], self.provider_arn)
        self.register_outputs({"provider_arn": self.provider_arn})

    @property
    def aws_provider(self) -> aws.Provider:
        """The AWS provider of the other account, for the roles created there."""
        return self._aws_provider


AccountOidcProvider.__init__.__doc__ = constructor_doc("AccountOidcProvider", AccountOidcProviderArgs)


def creating_account(opts: pulumi.ResourceOptions | None) -> tuple[str, str] | None:
    """The account a resource registered with ``opts`` is created in, and how that is known, when it is known
    before registration: an AWS provider in ``opts.provider`` or ``opts.providers`` made by :class:`AccountProvider`
    or :class:`AccountOidcProvider` (it allows that one account); with no AWS provider and no parent, the stack's
    default provider when ``aws:allowedAccountIds`` lists one account. Else ``None``: a ``pulumi_aws.Provider`` made
    elsewhere keeps neither its ``allowed_account_ids`` nor its ``assume_roles`` on the Python object (pulumi-aws
    ``Provider`` outputs only its string settings, as Outputs), so only a provider call through it
    (``sts:GetCallerIdentity``) could tell; a parent may hand down any provider."""
    opts = opts or pulumi.ResourceOptions()
    providers = opts.providers.values() if isinstance(opts.providers, Mapping) else opts.providers or []
    explicit = next((p for p in [opts.provider, *providers] if getattr(p, "package", None) == "aws"), None)
    if explicit is not None:
        account = known_account(explicit)
        return (account, "the AWS provider in opts allows only that account") if account else None
    if opts.parent is not None:
        return None
    allowed = pulumi.Config("aws").get_object("allowedAccountIds")
    if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
        return allowed[0], "the stack's default AWS provider allows only that account (aws:allowedAccountIds)"
    return None


def role_account_problems(args: object, opts: pulumi.ResourceOptions | None) -> list[Problem]:
    """``IrsaRole``'s rule on the account its role is created in, when known before registration (from ``opts``:
    :func:`creating_account`; else ``role_account_id``): ``role_account_id`` is that account, and every OIDC
    provider the role trusts (``oidc_provider_arn``, ``additional_clusters[i].oidc_provider_arn``: a plain ARN, or an
    Output this package made in a known account) is in it, as IAM OIDC providers are per account
    (:data:`~eks_irsa.iam.trust.IRSA_DOCS`); and ``target_role.provider``, when made by :class:`AccountProvider`,
    allows ``target_role.account_id``. A plain ARN against ``role_account_id`` is :func:`eks_irsa.plan.plan_role`'s
    rule, not repeated here."""
    if not isinstance(args, Mapping):
        return []
    where = creating_account(opts)
    given = args.get("role_account_id")
    given = given if isinstance(given, str) and ACCOUNT_ID.fullmatch(given) else None
    problems: list[Problem] = []
    if where is not None and given is not None and given != where[0]:
        problems.append(
            Problem(
                "role_account_id",
                given,
                f"is not the account the role is created in, {where[0]} ({where[1]})",
                "pulumi-aws provider, allowed_account_ids",
                "pass the AWS provider of role_account_id's account in opts, or give that account",
            )
        )
    target = args.get("target_role")
    if isinstance(target, Mapping) and isinstance(target.get("account_id"), str):
        allowed = known_account(target.get("provider"))
        if allowed is not None and allowed != target["account_id"]:
            problems.append(
                Problem(
                    "target_role.provider",
                    f"<AWS provider of account {allowed}>",
                    f"allows only account {allowed}, but the target role is to be created in {target['account_id']}",
                    "pulumi-aws provider, allowed_account_ids",
                    "pass the AWS provider of target_role.account_id's account (AccountProvider)",
                )
            )
    account, how = where if where is not None else (given, "role_account_id")
    if account is None:
        return problems
    clusters = args.get("additional_clusters")
    trusted = [("oidc_provider_arn", args.get("oidc_provider_arn"))] + [
        (f"additional_clusters[{i}].oidc_provider_arn", c.get("oidc_provider_arn"))
        for i, c in enumerate(clusters if isinstance(clusters, list) else [])
        if isinstance(c, Mapping)
    ]
    for field, arn in trusted:
        parsed = parse_arn(arn) if isinstance(arn, str) and given is None else None
        found = parsed.account if parsed is not None else known_account(arn)
        if found is not None and found != account:
            problems.append(
                Problem(
                    field,
                    arn if isinstance(arn, str) else f"<Output of an OIDC provider in account {found}>",
                    f"is in account {found}, but the role is created in account {account} ({how}); IAM OIDC "
                    "providers are per account",
                    IRSA_DOCS,
                    f"trust an OIDC provider of account {account} (AccountOidcProvider), or create the role with the "
                    f"AWS provider of account {found}",
                )
            )
    return problems
