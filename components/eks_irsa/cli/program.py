"""``eks-irsa plan --program DIR``: the offline plan of any Pulumi Python program that uses the package.

The program is the user's own project: ``DIR/Pulumi.yaml`` (its ``name``, and ``main`` and
``stackConfigDir`` when set, as the Pulumi CLI reads them) and ``Pulumi.<stack>.yaml``. It runs under the
package's mock monitor (:func:`eks_irsa.testing.run_program`) with ``DIR`` as the working directory, as
``pulumi preview`` would run it, and every :class:`~eks_irsa.IrsaRole` it makes, wherever in the program,
is written out with the same files as the catalog's services.
"""

from __future__ import annotations

import functools
import os
import runpy
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
import yaml

from ..errors import IrsaConfigError
from ..irsa import IrsaRole
from ..plan import Rendered, RolePlan
from ..testing import OfflineRun, config_from_stack_file, run_program

PROJECT_SOURCE = "Pulumi docs, 'Pulumi project file reference' (Pulumi.yaml: name, main, stackConfigDir)"


class ProgramError(Exception):
    """The project cannot be run at all (no ``Pulumi.yaml``, no such stack): exit 2, nothing written."""


def project_settings(directory: Path) -> tuple[str, Path, Path]:
    """``(name, program file, folder of the stack files)`` from ``directory/Pulumi.yaml``.

    ``main`` (a file, or a folder holding ``__main__.py``; default: ``directory``) and ``stackConfigDir``
    (default: ``directory``) are relative to ``directory``.

    Raises:
        ProgramError: no ``Pulumi.yaml``, not a mapping, no ``name``, not a Python project, no program file.
    """
    path = directory / "Pulumi.yaml"
    if not path.is_file():
        raise ProgramError(f"{path} not found: --program names a Pulumi project folder (its Pulumi.yaml)")
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        raise ProgramError(f"{path} has no name: ({PROJECT_SOURCE})")
    runtime = project.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProgramError(f"{path}: runtime is {runtime_name!r}; only Python programs run under the mock monitor")
    main = directory / str(project.get("main") or ".")
    program = main / "__main__.py" if main.is_dir() else main
    if not program.is_file():
        raise ProgramError(f"{program} not found (main of {path})")
    return project["name"], program, directory / str(project.get("stackConfigDir") or ".")


def stack_names(config_dir: Path) -> list[str]:
    """The stacks with a ``Pulumi.<stack>.yaml`` in ``config_dir``, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in config_dir.glob("Pulumi.*.yaml"))


def choose_stack(config_dir: Path, stack: str | None) -> str:
    """``stack`` when its file exists; without one, the project's only stack.

    Raises:
        ProgramError: no such stack file, or no ``--stack`` and not exactly one stack file.
    """
    known = stack_names(config_dir)
    if stack is None and len(known) == 1:
        return known[0]
    if stack is None:
        raise ProgramError(f"give --stack: {config_dir} holds {', '.join(known) or 'no Pulumi.<stack>.yaml'}")
    if stack not in known:
        raise ProgramError(
            f"no stack file {config_dir / f'Pulumi.{stack}.yaml'} (stacks: {', '.join(known) or 'none'})"
        )
    return stack


@contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """The program's folder as working directory and first on ``sys.path``, as the Pulumi CLI runs it."""
    cwd, path = Path.cwd(), list(sys.path)
    os.chdir(directory)
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path[:] = path


Planned = tuple[RolePlan, Rendered]
"""One role as its component made it: the plan it registered from (``IrsaRole.plan``) and what it rendered once
its Outputs resolved (``IrsaRole.rendered()``)."""


def run_user_program(directory: Path, stack: str | None) -> tuple[str, str, OfflineRun, dict[str, Planned]]:
    """Run the project in ``directory`` for ``stack`` under the mocks: ``(project, stack, run, {role: (plan,
    rendered)})`` (:func:`run_planned`).

    Raises:
        ProgramError: see :func:`project_settings` and :func:`choose_stack`.
        IrsaConfigError: a bad stack file, a program that makes no ``IrsaRole``, or any input a component refuses.
        Exception: whatever else the program raises.
    """
    directory = directory.resolve()
    project, program, config_dir = project_settings(directory)
    stack = choose_stack(config_dir, stack)
    config = config_from_stack_file(config_dir / f"Pulumi.{stack}.yaml")
    run, planned = run_planned(program, config, stack, project)
    return project, stack, run, planned


def run_planned(
    program: Path, config: Mapping[str, Any], stack: str, project: str
) -> tuple[OfflineRun, dict[str, Planned]]:
    """Run ``program`` (a ``__main__.py``) in its folder under the mocks: ``(run, {role: (plan, rendered)})``.

    Every :class:`~eks_irsa.IrsaRole` the program makes, wherever (``EksCluster``'s VPC CNI role too), is found
    with a stack transformation, which sees every resource; its own record of what it planned and rendered
    (``IrsaRole.plan``, ``IrsaRole.rendered()``) is read inside the run, never re-derived from its children.

    Raises:
        IrsaConfigError: the program makes no ``IrsaRole``, or a component refuses an input.
        Exception: whatever else the program raises.
    """
    roles: list[IrsaRole] = []
    rendered: dict[str, Rendered] = {}

    def collect(args: pulumi.ResourceTransformationArgs) -> None:
        if isinstance(args.resource, IrsaRole):
            roles.append(args.resource)

    def keep(name: str, value: Rendered) -> None:
        rendered[name] = value

    def main() -> None:
        pulumi.runtime.register_stack_transformation(collect)
        runpy.run_path(str(program), run_name="__main__")
        for role in roles:
            role.rendered().apply(functools.partial(keep, role.plan.name))

    with _inside(program.parent):
        run = run_program(main, config, stack, project=project)
    planned = {role.plan.name: (role.plan, rendered[role.plan.name]) for role in roles}
    if not planned:
        raise IrsaConfigError.one(
            "(program)",
            str(program),
            "makes no IrsaRole, so there is nothing to plan",
            "eks-irsa plan --program",
            "run a program that uses eks_irsa.IrsaRole (or EksCluster, whose VPC CNI role is one)",
        )
    return run, planned
