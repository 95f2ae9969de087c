"""Shared fixtures: the stack files and an offline runner of the real program."""

from __future__ import annotations

import copy
import gc
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from eks_irsa import IrsaConfigError
from eks_irsa.cli import plan
from eks_irsa.testing import OfflineRun, config_from_stack_file, run_program

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "tests" / "data" / "project"
"""The tests' own reference project: their copy of the shipped stacks and of the policy file they name, and
links to the real program and ``Pulumi.yaml`` (tests/data/README.md). The user's ``stacks/`` and ``policies/``
are theirs to edit."""
PROGRAM = PROJECT / "__main__.py"
"""The real program, reached through the link in :data:`PROJECT`, so it reads the tests' policy files."""
STACK_FILES = sorted((PROJECT / "stacks").glob("Pulumi.*.yaml"))
"""The tests' stack files: what a test that pins a service's or a stack's behaviour reads."""
USER_STACK_FILES = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
"""The user's stack files, as they are now: only for checks that hold for any catalog (it plans, it lints)."""
FIXTURES = ROOT.parent / "shared" / "fixtures" / "policies"


def cluster_args(**changes) -> dict:
    """The fewest ``EksClusterArgs`` a direct caller gives (a private endpoint reached from one CIDR, one node
    group), fresh on every call so a test may change it, with ``changes`` on top."""
    return {
        "cluster_name": "acme",
        "partition": "aws",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "private_subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        "private_access_cidrs": ["10.255.0.0/20"],
        "node_groups": [{"name": "general", "instance_types": ["m6i.large"]}],
        **changes,
    }


@pytest.fixture
def dev_config() -> dict:
    """A fresh copy of the tests' dev stack config (:data:`PROJECT`), safe to mutate."""
    return copy.deepcopy(config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fork of the Pulumi project in ``tmp_path``: the repository's ``Pulumi.yaml`` and program with the
    tests' stacks and policies (:data:`PROJECT`), and ``eks-irsa plan`` reading the copy, so tests can edit
    stacks freely."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("stacks", "policies"):
        shutil.copytree(PROJECT / name, tmp_path / name)
    monkeypatch.setattr(plan, "ROOT", tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def _botocore_loader():
    """One botocore loader for the test session (one per pytest-xdist worker)."""
    import botocore.loaders

    return botocore.loaders.create_loader()


@pytest.fixture
def moto_speedups(monkeypatch: pytest.MonkeyPatch, _botocore_loader) -> None:
    """What moto and botocore would otherwise redo in every test, done once: every botocore session reads
    AWS's service models (JSON, ~4 MB for EC2) through one loader per test session instead of parsing them
    again (about a second per test), and moto's EC2 starts without its default AMIs, made in every region (none of our
    commands reads an image). Ask for it before ``mock_aws()`` starts."""
    import botocore.session

    monkeypatch.setattr(botocore.session, "create_loader", lambda data_path=None: _botocore_loader)
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def raised_problems(run: Callable[[Callable[[], None]], object], build: Callable[[], None]) -> list[str]:
    """The problem texts a caller gets from ``build`` run by ``run`` (a ``run_program`` wrapper): an
    ``IrsaConfigError`` the constructor raises for a plain value, or one raised inside an ``apply`` for an
    Output, which reaches the run as the cause of the SDK's 'While processing resource' errors."""
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            build()
        except IrsaConfigError as error:
            errors.append(error)

    try:
        run(guarded)
    except ValueError as error:
        errors.append(error)
    [error] = errors
    while not isinstance(error, IrsaConfigError) and (error.__cause__ or error.__context__):
        error = error.__cause__ or error.__context__
    assert isinstance(error, IrsaConfigError)
    return [str(p) for p in error.problems]


class StackPlans:
    """The program over each of the tests' stack files (:data:`STACK_FILES`), planned once per test session
    (once per worker under pytest-xdist) and shared by the modules that only read the result.

    ``plan(stack)`` is ``eks-irsa plan``'s own ``write_plan`` into :attr:`build` (``build/<stack>/...``),
    giving ``(run, files, settings)``; ``preview(stack)`` is a first ``pulumi preview`` of the same program.
    A test that changes a stack's config runs the program itself.
    """

    def __init__(self, build: Path) -> None:
        self.build = build
        self._plans: dict[str, tuple] = {}
        self._previews: dict[str, OfflineRun] = {}

    @staticmethod
    def config(stack: str) -> dict:
        """A fresh copy of the tests' ``stacks/Pulumi.<stack>.yaml`` config, safe to mutate."""
        return config_from_stack_file(PROJECT / "stacks" / f"Pulumi.{stack}.yaml")

    def plan(self, stack: str) -> tuple:
        if stack not in self._plans:
            self._plans[stack] = plan.write_plan(stack, self.build, PROJECT)
        return self._plans[stack]

    def preview(self, stack: str) -> OfflineRun:
        if stack not in self._previews:
            self._previews[stack] = run_program(PROGRAM, self.config(stack), stack, preview=True)
        return self._previews[stack]


@pytest.fixture(scope="session")
def stack_plans(tmp_path_factory: pytest.TempPathFactory) -> StackPlans:
    """Every stack planned once per session: see :class:`StackPlans`."""
    return StackPlans(tmp_path_factory.mktemp("build"))


GET_ADDON_VERSION = "aws:eks/getAddonVersion:getAddonVersion"
GET_CLUSTERS = "aws:eks/getClusters:getClusters"
CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
FIRST_RUN_LOOKUPS = (GET_CLUSTERS, CALLER_IDENTITY)
"""The identity lookups of a first ``pulumi up`` of a stack that makes its cluster with the bootstrap on: the
cluster does not exist yet, so its creator is the identity running pulumi."""


def identity_invokes(run) -> tuple[str, ...]:
    """The run's invokes without the one ``getAddonVersion`` per EKS add-on without pinned versions, which
    :func:`check_addon_lookups` counts."""
    return tuple(i for i in run.invokes if i != GET_ADDON_VERSION)


def check_addon_lookups(run) -> None:
    """One ``getAddonVersion`` per registered EKS add-on whose version is EKS's default, and no other."""
    from eks_irsa.versions import ADDON_VERSIONS, VersionRule

    addons = [r for r in run.registrations if r.type == "aws:eks/addon:Addon"]
    defaults = [a for a in addons if ADDON_VERSIONS[a.inputs["addonName"]].rule is VersionRule.EKS_DEFAULT]
    assert run.invokes.count(GET_ADDON_VERSION) == len(defaults)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the test modules are imported (with Pulumi's AWS, EKS and Kubernetes SDKs, moto, botocore), their
    objects move to the garbage collector's permanent generation (``gc.freeze``): they live until the process
    ends, and every full collection would otherwise walk them again (a quarter of the suite's CPU time). What
    the tests create is collected as before; ``gc.collect()`` in a test still finds its own garbage."""
    gc.collect()
    gc.freeze()
