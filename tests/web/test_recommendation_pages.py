"""Recommendations in the app: panels, staying in step with edits, restarts, the CLI."""

from __future__ import annotations

import json
import re

import pytest

from listings import services
from listings.models import Need
from marketplace.extensions import db
from marketplace.recommendations.service import get_store, matches_for_need
from tests.factories import org_of

FIXTURES = "tests/fixtures"


@pytest.fixture
def foshan_loans(app, make_user):
    """A bank with loans, an SME in Foshan (C39, small) with a financing need."""
    bank, sme = make_user(kind="bank"), make_user(kind="sme")
    sme_org = org_of(sme)
    sme_org.region, sme_org.industry, sme_org.size_class = "440600", "C39", "small"
    loans = {}
    for key, fields in {
        "fit": {"title": "小微企业流动资金贷款", "regions": ["440600"], "amount_min_cny": 100_000, "amount_max_cny": 5_000_000},
        "shenzhen": {"title": "流动资金贷款（深圳）", "regions": ["440300"]},
        "big": {"title": "大额流动资金贷款", "amount_min_cny": 10_000_000},
    }.items():
        data = {"category": "financing", "subcategory": "loan", "description": "流动资金 贷款 周转", "status": "published", **fields}
        loans[key] = services.create(db.session, "listing", org_of(bank), bank, data)
    need = services.create(db.session, "need", sme_org, sme, {
        "category": "financing", "subcategory": "loan", "title": "需要流动资金贷款", "status": "published",
        "description": "下游回款慢，需要 200 万元流动资金", "amount_cny": 2_000_000,
    })
    db.session.commit()
    return {"bank": bank, "sme": sme, "need": need, **loans}


def test_need_page_shows_eligible_matches_with_reasons_and_exclusions(client, auth, foshan_loans):
    auth.login(foshan_loans["sme"].email)
    page = client.get(f"/needs/{foshan_loans['need'].id}").get_data(as_text=True)
    section = page.split('id="recommendations"')[1].split('id="excluded"')[0]
    assert "小微企业流动资金贷款" in section and "同城：佛山市" in section
    assert "流动资金贷款（深圳）" not in section and "大额流动资金贷款" not in section
    excluded = page.split('id="excluded"')[1]
    assert "不在服务地区内（服务：深圳市）" in excluded and "金额 200 万元 超出 至少 1,000 万元" in excluded  # with the numbers


def test_recommendations_follow_edits_at_once(client, auth, foshan_loans):
    need = foshan_loans["need"]
    first = matches_for_need(db.session, need)
    assert foshan_loans["fit"].id in [r.item.id for r in first.items]
    services.close(db.session, foshan_loans["fit"], foshan_loans["bank"])
    db.session.commit()
    assert foshan_loans["fit"].id not in [r.item.id for r in matches_for_need(db.session, need).items]
    services.reopen(db.session, foshan_loans["fit"], foshan_loans["bank"])
    services.update(db.session, foshan_loans["shenzhen"], foshan_loans["bank"], {"regions": ["440600"]}, expected_version=None)
    db.session.commit()
    ids = [r.item.id for r in matches_for_need(db.session, need).items]
    assert foshan_loans["fit"].id in ids and foshan_loans["shenzhen"].id in ids


def test_stale_index_never_returns_what_the_database_excludes(foshan_loans):
    need = foshan_loans["need"]
    matches_for_need(db.session, need)  # index built
    store = get_store()
    # Simulate a lost update: the database changes, the store is not told (watermark moved on).
    foshan_loans["fit"].hidden_at = foshan_loans["fit"].created_at
    db.session.commit()
    store.watermark = store._newest(db.session)
    assert foshan_loans["fit"].id not in [r.item.id for r in matches_for_need(db.session, need).items]


def _ids(foshan_loans):
    ids = {key: foshan_loans[key].id for key in ("need", "fit")}
    db.session.commit()  # end the test's transaction: the other app opens its own
    return ids


def test_a_new_process_starts_from_the_database_and_the_cache(make_app, foshan_loans):
    ids = _ids(foshan_loans)
    other = make_app()
    with other.app_context():
        need = db.session.get(Need, ids["need"])
        assert ids["fit"] in [r.item.id for r in matches_for_need(db.session, need).items]


def test_a_corrupt_embedding_cache_is_replaced(make_app, foshan_loans, caplog, tmp_path, monkeypatch):
    ids = _ids(foshan_loans)
    # An instance folder of its own: no other connection in this process touches its cache.
    monkeypatch.setenv("MARKETPLACE_INSTANCE", str(tmp_path))
    app = make_app()
    with app.app_context():
        store = get_store()
        path = store.folder / "embeddings.sqlite"
        assert store.folder == tmp_path / "matching"
        path.write_bytes(b"this is not a database" * 100)
        (store.folder / "manifest.json").unlink(missing_ok=True)  # no saved vectors to fall back on
        for suffix in ("-wal", "-shm"):
            (path.parent / (path.name + suffix)).unlink(missing_ok=True)
        need = db.session.get(Need, ids["need"])
        with caplog.at_level("WARNING"):
            result = matches_for_need(db.session, need)
        assert ids["fit"] in [r.item.id for r in result.items]
        assert "unreadable" in caplog.text


def test_provider_sees_leads_and_others_do_not(client, auth, make_user, foshan_loans):
    auth.login(foshan_loans["bank"].email)
    page = client.get(f"/listings/{foshan_loans['fit'].id}").get_data(as_text=True)
    assert 'id="leads"' in page and "需要流动资金贷款" in page
    assert "需要流动资金贷款" in client.get("/my/listings").get_data(as_text=True)
    auth.logout()
    auth.login(make_user(kind="bank").email)
    assert 'id="leads"' not in client.get(f"/listings/{foshan_loans['fit'].id}").get_data(as_text=True)


def test_sme_home_suggests_offers(client, auth, foshan_loans):
    auth.login(foshan_loans["sme"].email)
    page = client.get("/").get_data(as_text=True)
    assert 'id="suggestions"' in page
    suggestions = page.split('id="suggestions"', 1)[1].split("</section>", 1)[0]
    assert "小微企业流动资金贷款" in suggestions
    assert "流动资金贷款（深圳）" not in suggestions  # not for its region (the newest offers may show it)


def test_recommend_cli_json(runner, foshan_loans):
    result = runner.invoke(args=["matching", "recommend", foshan_loans["need"].external_id, "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    items = data[foshan_loans["need"].external_id]
    assert items[0]["listing"] == foshan_loans["fit"].external_id
    assert isinstance(items[0]["score"], float)
    assert {"code", "zh", "en"} <= set(items[0]["reasons"][0])
    assert runner.invoke(args=["matching", "recommend", "no-such-need"]).exit_code != 0
    everything = json.loads(runner.invoke(args=["matching", "recommend", "--all", "--json"]).output)
    assert list(everything) == [foshan_loans["need"].external_id]
    # --as-of after the loans' deadlines would matter; a bad date is refused
    assert runner.invoke(args=["matching", "recommend", "--all", "--as-of", "2026-13-01"]).exit_code != 0
    # The old top-level name still works for one release, says where the command moved, and its
    # output is unchanged (the note goes to stderr).
    old = runner.invoke(args=["recommend", "--all", "--json"])
    assert old.exit_code == 0 and json.loads(old.stdout) == everything
    assert "marketplace matching recommend" in old.stderr


def test_evaluate_cli_reports_every_method(runner):
    result = runner.invoke(args=["matching", "evaluate", f"{FIXTURES}/records.jsonl", f"{FIXTURES}/qrels.tsv", "--as-of", "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.strip().splitlines()[-1])
    assert set(scores) == {"matcher", "lexical", "semantic"}
    assert all(s["violations"] == 0 for s in scores.values())
    assert all(s["needs"] == 25 for s in scores.values())
    assert re.match(r"^\d", str(scores["matcher"]["ndcg"]))


def test_saved_vectors_are_used_at_start_up_only_for_unchanged_rows(make_app, foshan_loans, monkeypatch):
    matches_for_need(db.session, foshan_loans["need"])  # the first sync saves the vectors
    store = get_store()
    assert (store.folder / "listings.npz").exists() and (store.folder / "manifest.json").exists()
    # A listing changes after the save: its new text must be embedded, the others come from the file.
    services.update(db.session, foshan_loans["big"], foshan_loans["bank"], {"title": "大额流动资金贷款（新）"}, expected_version=None)
    ids = _ids(foshan_loans)
    other = make_app()
    with other.app_context():
        from marketplace.recommendations.cache import EmbeddingCache

        embedded: list[str] = []
        original = EmbeddingCache.embed

        def counting(self, kind, texts, encode, limit=None):
            embedded.extend(texts)
            return original(self, kind, texts, encode, limit)

        monkeypatch.setattr(EmbeddingCache, "embed", counting)
        need = db.session.get(Need, ids["need"])
        assert ids["fit"] in [r.item.id for r in matches_for_need(db.session, need).items]
        assert [t for t in embedded if "流动资金贷款" in t and "需要" not in t] == [
            t for t in embedded if "大额流动资金贷款（新）" in t
        ] != []


def test_unreadable_saved_vectors_are_rebuilt_from_the_database(make_app, foshan_loans, caplog):
    matches_for_need(db.session, foshan_loans["need"])
    folder = get_store().folder
    (folder / "listings.npz").write_bytes(b"garbage")
    ids = _ids(foshan_loans)
    other = make_app()
    with other.app_context(), caplog.at_level("WARNING"):
        need = db.session.get(Need, ids["need"])
        assert ids["fit"] in [r.item.id for r in matches_for_need(db.session, need).items]
    assert "unreadable" in caplog.text


def test_need_vectors_of_another_query_runtime_are_not_reused(make_app, foshan_loans, monkeypatch):
    """Queries (needs) may be encoded by another runtime than passages (the ONNX query encoder):
    their saved and cached vectors are kept apart, so switching runtimes never mixes them."""
    from marketplace.recommendations.cache import EmbeddingCache
    from matching.encoders import HashingEncoder

    matches_for_need(db.session, foshan_loans["need"])
    folder = get_store().folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["queries"] == manifest["model"]
    monkeypatch.setattr(HashingEncoder, "query_name", manifest["model"] + "+fast", raising=False)
    ids = _ids(foshan_loans)
    kinds: list[tuple[str, str]] = []
    original = EmbeddingCache.embed

    def recording(self, kind, texts, encode, limit=None):
        kinds.extend((kind, text) for text in texts)
        return original(self, kind, texts, encode, limit)

    monkeypatch.setattr(EmbeddingCache, "embed", recording)
    other = make_app()
    with other.app_context():
        need = db.session.get(Need, ids["need"])
        assert ids["fit"] in [r.item.id for r in matches_for_need(db.session, need).items]
    assert {kind for kind, _ in kinds} == {f"query@{manifest['model']}+fast"}  # listings came from the file
    assert any(need.title in text for _, text in kinds)


def test_a_page_brings_the_matcher_in_step_once(client, auth, foshan_loans, monkeypatch):
    """A listing page asks for leads and similar listings, /my/listings for the leads of every
    listing: the store syncs for the first question of the request only."""
    from marketplace.recommendations.store import MatchingStore

    calls = []
    original = MatchingStore.sync
    monkeypatch.setattr(MatchingStore, "sync", lambda self, session: calls.append(1) or original(self, session))
    auth.login(foshan_loans["bank"].email)
    for path in (f"/listings/{foshan_loans['fit'].id}", "/my/listings"):
        calls.clear()
        assert client.get(path).status_code == 200
        assert len(calls) == 1, path


def test_an_organization_is_never_offered_its_own_postings(app, make_user, make_posting):
    from marketplace.recommendations import service as recommendations

    sme, other = make_user(kind="sme"), make_user(kind="service_provider")
    own = make_posting(sme, category="training", title="精益生产内训课程", description="精益生产 现场管理 培训")
    theirs = make_posting(other, category="training", title="精益生产公开课", description="精益生产 现场管理 培训")
    need = make_posting(sme, "need", category="training", title="精益生产培训", description="精益生产 现场管理 培训")
    found = recommendations.matches_for_need(db.session, need, limit=10, explain=True)
    ids = {r.item.id for r in found.items}
    assert theirs.id in ids and own.id not in ids
    assert own.id not in {e.listing.id for e in found.excluded}
    assert need.id not in {r.item.id for r in recommendations.leads_for_listing(db.session, own, limit=10)}
    for recommendation in found.items:
        texts = [r.get("zh") for r in recommendation.reasons]
        assert len(texts) == len(set(texts))  # no reason twice


def test_reasons_are_phrased_for_their_reader(app):
    from marketplace.recommendations.reasons import sentence
    from matching.model import Reason

    industry = Reason("industry", {"industry": "C39"})
    assert sentence(industry, "zh").startswith("面向您的行业")  # the enterprise reads its matches
    assert sentence(industry, "zh", "provider").startswith("企业所属行业在您的服务范围内")  # the provider its leads
    assert "your offer" in sentence(Reason("semantic", {}), "en", "provider")


def test_other_kinds_of_service_get_their_own_heading(client, auth, make_user, make_posting):
    sme, bank, school = make_user(kind="sme"), make_user(kind="bank"), make_user(kind="service_provider")
    make_posting(bank, category="financing", subcategory="loan", title="设备更新贷款", description="设备 更新 改造 贷款")
    make_posting(school, category="training", title="设备更新改造培训", description="设备 更新 改造 培训")
    need = make_posting(sme, "need", category="financing", subcategory="loan", title="设备更新改造", description="设备 更新 改造 资金")
    auth.login(sme.email)
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    ranked, _sep, others = page.partition('id="other-kinds"')
    assert "设备更新贷款" in ranked.split('id="recommendations"', 1)[1] and "设备更新改造培训" not in ranked.split('id="recommendations"', 1)[1]
    assert "设备更新改造培训" in others and 'id="few-of-kind"' in page


def test_leads_are_needs_of_the_kind_the_listing_offers(app, make_user, make_posting):
    from marketplace.recommendations import service as recommendations

    bank, sme = make_user(kind="bank"), make_user(kind="sme")
    loan = make_posting(bank, category="financing", subcategory="loan", title="数字化改造贷款", description="数字化 改造 MES 系统 贷款")
    money = make_posting(sme, "need", category="financing", title="数字化改造资金", description="数字化 改造 MES 系统 资金")
    software = make_posting(sme, "need", category="service", subcategory="it", title="MES 系统实施", description="数字化 改造 MES 系统")
    leads = {r.item.id for r in recommendations.leads_for_listing(db.session, loan, limit=10)}
    assert money.id in leads and software.id not in leads
