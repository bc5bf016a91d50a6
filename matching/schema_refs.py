"""JSON Schema helper shared by the records and schedule formats (framework-free)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every local ``#/$defs/...`` reference replaced by its target (compiled
    validators are faster on a self-contained schema). Keywords beside a reference (a
    ``description``) are kept, as JSON Schema 2020-12 reads them."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            target = inline_refs(defs[ref.rsplit("/", 1)[1]], defs)
            siblings = {k: inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **siblings} if siblings else target
        return {k: inline_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(v, defs) for v in node]
    return node
