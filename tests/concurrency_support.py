"""Run calls at the same moment in threads, for tests on a database server."""

import threading

import pytest
from django.db import connection, connections


def skip_on_sqlite():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database server: threads cannot share SQLite's in-memory test database")


def run_together(calls):
    """Start every call at once (a barrier), each in its own thread with its own
    database connection; return (results, failures) once all have finished."""
    start = threading.Barrier(len(calls))
    results, failures = [], []

    def run(call):
        try:
            start.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertions
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures
