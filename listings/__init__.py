"""Listings (offers by providers) and needs (demands by SMEs): issue 3 builds this package."""
