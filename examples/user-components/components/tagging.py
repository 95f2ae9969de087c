"""The organisation's standard AWS tags, applied to everything this project creates."""


def standard_tags(team: str, environment: str, cost_center: str) -> dict[str, str]:
    """The tags every resource carries: owning team, environment (the stack) and cost center."""
    return {"team": team, "environment": environment, "cost-center": cost_center}
