"""What the commands print: tables that fit a terminal, and the versioned documents of ``--json``.

Every ``--json`` document is one JSON object on standard output with ``"schemaVersion"`` (an integer,
:data:`SCHEMA_VERSION`, raised only when a key is removed or changes meaning; new keys may appear within a
version) and ``"command"`` (the verb). Keys are sorted and the same input gives byte-identical output.
``docs/cli.md`` documents each command's keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..errors import IrsaConfigError

SCHEMA_VERSION = 1
"""The version of every command's ``--json`` shape (``docs/cli.md``, "JSON output")."""

TABLE_WIDTH = 120
"""Columns a printed table may use: what a terminal or a CI log shows without wrapping."""


def json_document(command: str, **body: Any) -> str:
    """``{"command": command, "schemaVersion": SCHEMA_VERSION, **body}`` as indented, key-sorted JSON with a newline."""
    return json.dumps({"command": command, "schemaVersion": SCHEMA_VERSION, **body}, indent=2, sort_keys=True) + "\n"


def problems_json(error: IrsaConfigError) -> list[dict[str, Any]]:
    """The problems of ``error`` as ``[{field, value, rule, source, fix}]``, values as JSON can hold them."""
    return [
        {
            "field": p.field,
            "value": p.value if isinstance(p.value, str | int | float | bool | list | type(None)) else repr(p.value),
            "rule": p.rule,
            "source": p.source,
            "fix": p.fix,
        }
        for p in error.problems
    ]


def fit_table(rows: Sequence[Sequence[str]], shrink: Sequence[tuple[int, int]], width: int = TABLE_WIDTH) -> str:
    """A plain text table (header row, dashes, two spaces between columns) of at most ``width`` characters a line.

    While a line would be longer, the columns of ``shrink``, ``(index, narrowest width)`` in the order given,
    are cut down to no less than that width (nor their header's), their cells ending in ``…``.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for column, narrowest in shrink:
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        if excess <= 0:
            break
        widths[column] = max(len(rows[0][column]), narrowest, widths[column] - excess)

    def cell(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    lines = ["  ".join(cell(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
