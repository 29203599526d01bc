"""Twenty API clients at once register fifty applications each, through a real server, on SQLite and on
PostgreSQL: every application is there exactly once, and the audit log has one creation of each."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import func, select

from gongkai.register.accounts import add_user
from gongkai.register.db import Application, AuditEntry, open_register
from gongkai.web.app import create_app
from webserver import running

CLIENTS, EACH = 20, 50
PASSWORD = "concurrent pass"


def _client_work(url: str, index: int, results: list, barrier: threading.Barrier) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        token = client.post("/api/session", json={"username": "clerk", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        barrier.wait()
        for n in range(EACH):
            row = {"编号": f"C{index:02d}-{n:03d}", "收到日期": "2026-03-02", "申请人类型": "自然人",
                   "申请内容": f"第 {index} 个客户端的第 {n} 件"}
            response = client.post("/api/applications", json=row, headers=headers)
            results.append((response.status_code, response.json().get("编号")))


def test_twenty_clients_register_a_thousand_applications_exactly_once(register_url: str) -> None:
    reg = open_register(register_url)
    try:
        add_user(reg, "clerk", PASSWORD, "officer", agency="并发测试局", user="setup")
        results: list = []
        barrier = threading.Barrier(CLIENTS)
        with running(create_app(register=reg)) as url:
            threads = [threading.Thread(target=_client_work, args=(url, i, results, barrier)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert len(results) == CLIENTS * EACH
        assert {status for status, _ in results} == {201}
        assert len({number for _, number in results}) == CLIENTS * EACH
        with reg.sessions() as session:
            numbers = session.scalars(select(Application.number)).all()
            created = session.execute(select(AuditEntry.record_id).where(
                AuditEntry.table_name == "applications", AuditEntry.action == "create",
                AuditEntry.field == "number")).scalars().all()
            agencies = session.scalar(select(func.count(func.distinct(AuditEntry.agency_id))).where(
                AuditEntry.table_name == "applications"))
        assert len(numbers) == len(set(numbers)) == CLIENTS * EACH
        assert len(created) == len(set(created)) == CLIENTS * EACH
        assert agencies == 1
    finally:
        reg.close()
