"""/api/v1/search: hybrid keyword + meaning search over listings on offer, with facets.

Public (like browsing). Unknown parameters and unusable values are a 400 naming each one; an
unreachable search backend is a 503 in the usual error shape.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from marketplace.api import representations
from marketplace.api.auth import caller
from marketplace.api.blueprint import bp
from marketplace.api.errors import ApiError
from marketplace.api.http import check_parameters
from marketplace.errors import ValidationFailed
from marketplace.extensions import db
from marketplace.search import indexing, services
from marketplace.timeutil import today
from search import BackendUnavailable, Segment

PARAMETERS = services.ARGUMENTS + ("facets",)


def _segments(parts: tuple[Segment, ...]) -> list[dict[str, Any]]:
    return [{"text": p.text, "hit": p.hit} for p in parts]


@bp.get("/search")
def search_listings() -> ResponseReturnValue:
    check_parameters(PARAMETERS)
    try:
        parsed = services.parse(request.args, today(), strict=True)
    except ValidationFailed as exc:
        raise ApiError(400, "bad_parameter", exc.message, fields=exc.fields) from exc
    facets_arg = request.args.get("facets")
    if facets_arg is not None:
        names = tuple(n for n in (v.strip() for v in facets_arg.split(",")) if n)
        unknown = [n for n in names if n not in services.FACET_TITLES]
        if unknown:
            raise ApiError(400, "bad_parameter", f"Unknown facet: {', '.join(unknown)}.", fields={"facets": ["unknown facet"]})
        from dataclasses import replace

        parsed.request = replace(parsed.request, facets=names)
    indexing.catch_up()
    try:
        page = services.run(db.session, parsed)
    except BackendUnavailable as exc:
        raise ApiError(503, "search_unavailable", "Search is unavailable right now; try again shortly.") from exc
    user = caller()
    result = page.result
    representations.prefetch_standings(item.listing.organization_id for item in page.items)
    return jsonify({
        "query": parsed.request.text,
        "truncated": parsed.truncated,
        "terms": list(result.tokens),
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "items": [
            {
                "listing": representations.posting(item.listing, user),
                "highlights": {"title": _segments(item.hit.title), "snippet": _segments(item.hit.snippet)},
                "semantic_only": item.hit.semantic_only,
            }
            for item in page.items
        ],
        "facets": {name: [{"value": v.value, "count": v.count} for v in values] for name, values in result.facets.items()},
    })
