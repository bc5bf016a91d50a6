"""The embedded SQLite settings, and the constraints the database enforces on both backends."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.organizations.models import Membership, Organization


def test_sqlite_pragmas(app, is_postgres):
    if is_postgres:
        pytest.skip("SQLite settings only")  # the SQLite pass runs this
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_read_then_write_transactions_do_not_deadlock(app, is_postgres):
    """Threads that read and then write at once: with plain BEGIN one of them fails at once
    with "database is locked"; with BEGIN IMMEDIATE they queue and all succeed."""
    org = Organization(name="计数", kind="sme", employees=0)
    db.session.add(org)
    db.session.flush()
    org_id = org.id
    db.session.commit()  # and touch nothing after: a read would open a transaction again
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(10):
                    current = db.session.get(Organization, org_id, populate_existing=True)
                    current.employees = current.employees + 1
                    db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.expire_all()
    if not is_postgres:  # serialised writers: no lost update
        assert db.session.get(Organization, org_id).employees == 40


def test_foreign_keys_and_checks_are_enforced(app):
    db.session.add(Membership(organization_id=987654, user_id=987654, role="owner"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Organization(name="x", kind="not-a-kind"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Organization(name="x", kind="sme", employees=-1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM organizations")).scalar() == 0
