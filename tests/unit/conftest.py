"""The unit tier does no I/O with services: a test here that opens a database or a socket fails."""

import socket
import sqlite3

import pytest


def _refuse(*_args, **_kwargs):
    raise AssertionError("a unit test opened a database or a network connection; it belongs in tests/integration")


@pytest.fixture(autouse=True)
def no_services(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(sqlite3, "connect", _refuse)
