"""Install as written: the wheel ``make wheel`` builds goes into a fresh virtualenv, imports from there and
plans a program; ``eks-irsa --version`` names the installed version.

What this cannot show: that pip downloads and installs the dependencies in a fresh environment. The
fresh virtualenv gets only the wheel (``--no-deps``, so the test does not unpack 400 MB of provider SDKs
each run); the dependencies come from the test environment's site-packages through a ``.pth`` file, and
``pip check`` then holds the wheel's declared ranges against those pinned versions.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

import eks_irsa
from eks_irsa.cli import main as eks_irsa_cli
from tests.conftest import ROOT

WHEEL_NAME = re.compile(r"dist/eks_irsa-[^\s\"'\[]+\.whl")


def test_version_prints_the_installed_distribution_s_version(capsys):
    assert eks_irsa_cli(["--version"]) == 0
    assert capsys.readouterr().out == f"eks-irsa {importlib.metadata.version('eks-irsa')}\n"


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel ``make wheel`` writes, run in a copy of the checkout (setuptools builds in the source tree)."""
    source = tmp_path_factory.mktemp("checkout") / "eks-irsa"
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT, source, ignore=ignore)
    dist = tmp_path_factory.mktemp("dist")
    _run("make", "--no-print-directory", "-C", source, "wheel", f"DIST={dist}", f"BIN={Path(sys.executable).parent}")
    (built,) = dist.glob("eks_irsa-*.whl")
    return built


def test_the_wheel_carries_the_licence_the_type_marker_and_the_catalog_schema(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    version = eks_irsa.__version__
    assert wheel.name == f"eks_irsa-{version}-py3-none-any.whl"
    for needed in (
        "eks_irsa/py.typed",
        "eks_irsa/catalog/schema.json",
        f"eks_irsa-{version}.dist-info/licenses/LICENSE",
    ):
        assert needed in names
    licence = zipfile.ZipFile(wheel).read(f"eks_irsa-{version}.dist-info/licenses/LICENSE").decode()
    assert licence == (ROOT / "LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    metadata = zipfile.ZipFile(wheel).read(f"eks_irsa-{version}.dist-info/METADATA").decode()
    assert "License-Expression: Apache-2.0" in metadata


def test_the_wheel_installs_into_a_fresh_virtualenv_and_plans_a_program(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "check")
    assert _run(venv / "bin" / "eks-irsa", "--version") == f"eks-irsa {eks_irsa.__version__}\n"
    program = textwrap.dedent(
        """\
        import eks_irsa
        from eks_irsa import IrsaRole
        from eks_irsa.testing import run_program

        def program():
            IrsaRole("orders-api", {
                "oidc_provider_arn": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
                "oidc_issuer": "oidc.eks.us-west-2.amazonaws.com/id/ABC",
                "cluster_name": "acme-dev",
                "namespace": "orders",
                "create_service_account": False,
                "statements": [{"actions": ["sqs:ReceiveMessage"],
                                "resources": ["arn:aws:sqs:us-west-2:111122223333:orders"]}],
            })

        run = run_program(program, {"aws:allowedAccountIds": ["111122223333"]}, "dev")
        print(eks_irsa.__file__)
        print(sorted(r.type for r in run.registrations))
        """
    )
    out = _run(python, "-c", program, cwd=tmp_path).splitlines()
    assert out[0].startswith(str(site))  # the wheel's copy, not this checkout
    assert out[1] == str(sorted(["eks-irsa:index:IrsaRole", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]))


def test_the_install_lines_name_this_version_s_wheel():
    expected = f"dist/eks_irsa-{eks_irsa.__version__}-py3-none-any.whl"
    for page in (ROOT / "README.md", ROOT / "docs" / "library.md"):
        named = set(WHEEL_NAME.findall(page.read_text(encoding="utf-8")))
        assert named == {expected}, page.name
