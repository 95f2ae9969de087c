"""A fork's first services: added to the dev stack the README's way, the plan and every property test stay green.

A platform team copies this repository and pastes the README's "Add a service" snippet under
``eks-irsa:services:`` in ``stacks/Pulumi.dev.yaml``. Here that is done to a fork of the project with the
tests' own stacks (the ``project`` fixture, tests/data/README.md); then ``eks-irsa plan`` runs over it and the
property checks of ``tests/test_program.py`` run over the same program and stack. Nothing pins the sample's
counts. The last test changes the user's own ``stacks/`` in a copy of the repository the way a fork does
(the README's service pasted, a service renamed, another removed) and runs the test modules that used to read
them: they stay green, because only the checks that hold for any catalog read the user's stacks.

What mocks cannot prove: that AWS creates the roles or that the pods get credentials; only what the
program registers is checked.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
import yaml

from eks_irsa.cli import plan
from eks_irsa.testing import config_from_stack_file, run_program
from tests.conftest import PROGRAM, PROJECT, ROOT
from tests.test_plan_cli import table_rows
from tests.test_program import ROLE, ROLE_ARN_KEY, SERVICE_ACCOUNT, check_catalog

SECTION = (ROOT / "README.md").read_text().split("## Add a service", 1)[1]
README_SNIPPET = re.search(r"```yaml\n(.*?)```", SECTION, flags=re.DOTALL).group(1)
"""The README's "Add a service" YAML, exactly as a user copies it."""

SECOND_SERVICE = textwrap.indent(
    textwrap.dedent(
        """\
        report-builder:
          namespace: billing
          serviceAccount: report-builder-sa
          statements:
            - actions: [s3:GetObject]
              resources: ["arn:${partition}:s3:::acme-dev-reports/in/*"]
        """
    ),
    "    ",
)
"""A second service in the same namespace as the README's, with its own ServiceAccount name."""


def _service_names(snippet: str) -> list[str]:
    return list(yaml.safe_load(textwrap.dedent(snippet)))


def without_services(config: dict, names: list[str]) -> dict:
    """``config`` with the services ``names`` taken out of ``eks-irsa:services`` (those a test is about to add)."""
    services = {k: v for k, v in config["eks-irsa:services"].items() if k not in names}
    return {**config, "eks-irsa:services": services}


def add_services(project, *snippets: str) -> dict:
    """Paste ``snippets`` under the existing ``eks-irsa:services:`` key of the dev stack, as the README says.

    The stack file is first written back without the services the snippets add,
    so a user who already pasted one of them does not get it twice.
    """
    path = project / "stacks" / "Pulumi.dev.yaml"
    added = [name for snippet in snippets for name in _service_names(snippet)]
    base = without_services(config_from_stack_file(path), added)
    path.write_text(yaml.safe_dump({"config": base}, sort_keys=False, allow_unicode=True))
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "eks-irsa:services:") + 1
    lines[at:at] = [snippet if snippet.endswith("\n") else snippet + "\n" for snippet in snippets]
    path.write_text("".join(lines))
    return config_from_stack_file(path)


def plan_and_check(project, capsys, added: list[str]) -> None:
    """``eks-irsa plan`` exits 0 and lists the added services; the property checks hold for the whole catalog."""
    assert plan.main(["--stack", "dev", "--build-dir", str(project / "build")]) == 0
    rows = table_rows(capsys.readouterr().out)
    config = config_from_stack_file(project / "stacks" / "Pulumi.dev.yaml")
    run = run_program(project / "__main__.py", config, "dev")
    check_catalog(config, run)
    for name in added:
        assert name in rows
        entry = config["eks-irsa:services"][name]
        (role,) = [r for r in run.registrations if r.parent == name and r.type == ROLE]
        (sa,) = [r for r in run.registrations if r.parent == name and r.type == SERVICE_ACCOUNT]
        assert sa.inputs["metadata"]["namespace"] == entry["namespace"]
        assert sa.inputs["metadata"]["name"] == entry.get("serviceAccount", name)
        assert sa.inputs["metadata"]["annotations"][ROLE_ARN_KEY] == role.outputs["arn"]
        written = json.loads((project / "build" / "dev" / "services" / name / "service.json").read_text())
        assert written["roleArn"] == role.outputs["arn"]
        assert written["subjects"] == [f"system:serviceaccount:{entry['namespace']}:{sa.inputs['metadata']['name']}"]
        assert (project / "build" / "dev" / "services" / name / "serviceaccount.yaml").is_file()


def test_the_readme_snippet_is_a_new_service(project):
    (added,) = _service_names(README_SNIPPET)
    before = config_from_stack_file(project / "stacks" / "Pulumi.dev.yaml")["eks-irsa:services"]
    before.pop(added, None)
    after = add_services(project, README_SNIPPET)["eks-irsa:services"]
    assert set(after) - set(before) == {added}
    assert {name: after[name] for name in before} == before


def test_a_first_added_service_gets_its_role_and_service_account(project, capsys):
    add_services(project, README_SNIPPET)
    plan_and_check(project, capsys, _service_names(README_SNIPPET))


def test_a_second_added_service_keeps_everything_green(project, capsys):
    add_services(project, README_SNIPPET, SECOND_SERVICE)
    added = _service_names(README_SNIPPET) + _service_names(SECOND_SERVICE)
    assert len(set(added)) == 2
    plan_and_check(project, capsys, added)


# The checks themselves: each catches the fault it is there for, so a green run above means something.


@pytest.fixture(scope="module")
def dev_run():
    """The tests' dev stack without the README's service, and its run."""
    config = without_services(
        config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml"), _service_names(README_SNIPPET)
    )
    return config, run_program(PROGRAM, config, "dev")


def _replaced(run, name: str, **changes):
    registrations = tuple(dataclasses.replace(r, **changes) if r.name == name else r for r in run.registrations)
    assert registrations != run.registrations
    return dataclasses.replace(run, registrations=registrations)


def _service_account(run):
    return next(r for r in run.registrations if r.type == SERVICE_ACCOUNT)


def test_the_checks_pass_on_the_unchanged_dev_stack(dev_run):
    check_catalog(*dev_run)


def test_the_checks_catch_a_service_in_the_catalog_with_nothing_registered(dev_run):
    config, run = dev_run
    grown = {**config, "eks-irsa:services": {**config["eks-irsa:services"], **yaml.safe_load(README_SNIPPET)}}
    with pytest.raises(AssertionError):
        check_catalog(grown, run)


def test_the_checks_catch_an_annotation_naming_another_role(dev_run):
    config, run = dev_run
    sa = _service_account(run)
    other = next(r for r in run.registrations if r.type == ROLE and r.parent != sa.parent)
    metadata = {**sa.inputs["metadata"], "annotations": {ROLE_ARN_KEY: other.outputs["arn"]}}
    with pytest.raises(AssertionError):
        check_catalog(config, _replaced(run, sa.name, inputs={**sa.inputs, "metadata": metadata}))


def test_the_checks_catch_a_trust_for_an_account_that_was_not_created(dev_run):
    config, run = dev_run
    sa = _service_account(run)
    metadata = {**sa.inputs["metadata"], "name": "someone-else"}
    with pytest.raises(AssertionError):
        check_catalog(config, _replaced(run, sa.name, inputs={**sa.inputs, "metadata": metadata}))


def test_the_checks_catch_a_kubernetes_resource_on_the_default_provider(dev_run):
    config, run = dev_run
    with pytest.raises(AssertionError):
        check_catalog(config, _replaced(run, _service_account(run).name, provider=None))


def test_the_checks_catch_a_role_outside_its_component(dev_run):
    config, run = dev_run
    role = next(r for r in run.registrations if r.type == ROLE and r.parent in config["eks-irsa:services"])
    with pytest.raises(AssertionError):
        check_catalog(config, _replaced(run, role.name, parent=None))


def test_the_checks_catch_a_role_that_waits_for_a_node_group(dev_run):
    config, run = dev_run
    role = next(r for r in run.registrations if r.type == ROLE and r.parent in config["eks-irsa:services"])
    group = next(r for r in run.registrations if r.type == "aws:eks/nodeGroup:NodeGroup")
    with pytest.raises(AssertionError):
        check_catalog(config, _replaced(run, role.name, dependencies=(*role.dependencies, group.name)))


STACK_TESTS = ("tests/test_stack_files.py", "tests/test_plan_cli.py", "tests/test_program.py", "tests/test_settings.py")
"""Modules that read the dev stack and name its services (before tests/data/ they read the user's), and
test_program's check of each of the user's stacks. This module's own snippet tests read the tests' stacks."""


def _edit_stack(path, change) -> None:
    document = yaml.safe_load(path.read_text())
    change(document["config"]["eks-irsa:services"])
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


def test_the_stack_tests_stay_green_when_the_user_edits_their_stacks(tmp_path):
    """The failure a user met: the README's service in their own dev stack, then ``make test``; and the same
    for a service renamed in dev and one removed from staging."""
    copy = tmp_path / "repository"
    caches = (".hypothesis", ".mypy_cache", ".ruff_cache", "__pycache__")
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", *caches))
    stacks = copy / "stacks"
    renamed = sorted(config_from_stack_file(stacks / "Pulumi.dev.yaml")["eks-irsa:services"])[0]
    _edit_stack(stacks / "Pulumi.dev.yaml", lambda s: s.update({f"{renamed}-v2": s.pop(renamed)}))
    removed = sorted(config_from_stack_file(stacks / "Pulumi.staging.yaml")["eks-irsa:services"])[0]
    _edit_stack(stacks / "Pulumi.staging.yaml", lambda s: s.pop(removed))
    (added,) = _service_names(README_SNIPPET)
    add_services(copy, README_SNIPPET)
    services = config_from_stack_file(stacks / "Pulumi.dev.yaml")["eks-irsa:services"]
    assert {added, f"{renamed}-v2"} <= set(services) and renamed not in services
    assert removed not in config_from_stack_file(stacks / "Pulumi.staging.yaml")["eks-irsa:services"]
    selection = [*STACK_TESTS, "-k", "dev or user or not test_program"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", *selection], cwd=copy, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "passed" in run.stdout.splitlines()[-1]
