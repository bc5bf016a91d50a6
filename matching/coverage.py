"""Who a listing is open to: the one definition of the region, industry and size rules.

A listing names the regions, industries and enterprise sizes it serves; an empty list means
any. It is open to an enterprise when the list is empty or names one of the enterprise's *keys*:

- region: the enterprise's city, or the province (a listing that names the province serves all
  of it); an enterprise with no region is served only by listings for the whole province;
- industry: a division (``C39``) is served by listings that name it or its section (``C``); an
  enterprise known only by its section (``C``) by listings that name the section or any of its
  divisions; an enterprise with no industry only by listings open to every industry;
- size: the enterprise's 2011 size class.

These functions are the Python form of the rules. The same keys make the SQL of the browse pages
(``listings.queries``); ``matching.eligibility`` keeps them as numpy bit columns and
``search.terms`` as keyword terms (fast forms of the same rules); a property test keeps all four
in agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def region_keys(region: str | None, province: str) -> tuple[str, ...]:
    """The region codes that, named by a listing, open it to an enterprise in ``region``."""
    return (province,) if not region or region == province else (region, province)


def industry_keys(industry: str | None, sections: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The industry codes that, named by a listing, open it to an enterprise of ``industry``
    (``sections``: section letter -> its division codes)."""
    if not industry:
        return ()
    if len(industry) == 1:
        return (industry, *sections.get(industry, ()))
    return (industry, industry[0])


def size_keys(size_class: str | None) -> tuple[str, ...]:
    """The size classes that, named by a listing, open it to an enterprise of ``size_class``."""
    return (size_class,) if size_class else ()


def open_to(named: Sequence[str], keys: Sequence[str]) -> bool:
    """Whether a listing naming ``named`` (empty: any) is open to an enterprise with ``keys``."""
    return not named or any(key in named for key in keys)
