"""The hard rules for one listing and one seeker, in plain Python (for leads and checks); who a
listing is open to is :mod:`matching.coverage`.

:class:`matching.eligibility.ListingTable` applies the same rules to many listings at once;
tests keep the two in agreement.
"""

from __future__ import annotations

from matching.coverage import industry_keys, open_to, region_keys, size_keys
from matching.eligibility import RULES, ListingFacts, Seeker, Vocabulary


def violated_rules(facts: ListingFacts, seeker: Seeker, vocabulary: Vocabulary) -> list[str]:
    """The rules (in :data:`RULES` order) that ``facts`` break for ``seeker``; empty: eligible."""
    broken = set()
    if not facts.offered:
        broken.add("status")
    if not open_to(facts.regions, region_keys(seeker.region, vocabulary.province)):
        broken.add("region")
    if not open_to(facts.industries, industry_keys(seeker.industry, vocabulary.sections)):
        broken.add("industry")
    if not open_to(facts.size_classes, size_keys(seeker.size_class)):
        broken.add("size")
    if seeker.amount is not None and (
        (facts.amount_min is not None and seeker.amount < facts.amount_min)
        or (facts.amount_max is not None and seeker.amount > facts.amount_max)
    ):
        broken.add("amount")
    if facts.until is not None and facts.until < seeker.as_of:
        broken.add("deadline")
    return [rule for rule in RULES if rule in broken]
