"""The README is a quick start that links every reference page, and the docs' Python examples run as written;
they and the example projects' programs type-check.

What this cannot show: that a reader finds the pages clear; the shell, TypeScript and YAML snippets are
checked elsewhere (tests/test_provider.py) or not at all (they need the Pulumi CLI or AWS).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from eks_irsa.testing import run_program
from tests.conftest import PROJECT, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
LIBRARY = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "library.md").read_text(), flags=re.DOTALL)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _local_links(page: Path) -> list[str]:
    """The link targets in ``page`` that point into the repository (no scheme), anchors dropped."""
    targets = (m.group(1) for m in LINK.finditer(page.read_text(encoding="utf-8")))
    return [t.split("#")[0] for t in targets if "://" not in t and not t.startswith(("#", "mailto:"))]


def test_readme_is_a_quick_start_of_at_most_300_lines():
    assert len(README.splitlines()) <= 300


def test_readme_links_every_docs_page():
    linked = {target for target in _local_links(ROOT / "README.md") if target.startswith("docs/")}
    assert linked == {f"docs/{page.name}" for page in DOCS}


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_every_local_link_resolves(page: Path):
    missing = [t for t in _local_links(page) if t and not (page.parent / t).exists()]
    assert missing == []


def test_library_page_has_the_two_examples():
    assert len(LIBRARY) == 2


def test_component_example_registers_a_role_and_service_account():
    run = run_program(lambda: exec(LIBRARY[0], {}), {}, "readme")
    types = [r.type for r in run.registrations]
    assert types.count("eks-irsa:index:IrsaRole") == 2  # orders-api and the cluster's vpc-cni role
    sa = next(r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    assert sa.inputs["metadata"]["name"] == "orders-api" and sa.provider == "acme-dev-k8s"


def test_mock_monitor_example_runs_from_a_project_root():
    """Run where the example says (a project folder); in the tests' copy of this project (tests/data/README.md),
    since its assert names what the shipped dev stack holds (an EKS add-on without pinned versions)."""
    cwd = os.getcwd()
    os.chdir(PROJECT)
    try:
        namespace: dict = {}
        exec(LIBRARY[1], namespace)
    finally:
        os.chdir(cwd)
    assert namespace["roles"]
    assert "aws:eks/getClusters:getClusters" in namespace["run"].invokes


MYPY_CONFIG = """\
[mypy]
python_version = 3.11
follow_imports = silent
[mypy-pulumi_aws.*,pulumi_eks.*,pulumi_kubernetes.*]
follow_imports = skip
ignore_missing_imports = true
"""
"""The provider SDKs are skipped (their generated types are huge); the package's own Args are checked."""


EXAMPLES = sorted(path.parent for path in (ROOT / "examples").glob("*/Pulumi.yaml"))
"""The example projects; each program's Python (its ``__main__.py`` and its own modules, not its tests) is
type-checked as a user's would be, one mypy run per project (each has a ``__main__``)."""


def test_the_library_examples_type_check(tmp_path):
    files = []
    for i, block in enumerate(LIBRARY):
        files.append(tmp_path / f"example_{i}.py")
        files[-1].write_text(block)
    (tmp_path / "mypy.ini").write_text(MYPY_CONFIG)
    cache = tmp_path / "cache"
    argv = [sys.executable, "-m", "mypy", "--config-file", str(tmp_path / "mypy.ini"), "--cache-dir", str(cache)]
    runs = [(ROOT, files)] + [
        (example, sorted(p for p in example.rglob("*.py") if "tests" not in p.relative_to(example).parts))
        for example in EXAMPLES
    ]
    assert len(runs) > 1 and all(sources for _, sources in runs)
    for cwd, sources in runs:
        run = subprocess.run([*argv, *map(str, sources)], cwd=cwd, capture_output=True, text=True)
        assert [line for line in run.stdout.splitlines() if ": error:" in line] == [], cwd
        assert run.returncode == 0, run.stdout + run.stderr
