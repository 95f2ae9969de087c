"""The input contract (``eks_irsa.contract``): one declaration of each field, and what is derived from it.

What these tests cannot prove: that an editor shows the catalog schema's descriptions, or that another
language's generated SDK spells the properties as the schema does (that needs the Pulumi CLI).
"""

from __future__ import annotations

import enum
import inspect
import json
import pydoc
import subprocess
import sys
import typing
from typing import Literal

import pytest

import eks_irsa
from eks_irsa.contract import IrsaRoleArgs, ServiceAccountOptions, TrustedCluster
from eks_irsa.contract.catalog import (
    CATALOG_ONLY,
    DEPRECATED_KEYS,
    PROGRAM_FIELDS,
    catalog_keys,
    catalog_schema,
    catalog_schema_json,
)
from eks_irsa.contract.fields import (
    DEPRECATED_NAMES,
    SCHEMA_NAMES,
    camel,
    field_by_schema_name,
    fields,
    nested,
    rename,
    schema_name,
    snake,
)
from eks_irsa.contract.inputs import OrValue
from eks_irsa.provider import schema
from eks_irsa.shape import check_shape
from tests.conftest import PROJECT, ROOT
from tests.test_readme import MYPY_CONFIG

CATALOG_SCHEMA = ROOT / "components" / "eks_irsa" / "catalog" / "schema.json"

COMPONENTS = [
    value
    for value in (getattr(eks_irsa, name) for name in eks_irsa.__all__)
    if inspect.isclass(value) and "args" in inspect.get_annotations(value.__init__)
]
"""Every public component: the classes of ``eks_irsa.__all__`` whose constructor takes Args."""
ARGS = [inspect.get_annotations(component.__init__)["args"] for component in COMPONENTS]
"""Each public component's Args, in the same order."""
CONTRACT = list(dict.fromkeys(cls for args in ARGS for cls in nested(args)))
"""Every contract ``TypedDict``: each component's Args and the ones nested in them."""


def _closed_set(hint: object) -> tuple[type[enum.Enum], bool] | None:
    """The enum a field takes (alone, or as the items of a list: then ``True``), else ``None``."""
    if typing.get_origin(hint) is list:
        found = _closed_set(typing.get_args(hint)[0])
        return (found[0], True) if found else None
    return (hint, False) if inspect.isclass(hint) and issubclass(hint, enum.Enum) else None


ENUM_FIELDS = [
    (cls, item.name, *found) for cls in CONTRACT for item in fields(cls) if (found := _closed_set(item.hint))
]
"""``(TypedDict, field, enum, as a list)`` for every contract field that takes a closed set."""


def test_the_contract_imports_no_pulumi_module():
    code = (
        "import sys, eks_irsa.contract, eks_irsa.contract.catalog, eks_irsa.contract.own, eks_irsa.shape;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_aws', 'pulumi_eks')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_public_args_are_the_contracts_declaration():
    assert eks_irsa.IrsaRoleArgs is IrsaRoleArgs and eks_irsa.TrustedCluster is TrustedCluster
    assert len(ARGS) == 5 and {a.__name__ for a in ARGS} >= {"EksClusterArgs", "AccountOidcProviderArgs"}
    assert [cls.__module__ for cls in CONTRACT if not cls.__module__.startswith("eks_irsa.contract.")] == []
    # The component modules hand on the contract's own classes.
    assert eks_irsa.cluster.EksClusterArgs is eks_irsa.EksClusterArgs
    assert eks_irsa.cluster.NodeGroupArgs is eks_irsa.nodegroup.NodeGroupArgs is eks_irsa.NodeGroupArgs
    assert eks_irsa.existing.ExistingClusterArgs is eks_irsa.ExistingClusterArgs
    assert eks_irsa.access.KubeconfigCredentials is eks_irsa.KubeconfigCredentials


def test_every_optional_field_says_its_default_and_every_field_is_documented():
    missing = [
        f"{cls.__name__}.{item.name}"
        for cls in CONTRACT
        for item in fields(cls)
        if not item.doc.strip() or (not item.required and "Default:" not in item.doc)
    ]
    assert missing == []


def test_a_closed_set_is_the_enum_at_run_time_and_its_literal_must_hold_exactly_its_values():
    assert len(ENUM_FIELDS) >= 6
    assert OrValue[eks_irsa.SupportType, Literal["EXTENDED", "STANDARD"]] is eks_irsa.SupportType
    with pytest.raises(TypeError, match=r"lacks \['STANDARD'\] and has \['STANDART'\]"):
        _ = OrValue[eks_irsa.SupportType, Literal["EXTENDED", "STANDART"]]


@pytest.mark.parametrize(("owner", "name", "closed", "listed"), ENUM_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_the_shape_check_takes_a_closed_sets_plain_values(owner, name, closed, listed):
    hint = next(item.hint for item in fields(owner) if item.name == name)
    for member in closed:
        assert check_shape(name, [member.value] if listed else member.value, hint) == []
    [problem] = check_shape(name, ["not-a-value"] if listed else "not-a-value", hint)
    assert problem.rule == f"is not a {closed.__name__}"


def test_a_type_checker_takes_each_closed_sets_plain_values_and_refuses_others(tmp_path):
    # Per field, one function assigning every value as a plain string (must pass) and one a wrong string (must not).
    lines = [f"from {cls.__module__} import {cls.__name__}" for cls in dict.fromkeys(f[0] for f in ENUM_FIELDS)]
    wrong = []
    for index, (owner, name, closed, listed) in enumerate(ENUM_FIELDS):
        lines.append(f"def accepts_{index}(args: {owner.__name__}) -> None:")
        lines += [f"    args[{name!r}] = {[m.value] if listed else m.value!r}" for m in closed]
        lines.append(f"def refuses_{index}(args: {owner.__name__}) -> None:")
        lines.append(f"    args[{name!r}] = {['not-a-value'] if listed else 'not-a-value'!r}")
        wrong.append(len(lines))
    (tmp_path / "plain_values.py").write_text("\n".join(lines) + "\n")
    (tmp_path / "mypy.ini").write_text(MYPY_CONFIG)
    argv = [sys.executable, "-m", "mypy", "--config-file", str(tmp_path / "mypy.ini"), "--cache-dir", str(tmp_path)]
    run = subprocess.run([*argv, str(tmp_path / "plain_values.py")], cwd=ROOT, capture_output=True, text=True)
    errors = sorted({int(line.split(":")[1]) for line in run.stdout.splitlines() if ": error:" in line})
    assert errors == wrong, run.stdout + run.stderr


def test_help_lists_every_field_with_its_type_schema_name_and_rule():
    text = pydoc.render_doc(IrsaRoleArgs, renderer=pydoc.plaintext)
    for item in fields(IrsaRoleArgs):
        mark = "*" if item.required else ""
        assert f"{item.name}{mark} [{item.schema_name}]:" in text, item.name
    assert "additional_clusters [trustedClusters]: list of TrustedCluster" in text
    assert "max_session_duration [maxSessionDuration]: int" in text
    assert "Seconds, 3,600..43,200 (IAM CreateRole). Default: 3,600." in text
    assert "cluster_name* [clusterName]: str (or an Output)" in text
    assert "identity [identity]: IdentityType (irsa | pod-identity | both)" in text
    options = pydoc.render_doc(ServiceAccountOptions, renderer=pydoc.plaintext)
    assert "automount_token [automountServiceAccountToken]: bool" in options


def test_help_of_the_component_documents_its_constructor_from_the_contract():
    text = pydoc.render_doc(eks_irsa.IrsaRole, renderer=pydoc.plaintext)
    constructor = text[text.index("__init__(self, name") :]
    assert "Create the IrsaRole." in constructor
    assert "subject_pattern [subjectPattern]: str" in constructor
    assert "IrsaConfigError: an input breaks a rule; nothing is registered." in constructor
    assert ":param str t: The type of this resource" not in constructor


@pytest.mark.parametrize("owner", CONTRACT, ids=lambda c: c.__name__)
def test_help_of_every_args_lists_each_of_its_fields(owner):
    text = pydoc.render_doc(owner, renderer=pydoc.plaintext)
    missing = [
        item.name
        for item in fields(owner)
        if f"{item.name}{'*' if item.required else ''} [{item.schema_name}]:" not in text
        or (item.doc.strip() and inspect.cleandoc(item.doc).splitlines()[0] not in text)
    ]
    assert missing == []


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.__name__)
def test_help_of_every_component_lists_its_args_fields_in_the_constructor(component):
    text = pydoc.render_doc(component, renderer=pydoc.plaintext)
    start = text.index("__init__(self, name")
    # The constructor's text, up to the last line of its Raises section (absent from the SDK's generic text).
    constructor = text[start : text.index("IrsaConfigError: an input breaks a rule; nothing is registered.", start)]
    args = inspect.get_annotations(component.__init__)["args"]
    assert f"Create the {component.__name__}." in constructor
    listed = [f" {item.name}{'*' if item.required else ''} [{item.schema_name}]:" for item in fields(args)]
    assert [line for line in listed if line not in constructor] == []
    assert ":param str t: The type of this resource" not in constructor


@pytest.mark.parametrize(
    ("python", "expected"),
    [("role_path", "rolePath"), ("oidc_provider_arn", "oidcProviderArn"), ("namespace", "namespace")],
)
def test_a_schema_name_is_camel_case_by_rule(python, expected):
    assert camel(python) == expected and snake(expected) == python
    assert schema_name(IrsaRoleArgs, python) == expected


def test_the_exceptions_to_the_rule_are_few_and_their_former_names_are_still_read():
    assert len(SCHEMA_NAMES) <= 3
    assert schema_name(IrsaRoleArgs, "additional_clusters") == "trustedClusters"
    assert schema_name(ServiceAccountOptions, "automount_token") == "automountServiceAccountToken"
    for (owner, old), python in DEPRECATED_NAMES.items():
        cls = next(c for c in nested(IrsaRoleArgs) if c.__name__ == owner)
        found = field_by_schema_name(cls, old)
        assert found is not None and found[0].name == python and found[1] is True
    assert field_by_schema_name(IrsaRoleArgs, "trustedClusters")[1] is False
    assert field_by_schema_name(IrsaRoleArgs, "trustedCluster") is None


def test_rename_touches_whole_field_names_only():
    names = {"role_name": "roleName", "additional_clusters": "trustedClusters"}
    assert (
        rename("additional_clusters[0].oidc_issuer and role_name", names)
        == "trustedClusters[0].oidc_issuer and roleName"
    )
    assert rename("my_role_name and role-name", names) == "my_role_name and role-name"


# --- one vocabulary: the catalog and other languages -------------------------------------------------------


def test_the_committed_catalog_schema_is_the_one_the_contract_derives():
    assert CATALOG_SCHEMA.read_text(encoding="utf-8") == catalog_schema_json(), (
        "components/eks_irsa/catalog/schema.json differs from what the contract derives: run `make schema` and commit"
    )
    assert catalog_schema_json() == catalog_schema_json()


def test_a_service_entry_and_the_multi_language_irsa_role_share_their_names():
    service = catalog_schema()["$defs"]["service"]["properties"]
    hosted = schema()["resources"]["eks-irsa:index:IrsaRole"]["inputProperties"]
    options = schema()["types"]["eks-irsa:index:ServiceAccountOptions"]["properties"]
    role_keys = set(service) - set(CATALOG_ONLY) - set(DEPRECATED_KEYS)
    program = {schema_name(IrsaRoleArgs, f) for f in PROGRAM_FIELDS}
    flattened = schema_name(IrsaRoleArgs, "service_account_options")
    assert role_keys == (set(hosted) - program - {flattened}) | set(options)
    assert set(catalog_schema()["$defs"]["trustedCluster"]["properties"]) == set(
        schema()["types"]["eks-irsa:index:TrustedCluster"]["properties"]
    )
    statement = schema()["types"]["eks-irsa:index:PermissionStatement"]["properties"]
    assert set(catalog_schema()["$defs"]["permissionStatement"]["properties"]) == set(statement)


def test_every_catalog_key_of_a_role_field_is_its_schema_name():
    keys = catalog_keys()
    for item in fields(IrsaRoleArgs):
        if item.name not in PROGRAM_FIELDS and item.name != "service_account_options":
            assert keys[item.name] == item.schema_name
    assert keys["target_role.account_id"] == "targetRole.account"


def test_the_catalog_schema_refuses_what_the_contract_refuses():
    import jsonschema

    validator = jsonschema.Draft202012Validator(catalog_schema())
    base = {"aws:region": "us-west-2", "aws:allowedAccountIds": ["111122223333"]}
    cluster = {"eks-irsa:existingCluster": {"name": "acme"}}

    def errors(service: dict) -> list[str]:
        config = {**base, **cluster, "eks-irsa:services": {"orders": service}}
        return sorted(e.validator for e in validator.iter_errors(config))

    assert errors({"namespace": "orders", "statements": [{"actions": ["s3:GetObject"], "resources": ["*"]}]}) == []
    assert errors({"namespace": "orders", "serviceAcount": "x"}) == ["additionalProperties"]
    assert errors({"serviceAccount": "x"}) == ["required"]
    assert errors({"namespace": "orders", "maxSessionDuration": "7200"}) == ["type"]
    assert errors({"namespace": "orders", "identity": "pod"}) == ["enum"]
    one = {"actions": ["s3:GetObject"], "resources": ["*"], "conditions": {"StringEquals": {"aws:a": "b"}}}
    assert errors({"namespace": "orders", "statements": [one]}) == []
    assert errors({"namespace": "orders", "targetRole": {"account": "data"}}) == []
    assert errors({"namespace": "orders", "target": {"account": "data"}}) == []
    assert json.loads(catalog_schema_json())["$defs"]["service"]["properties"]["target"]["deprecated"] is True


def test_the_former_catalog_key_target_still_reads_as_target_role_with_a_warning(dev_config):
    from eks_irsa import load_catalog

    dev_config["eks-irsa:accounts"] = {
        "data": {"accountId": "222233334444", "assumeRoleArn": "arn:aws:iam::222233334444:role/deploy"}
    }
    service = {
        "namespace": "ledger",
        "identity": "pod-identity",
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:${partition}:s3:::ledger/*"]}],
    }
    dev_config["eks-irsa:services"] = {"old": {**service, "target": {"account": "data"}}}
    old = load_catalog(dev_config, PROJECT).plans["old"]
    dev_config["eks-irsa:services"] = {"old": {**service, "targetRole": {"account": "data"}}}
    new = load_catalog(dev_config, PROJECT).plans["old"]
    assert old.target_account_id == new.target_account_id == "222233334444"
    assert old.warnings == (
        "eks-irsa:services.old.target is deprecated; write targetRole (same meaning)",
        *new.warnings,
    )
