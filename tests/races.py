"""Fire a race for real: every step in its own thread with its own database connection,
released together by a barrier. Used by the Postgres race tests, each of which also has
a control run proving the harness catches the race the lock prevents."""

import threading
from collections.abc import Callable

from django.db import connection


def fire_at_once(steps: list[Callable[[], object]]) -> list[Exception]:
    """Run every step at the same moment; the exceptions they raised, in no order."""
    barrier = threading.Barrier(len(steps))
    errors = []

    def attempt(step):
        try:
            barrier.wait()
            step()
        except Exception as exc:  # collected for the test to assert on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
