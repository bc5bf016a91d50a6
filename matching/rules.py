"""The hard rules for one listing and one seeker, in plain Python (for leads and checks).

:class:`matching.eligibility.ListingTable` applies the same rules to many listings at once;
tests keep the two in agreement.
"""

from __future__ import annotations

from matching.eligibility import RULES, ListingFacts, Seeker, Vocabulary


def _industry_covered(codes: tuple[str, ...] | list[str], industry: str | None) -> bool:
    if not industry:
        return False
    for code in codes:
        if code == industry or (len(code) == 1 and len(industry) == 3 and industry[0] == code):
            return True
    return False


def violated_rules(facts: ListingFacts, seeker: Seeker, vocabulary: Vocabulary) -> list[str]:
    """The rules (in :data:`RULES` order) that ``facts`` break for ``seeker``; empty: eligible."""
    broken = set()
    if not facts.offered:
        broken.add("status")
    if facts.regions and vocabulary.province not in facts.regions and seeker.region not in facts.regions:
        broken.add("region")
    if facts.industries and not _industry_covered(tuple(facts.industries), seeker.industry):
        broken.add("industry")
    if facts.size_classes and seeker.size_class not in facts.size_classes:
        broken.add("size")
    if seeker.amount is not None and (
        (facts.amount_min is not None and seeker.amount < facts.amount_min)
        or (facts.amount_max is not None and seeker.amount > facts.amount_max)
    ):
        broken.add("amount")
    if facts.until is not None and facts.until < seeker.as_of:
        broken.add("deadline")
    return [rule for rule in RULES if rule in broken]
