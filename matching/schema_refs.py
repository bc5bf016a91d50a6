"""JSON Schema helper shared by the records and schedule formats (framework-free)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every local ``#/$defs/...`` reference replaced by its target (compiled
    validators are faster on a self-contained schema)."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return inline_refs(defs[ref.rsplit("/", 1)[1]], defs)
        return {k: inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(v, defs) for v in node]
    return node
