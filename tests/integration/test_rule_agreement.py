"""One rule, four forms: on random listings and enterprises, who a listing is open to (region,
industry, size) and whether it is on offer (published, not hidden or archived, date not passed)
come out the same from

- the single-pair rules (``matching.rules.violated_rules``, built on ``matching.coverage`` and
  ``listings.lifecycle``),
- the matcher's numpy columns (``matching.eligibility.ListingTable``),
- the browse pages' SQL (``listings.queries.listing_query``, on SQLite and PostgreSQL),
- the search filter (``search.terms`` conditions over the embedded backend's columns, the same
  terms Elasticsearch stores).
"""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.lifecycle import is_on_offer
from listings.models import Listing
from listings.queries import Filters, listing_query
from marketplace.extensions import db
from marketplace.recommendations.profiles import listing_profile, seeker_of, vocabulary
from marketplace.reference import PROVINCE
from marketplace.search.indexing import document_of
from marketplace.timeutil import today
from matching.eligibility import ListingTable
from matching.rules import violated_rules
from search import Filters as SearchFilters
from search.columns import Columns, Row, day_number
from search.terms import conditions, document_terms
from tests.factories import org_of

CITIES = ["440100", "440300", "440600", "441900"]
INDUSTRIES = ["C", "F", "K", "C13", "C39", "F51", "K70"]
SIZES = ["micro", "small", "medium", "large"]
RULES_COMPARED = {"status", "region", "industry", "size", "deadline"}
TODAY = today()
DAYS = st.sampled_from([None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=30)])

listings = st.lists(
    st.fixed_dictionaries({
        "regions": st.lists(st.sampled_from([*CITIES, PROVINCE]), unique=True, max_size=3),
        "industries": st.lists(st.sampled_from(INDUSTRIES), unique=True, max_size=3),
        "size_classes": st.lists(st.sampled_from(SIZES), unique=True, max_size=3),
        "status": st.sampled_from(["published", "published", "published", "draft", "closed"]),
        "hidden": st.booleans(),
        "archived": st.booleans(),
        "deadline": DAYS,
        "ends_on": DAYS,
    }),
    min_size=1, max_size=12,
)
enterprises = st.fixed_dictionaries({
    "region": st.sampled_from(CITIES),
    "industry": st.sampled_from(INDUSTRIES),
    "size_class": st.sampled_from(SIZES),
})


def _search_passing(rows: list[Listing], enterprise: dict) -> set[int]:
    """What the search filter lets through, from the terms and numbers the backends store."""
    columns = Columns()
    documents = [document_of(row) for row in rows]
    columns.apply(
        Row(d.id, d.category, d.subcategory, json.loads(json.dumps(document_terms(d))),
            {"until": None if d.until is None else float(day_number(d.until))}, d.visible)
        for d in documents
    )
    wanted = SearchFilters(region=(enterprise["region"],), industry=(enterprise["industry"],),
                           size_class=(enterprise["size_class"],))
    mask = columns.mask(conditions(wanted, TODAY))
    return {int(i) for i in columns.ids[: columns.rows][mask]}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(drawn=listings, enterprise=enterprises)
def test_browse_search_matcher_and_single_pair_rules_agree(app, make_user, drawn, enterprise):
    owner = make_user(kind="bank") if not hasattr(app, "_rule_owner") else app._rule_owner
    app._rule_owner = owner
    organization = org_of(owner)
    sme = make_user(kind="sme") if not hasattr(app, "_rule_sme") else app._rule_sme
    app._rule_sme = sme
    sme_org = org_of(sme)
    sme_org.region, sme_org.industry, sme_org.size_class = enterprise["region"], enterprise["industry"], enterprise["size_class"]
    rows = []
    for i, fields in enumerate(drawn):
        starts = None if fields["ends_on"] is None else fields["ends_on"] - timedelta(days=1)
        listing = Listing(
            organization=organization, external_id=f"rule-{i}-{id(fields)}", category="service", title="规则",
            description="规则", regions=fields["regions"], industries=fields["industries"],
            size_classes=fields["size_classes"], status=fields["status"], deadline=fields["deadline"],
            ends_on=fields["ends_on"], starts_on=starts,
            hidden_at=TODAY if fields["hidden"] else None, archived_at=TODAY if fields["archived"] else None,
        )
        db.session.add(listing)
        rows.append(listing)
    db.session.flush()
    ids = {row.id for row in rows}
    try:
        seeker = seeker_of(sme_org, region=None, amount=None, as_of=TODAY)
        vocab = vocabulary()
        facts = [listing_profile(row).facts for row in rows]
        pair = {f.id for f in facts if not set(violated_rules(f, seeker, vocab)) & RULES_COMPARED}

        table = ListingTable(vocab)
        table.upsert(facts)
        columns = {i for i, broken in table.violations(sorted(ids), seeker).items() if not set(broken) & RULES_COMPARED}

        browse_filters = Filters(region=enterprise["region"], industry=enterprise["industry"],
                                 size_class=enterprise["size_class"])
        browse = {row.id for row in db.session.scalars(listing_query(db.session, browse_filters, TODAY)) if row.id in ids}

        searched = _search_passing(rows, enterprise)

        assert pair == columns == browse == searched, (pair, columns, browse, searched, drawn, enterprise)
        # On offer alone: the Python predicate and the SQL clause agree too.
        assert {row.id for row in rows if is_on_offer(row, TODAY)} == {
            row.id for row in db.session.scalars(listing_query(db.session, Filters(), TODAY)) if row.id in ids
        }
    finally:
        db.session.rollback()
