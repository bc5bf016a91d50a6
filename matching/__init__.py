"""Matching: encoders, eligibility rules, the FAISS index, BM25 and the hybrid recommender.

Framework-free: imports neither Flask nor SQLAlchemy. Plain data in, plain data out.
"""

from matching.eligibility import RULES, ListingFacts, ListingTable, Seeker, Vocabulary
from matching.encoders import Encoder, HashingEncoder, load_encoder
from matching.index import VectorIndex
from matching.metrics import mrr, ndcg_at, recall_at
from matching.model import Exclusion, ListingProfile, Match, NeedProfile, Query, Reason, Result
from matching.outcomes import ProviderHistory, ProviderOutcomes
from matching.recommender import Recommender
from matching.rules import violated_rules

__all__ = [
    "RULES",
    "Encoder",
    "Exclusion",
    "HashingEncoder",
    "ListingFacts",
    "ListingProfile",
    "ListingTable",
    "Match",
    "NeedProfile",
    "ProviderHistory",
    "ProviderOutcomes",
    "Query",
    "Reason",
    "Recommender",
    "Result",
    "Seeker",
    "VectorIndex",
    "Vocabulary",
    "load_encoder",
    "mrr",
    "ndcg_at",
    "recall_at",
    "violated_rules",
]
