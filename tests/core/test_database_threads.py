"""One register connection shared by worker threads (export runs several at once).

Found by the kill campaign: a thread reading while another held a write transaction on the same
SQLite connection got "the register is busy" and the export stopped. Transactions are now
per-thread and the connection is serialised.
"""

from __future__ import annotations

import threading

from photovet.core.storage import open_db


def test_threads_share_one_connection_without_busy_errors(tmp_path):
    db = open_db(tmp_path / "register.db")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who INTEGER, n INTEGER)")
    errors: list[BaseException] = []

    def work(who: int) -> None:
        try:
            for n in range(60):
                if n % 3 == 0:
                    with db.atomic():
                        db.insert("INSERT INTO t (who, n) VALUES (?, ?)", (who, n))
                        db.insert("INSERT INTO t (who, n) VALUES (?, ?)", (who, -n))
                else:
                    db.scalar("SELECT count(*) FROM t WHERE who = ?", (who,))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.scalar("SELECT count(*) FROM t") == 6 * 20 * 2


def test_a_failed_transaction_in_one_thread_leaves_the_others_alone(tmp_path):
    db = open_db(tmp_path / "register.db")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    started, release = threading.Event(), threading.Event()

    def failing() -> None:
        try:
            with db.atomic():
                db.insert("INSERT INTO t (v) VALUES ('lost')")
                started.set()
                release.wait(5)
                raise RuntimeError("boom")
        except RuntimeError:
            pass

    t = threading.Thread(target=failing)
    t.start()
    started.wait(5)
    assert not db.in_transaction  # this thread's view: no transaction of its own
    release.set()
    with db.atomic():
        db.insert("INSERT INTO t (v) VALUES ('kept')")
    t.join()
    assert [r[0] for r in db.all("SELECT v FROM t")] == ["kept"]
