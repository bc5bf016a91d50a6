"""The demo marketplace's curated data and the generator that turns it into records.

- :mod:`.organizations`: every organization (86, of every kind, in all 21 cities), one login each;
- :mod:`.financing`: the product catalogues of banks, guarantors, lessors, microfinance firms,
  investors and the credit-insurance broker, and who offers what on which terms;
- :mod:`.offers`: technology, training, exhibitions, services, policies, procurement and space;
- :mod:`.needs`: what the SMEs ask for, from templates filled with each firm's own traits;
- :mod:`.showcase`: the hand-written postings of the first demo (same external ids) and the
  postings that are closed, expired or still drafts;
- :mod:`.events`: the texts of the two matchmaking events;
- :mod:`.generate`: :func:`records`, every posting as a records-schema dict for a given day.

Everything is deterministic: no randomness, dates are offsets from the day of loading.
"""

from marketplace.demo_data.generate import records
from marketplace.demo_data.organizations import ORGANIZATIONS, Org

__all__ = ["ORGANIZATIONS", "Org", "records"]
