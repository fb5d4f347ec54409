"""The head file beside the key: pushes answered at once, in threads and in worker processes,
all write it without an error, and it ends holding the latest head, never an earlier one."""

from __future__ import annotations

import multiprocessing
import random
import threading
from pathlib import Path

from sync.server.signing import HeadSigner, read_head_file, write_head_file

WRITERS = 8
HEADS_EACH = 40


def _write_many(key_file: Path, heads_dir: Path, writer: int) -> None:
    signer = HeadSigner(key_file)
    positions = list(range(writer, WRITERS * HEADS_EACH, WRITERS))
    random.Random(writer).shuffle(positions)  # answers come back in any order
    for position in positions:
        write_head_file(heads_dir, "store-1", signer.sign("main", position + 1, "0" * 64))


def test_heads_written_at_once_leave_the_latest_and_raise_nothing(tmp_path: Path) -> None:
    key_file, heads_dir = tmp_path / "keys" / "signing.key", tmp_path / "keys" / "heads"
    HeadSigner(key_file)  # made once, before the writers start
    errors: list[BaseException] = []

    def run(writer: int) -> None:
        try:
            _write_many(key_file, heads_dir, writer)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS // 2)]
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_write_many, args=(key_file, heads_dir, w))
        for w in range(WRITERS // 2, WRITERS)
    ]
    for thread in threads:
        thread.start()
    for process in processes:
        process.start()
    for thread in threads:
        thread.join()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert errors == []
    latest = read_head_file(heads_dir, "store-1", "main")
    assert latest is not None and latest.position == WRITERS * HEADS_EACH
