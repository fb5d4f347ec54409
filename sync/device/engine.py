"""The sync engine: pushes the outbox in bounded batches, then pulls changes page by page;
after them, each cycle fetches the store's settings and reports the runs of new tags printed
here offline.

It runs on its own thread with its own asyncio loop, so the UI never waits for the network.
Triggers: at start, after each new operation (debounced), on a timer, and when connectivity
returns (a health probe with exponential backoff and jitter while the store is unreachable).
Each trigger only wakes the one loop, so a missed or failed trigger never strands the queue:
the timer and the probe always come round again. Only one engine may hold a device database
at a time, across threads and processes (an OS file lock next to the database).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

import httpx
from pydantic import ValidationError
from sqlalchemy import Connection

from assets.errors import AssetsError
from assets.hlc import parse_stamp
from sync.device import cache, clock, heads, outbox, people, store_settings, tag_numbers
from sync.device.client import SyncClient
from sync.device.database import DeviceDatabase
from sync.device.lock import EngineLock
from sync.device.progress import IDLE, OFFLINE, STOPPED, SYNCING, SyncProgress
from sync.device.state import SyncState, load_state, save_state
from sync.errors import (
    BatchTooLarge,
    DeviceError,
    EngineAlreadyRunning,
    NotEnrolled,
    PushGap,
    ResnapshotRequired,
    ServerRefused,
    ServerUnreachable,
)
from sync.protocol import DEFAULT_BATCH_SIZE, PushResponse, SignedHead, TagRunReport

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unwritten:
    """A push answer not yet written down: when it came, and how many it acknowledged."""

    answer: PushResponse
    received_ms: int
    pushed: int


DEFAULT_PULL_LIMIT = 2000  # changes per pull page: big enough for a fast snapshot, small in RAM
MAX_GAP_FOLLOWS = 3


def _system_ms() -> int:
    return int(time.time() * 1000)


class SyncEngine:
    def __init__(
        self,
        db: DeviceDatabase,
        server_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        now_ms: Callable[[], int] = _system_ms,
        batch_size: int = DEFAULT_BATCH_SIZE,
        pull_limit: int = DEFAULT_PULL_LIMIT,
        site: str | None = None,
        interval_s: float = 30.0,
        debounce_s: float = 0.3,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 60.0,
        timeout_s: float = 30.0,
        on_progress: Callable[[SyncProgress], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.server_url = server_url
        self.transport = transport
        self.now_ms = now_ms
        self.batch_size = batch_size
        self.pull_limit = pull_limit
        self.site = site  # the site this device replicates; None = every site
        self.interval_s = interval_s
        self.debounce_s = debounce_s
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.timeout_s = timeout_s
        self.on_progress = on_progress
        self._rng = rng or random.Random()
        self._lock = EngineLock(db.path)
        self._guard = threading.Lock()
        self._progress = SyncProgress()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._client: SyncClient | None = None
        self._cycle_lock: asyncio.Lock | None = None
        self._failures = 0
        self._refresh_counts()

    # ---- progress ---------------------------------------------------------------------------

    @property
    def progress(self) -> SyncProgress:
        return self._progress

    def _report(self, **changes: object) -> None:
        with self._guard:
            self._progress = self._progress.but(**changes)
            snapshot = self._progress
        if self.on_progress is not None:
            self.on_progress(snapshot)

    def _refresh_counts(self, **changes: object) -> None:
        with self.db.read() as conn:
            found = outbox.counts(conn)
        self._report(pending=found[outbox.PENDING], rejected=found[outbox.REJECTED], **changes)

    # ---- lifecycle --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Run in the background (syncs at once, then on every trigger). Raises
        EngineAlreadyRunning when another engine holds this database."""
        if self.running:
            return
        self._lock.acquire()
        self._stopping = False
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._thread_main, args=(ready,), name="tagtrail-sync", daemon=True
        )
        self._thread.start()
        ready.wait()

    def stop(self, timeout_s: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            self._stopping = True
            loop.call_soon_threadsafe(self._poke)
            thread.join(timeout_s)
        self._thread = None
        self._lock.release()
        self._report(state=STOPPED, retry_in_s=None)

    def nudge(self) -> None:
        """A new operation was recorded: push soon (debounced). Safe from any thread."""
        with self._guard:
            self._progress = self._progress.but(pending=self._progress.pending + 1)
        loop = self._loop
        if loop is not None and self.running:
            loop.call_soon_threadsafe(self._poke)

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _thread_main(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(ready))
        finally:
            loop.close()
            self._loop = None

    async def _main(self, ready: threading.Event) -> None:
        self._wake = asyncio.Event()
        self._cycle_lock = asyncio.Lock()
        self._client = SyncClient(
            self.server_url, transport=self.transport, timeout_s=self.timeout_s
        )
        ready.set()
        delay = 0.0  # trigger: at start
        try:
            while not self._stopping:
                nudged = await self._wait(delay)
                if self._stopping:
                    break
                if nudged and self.debounce_s > 0:
                    # Debounce: let a burst of scans settle into one push.
                    await asyncio.sleep(self.debounce_s)
                    self._wake.clear()
                delay = await self._attempt()
        finally:
            await self._client.aclose()
            self._client = None

    async def _wait(self, delay: float) -> bool:
        """Sleep until the timer runs out or a nudge comes (True); nudges wait out a backoff."""
        assert self._wake is not None
        if self._failures:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_or_never(), timeout=delay)
            return False
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=delay)
        except TimeoutError:
            return False
        self._wake.clear()
        return True

    async def _stop_or_never(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()

    def backoff_s(self, failures: int) -> float:
        """Exponential backoff with jitter: half fixed, half random, capped."""
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2.0 ** max(0, failures - 1))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    async def _attempt(self) -> float:
        """One trigger's work; returns the delay until the next timer trigger."""
        assert self._client is not None and self._cycle_lock is not None
        if self._failures:
            # Offline: probe cheaply first; a full cycle only once the store answers again.
            try:
                await self._client.health()
            except DeviceError as exc:
                return self._offline(exc)
        async with self._cycle_lock:
            try:
                await self._cycle(self._client)
            except (ServerUnreachable, ServerRefused, NotEnrolled) as exc:
                if isinstance(exc, ServerUnreachable):
                    return self._offline(exc)
                self._failures = 0
                self._refresh_counts(
                    state=IDLE, last_error=str(exc), last_error_ms=self.now_ms(), retry_in_s=None
                )
                return self.interval_s
        self._failures = 0
        return self.interval_s

    def _offline(self, exc: Exception) -> float:
        self._failures += 1
        delay = self.backoff_s(self._failures)
        self._refresh_counts(
            state=OFFLINE, last_error=str(exc), last_error_ms=self.now_ms(), retry_in_s=delay
        )
        return delay

    # ---- calls from the UI thread -------------------------------------------------------------

    def _run(self, work: Callable[[SyncClient], Awaitable[T]], timeout_s: float | None) -> T:
        """Run `work` on the engine's loop if it runs, else on a one-off loop under the lock."""
        loop = self._loop
        if loop is not None and self.running:

            async def on_engine() -> T:
                assert self._client is not None and self._cycle_lock is not None
                async with self._cycle_lock:
                    return await work(self._client)

            future: Future[T] = asyncio.run_coroutine_threadsafe(on_engine(), loop)
            return future.result(timeout_s)

        async def one_off() -> T:
            client = SyncClient(self.server_url, transport=self.transport, timeout_s=self.timeout_s)
            try:
                return await work(client)
            finally:
                await client.aclose()

        if self._lock.held:
            raise EngineAlreadyRunning("the engine is stopping")
        self._lock.acquire()
        try:
            return asyncio.run(one_off())
        finally:
            self._lock.release()

    def sync_now(self, timeout_s: float | None = None) -> SyncProgress:
        """Push everything, then pull everything, now; raise what stopped it (if anything)."""
        try:
            self._run(self._cycle, timeout_s)
        except DeviceError as exc:
            state = OFFLINE if isinstance(exc, ServerUnreachable) else IDLE
            self._refresh_counts(state=state, last_error=str(exc), last_error_ms=self.now_ms())
            raise
        return self._progress

    def enrol(self, code: str, name: str, timeout_s: float | None = None) -> None:
        """Exchange a one-time enrolment code for this device's token."""

        async def work(client: SyncClient) -> None:
            answer = await client.enrol(code, self.db.device_id, name)
            with self.db.write() as conn:
                save_state(
                    conn,
                    token=answer.token,
                    token_expires=answer.expires_at,
                    server_url=self.server_url,
                )

        self._run(work, timeout_s)

    def sign_in(self, username: str, pin: str, timeout_s: float | None = None) -> people.Person:
        """Check a person's PIN with the store; they become the person signed in here."""

        async def work(client: SyncClient) -> people.Person:
            token = self._state().token
            if not token:
                raise NotEnrolled("enrol this device before anyone signs in")
            answer = await client.sign_in(token, username, pin)
            with self.db.write() as conn:
                return people.remember(
                    conn,
                    answer.username,
                    display_name=answer.display_name,
                    role=answer.role,
                    token=answer.person_token,
                    token_expires=answer.expires_at,
                    now_ms=self.now_ms(),
                )

        return self._run(work, timeout_s)

    # ---- one cycle ------------------------------------------------------------------------

    def _state(self) -> SyncState:
        with self.db.read() as conn:
            return load_state(conn)

    async def _cycle(self, client: SyncClient) -> None:
        self._refresh_counts(state=SYNCING, retry_in_s=None)
        await self._push_all(client)
        await self._pull_all(client)
        await self._pull_settings(client)
        await self._report_printed(client)
        self._refresh_counts(
            state=IDLE,
            last_success_ms=self.now_ms(),
            last_error=None,
            retry_in_s=None,
        )

    def _tokens(self) -> tuple[SyncState, str, str | None]:
        with self.db.read() as conn:
            state = load_state(conn)
            person = people.token_for_sync(conn)
        if not state.token:
            raise NotEnrolled("this device is not enrolled yet: enrol it with a code from an admin")
        return state, state.token, person

    def _unsent(self) -> int:
        """This device's operations past the store's cursor (what it has not acknowledged)."""
        state = self._state()
        return max(0, state.last_seq - state.acked_seq)

    async def _push_all(self, client: SyncClient) -> int:
        """Push the outbox from the store's cursor in batches read page by page.

        Each answer is written down while the next batch is on its way (on a worker thread:
        SQLite lets go of the interpreter while it writes and syncs), so the device's commit
        and the store's work on the next batch overlap. Answers are written in order, one at a
        time, and every answer received is written before this returns or raises."""
        state, token, person = self._tokens()
        after, size, gaps, pushed = state.acked_seq, self.batch_size, 0, 0
        unwritten: Unwritten | None = None
        try:
            while True:
                with self.db.read() as conn:
                    batch = outbox.next_batch(conn, after, size)
                if not batch:
                    return pushed
                pending = max(0, self._state().last_seq - after)
                request = client.push(token, person, state.device_id, batch, pending)
                try:
                    answer = await self._send_while_writing(request, unwritten)
                except BatchTooLarge as exc:
                    if size == 1:
                        raise ServerRefused(
                            413, "one operation is bigger than the store takes"
                        ) from exc
                    size = max(1, size // 2)
                    continue
                except PushGap as gap:
                    gaps += 1
                    if gaps > MAX_GAP_FOLLOWS or gap.expected_seq > self._state().last_seq + 1:
                        raise ServerRefused(409, str(gap)) from gap
                    after = gap.expected_seq - 1
                    continue
                finally:
                    unwritten = None  # written by _send_while_writing, whatever happened
                unwritten = Unwritten(answer, self.now_ms(), answer.acked_through - after)
                if answer.acked_through <= after:
                    raise ServerRefused(200, f"the store acknowledged nothing past #{after}")
                pushed += answer.acked_through - after
                after = answer.acked_through
        finally:
            if unwritten is not None:
                self._write_answer(unwritten)
                self._refresh_counts(pushed=self._progress.pushed + unwritten.pushed)

    async def _send_while_writing(
        self, request: Awaitable[PushResponse], unwritten: Unwritten | None
    ) -> PushResponse:
        """Await `request` while the previous answer (if any) is written; both always finish,
        then the first failure is raised (the write's before the request's)."""
        if unwritten is None:
            return await request
        answer, written = await asyncio.gather(
            request, asyncio.to_thread(self._write_answer, unwritten), return_exceptions=True
        )
        if isinstance(written, BaseException):
            raise written
        self._refresh_counts(pushed=self._progress.pushed + unwritten.pushed)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def _write_answer(self, unwritten: Unwritten) -> None:
        """Keep the store's verdicts, its cursor and its head (thread-safe: its own
        connection, and no progress report, which stays on the engine's thread)."""
        answer, now = unwritten.answer, unwritten.received_ms
        verdicts = [(r.device_seq, r.status, r.reason or r.code) for r in answer.results]
        with self.db.write() as conn:
            held = load_state(conn).acked_seq
            outbox.record_verdicts(conn, verdicts, answer.acked_through, now)
            save_state(conn, acked_seq=max(held, answer.acked_through))
            self._keep_head(conn, answer.head, now)

    async def _pull_all(self, client: SyncClient) -> int:
        """Pull pages until the store has no more; one transaction per page, cursor included."""
        state, token, person = self._tokens()
        settle_through = state.acked_seq  # acked before this pull began: the pull will show them
        sites = json.dumps([self.site] if self.site else None)
        if state.sites != sites:
            # Replicating other sites than before: the cursor says nothing about them.
            with self.db.write() as conn:
                save_state(conn, sites=sites, resnapshot=1)
            state = self._state()
        cursor = None if state.resnapshot else state.cursor
        pulled = 0
        snapshot = cursor is None
        while True:
            try:
                page = await client.pull(
                    token, person, cursor, self.pull_limit, self.site, pending=self._unsent()
                )
            except ResnapshotRequired as exc:
                if cursor is None:
                    raise ServerRefused(410, str(exc)) from exc
                # The store no longer keeps our cursor: start over; keep the cache and outbox.
                with self.db.write() as conn:
                    save_state(conn, resnapshot=1)
                cursor, snapshot = None, True
                self._report(snapshot_pulled=0)
                continue
            now = self.now_ms()
            with self.db.write() as conn:
                stamps = cache.apply_changes(conn, page.changes)
                self._observe(conn, stamps)
                if not page.has_more:
                    outbox.settle(conn, settle_through)
                save_state(conn, cursor=page.next_cursor, resnapshot=0)
                self._keep_head(conn, page.head, now)
            pulled += len(page.changes)
            cursor = page.next_cursor
            changes: dict[str, object] = {"pulled": self._progress.pulled + len(page.changes)}
            if snapshot:
                changes["snapshot_pulled"] = pulled
            self._report(**changes)
            if not page.has_more:
                return pulled

    async def _pull_settings(self, client: SyncClient) -> None:
        """The store's settings, kept for offline use. They are extra to the sync: a store
        that will not say (an older version, a refusal, a dropped answer) leaves the ones held
        before, and the next cycle asks again."""
        _state, token, person = self._tokens()
        try:
            found = await client.settings(token, person)
        except (ServerRefused, ServerUnreachable):
            return
        store_settings.pulled(self.db, found, self.now_ms())

    async def _report_printed(self, client: SyncClient) -> None:
        """Give the store the runs of new tags printed here offline (sync.device.tag_numbers),
        and keep its answer. Extra to the sync too: unreachable or a sign-in refused, the run
        waits for the next cycle; refused otherwise (a store of an older version), it is kept
        as reported without clashes, so it is not sent for ever."""
        runs = tag_numbers.unreported(self.db)
        if not runs:
            return
        _state, token, person = self._tokens()
        for run in runs:
            try:
                report = TagRunReport.model_validate(
                    {"kind": run.kind, "first": run.first, "last": run.last}
                )
                answer = await client.report_printed(token, person, report)
            except ServerUnreachable:
                return
            except ServerRefused as exc:
                if exc.status in (401, 403):  # a sign-in that lapsed: the next cycle's person
                    return
                log.warning("the store refused offline run %s: %s", run, exc)
                tag_numbers.reported(self.db, run, (), self.now_ms())
                continue
            except ValidationError as exc:
                log.warning("offline run %s cannot be reported: %s", run, exc)
                tag_numbers.reported(self.db, run, (), self.now_ms())
                continue
            clashes = [(c.first, c.last) for c in answer.clashes]
            tag_numbers.reported(self.db, run, clashes, self.now_ms())

    def _observe(self, conn: Connection, stamps: list[str]) -> None:
        latest = None
        for text in stamps:
            try:
                stamp = parse_stamp(text)
            except AssetsError:
                continue
            latest = stamp if latest is None or stamp > latest else latest
        if latest is not None:
            warning = clock.observe_stamp(conn, latest, self.now_ms)
            if warning:
                self._report(last_error=warning, last_error_ms=self.now_ms())

    @staticmethod
    def _keep_head(conn: Connection, head: SignedHead | None, now_ms: int) -> None:
        if head is not None:
            heads.remember(conn, head, now_ms)
