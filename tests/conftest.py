"""End-to-end tests: drive a running Odoo from outside over JSON-RPC, as an integrator would.

The test command starts the server (SFCN_URL, SFCN_DB) on the database the module tests installed,
with the module's demo data (users zhangwei, lina, wangfang, liuqiang; password = login).
"""
import itertools
import os
import threading
import time

import pytest
import requests

URL = os.environ.get("SFCN_URL", "http://127.0.0.1:8069")
DB = os.environ.get("SFCN_DB", "sales_funnel_cn")


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message}")


class OdooClient:
    """A minimal /jsonrpc client (service 'object', execute_kw) logged in as one user."""

    _ids = itertools.count(1)

    def __init__(self, login, password, url=URL, db=DB):
        self.url, self.db, self.password = url, db, password
        self.http = requests.Session()
        self.uid = self.call("common", "login", db, login, password)
        if not self.uid:
            raise RuntimeError(f"login failed for {login}")

    def call(self, service, method, *args):
        payload = {"jsonrpc": "2.0", "method": "call", "id": next(self._ids),
                   "params": {"service": service, "method": method, "args": list(args)}}
        reply = self.http.post(f"{self.url}/jsonrpc", json=payload, timeout=120).json()
        if reply.get("error"):
            raise RpcError(reply["error"])
        return reply.get("result")  # Odoo leaves "result" out when a method returns None

    def execute(self, model, method, *args, **kwargs):
        return self.call("object", "execute_kw", self.db, self.uid, self.password, model, method,
                         list(args), kwargs)


def reclaim_now(client, batch_size=2):
    """One "Reclaim now" batch; a click while a reclaim runs elsewhere is refused (one reclaim at a time: the
    scheduled action's lock) and clicked again. Returns (done, remaining)."""
    for _ in range(300):
        try:
            return client.execute("crm.lead", "action_pool_reclaim_now", batch_size=batch_size)
        except RpcError as exc:
            assert "currently being executed" in exc.message, exc
            time.sleep(0.1)
    raise AssertionError("the reclaim stayed locked")


def parallel(*calls):
    """Run the callables at the same moment (barrier); return their results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except RpcError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(scope="session")
def admin():
    return OdooClient("admin", "admin")


@pytest.fixture(scope="session")
def rep():
    return OdooClient("zhangwei", "zhangwei")


@pytest.fixture(scope="session")
def client_factory():
    return OdooClient
