"""Run a function over batches of work: in this process, in worker processes, or on a Dask cluster.

The three runners share one interface, :class:`Runner`: ``imap(func, batches, *args)`` yields
``func(batch, *args)`` for every batch, **in the order the batches were given**, with a bounded
number of batches in flight (so a long input streams through in constant memory). Arguments
shared by every batch (the corpus' known names, the entity table) go through
``share(obj)`` once: the pool pickles them per task, Dask scatters them to every worker once.

The local runners (this process, worker processes) also keep **state per worker**:
``imap_keep(func, batches, *args)`` sends each batch to the first worker free, calls
``func(state, batch, *args)`` with that worker's own dict and says which worker it was, and
``broadcast(func, args_per_worker)`` calls ``func(state, *args)`` once on every worker. A build
keeps each document in the worker that analysed it, so only names, contributions and where the
graphs were written (:mod:`kg.spool`) cross processes.

Worker processes build their :class:`kg.pipeline.Pipeline` once (``kg.api.default_pipeline`` is
cached per process), so the jieba dictionary and lexicon load once per worker, not per document.

>>> with open_runner(workers=1) as runner:
...     list(runner.imap(sum, [[1, 2], [3]]))
[3, 3]
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
from abc import ABC, abstractmethod
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from kg.errors import KGError, StoreError

__all__ = ["DaskRunner", "PoolRunner", "Runner", "SerialRunner", "default_workers", "open_runner"]


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Runner(ABC):
    """Maps a function over batches, keeping their order."""

    #: how many batches run at the same time
    workers: int = 1
    #: True when batches (may) run in other processes (their results arrive pickled)
    remote: bool = False
    #: True when workers keep state between calls (``imap_keep``, ``broadcast``); worker 0 is then
    #: this process
    stateful: bool = False

    @abstractmethod
    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        """``func(batch, *args)`` for every batch, in order."""

    def imap_keep(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[tuple[int, Any]]:
        """``(worker, func(state, batch, *args))`` for every batch, in order: the worker whose
        state the batch went to (the first one free) and the result."""
        raise NotImplementedError

    def broadcast(self, func: Callable, args_per_worker: list[tuple]) -> list[Any]:
        """``func(state, *args)`` on every worker (with its own arguments), results in worker order."""
        raise NotImplementedError

    def share(self, obj: Any) -> Any:
        """A handle for ``obj`` to pass to ``imap`` as an argument of every task."""
        return obj

    def close(self) -> None:
        """Stop the workers this runner started."""

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SerialRunner(Runner):
    """Everything in this process, one batch after the other."""

    stateful = True

    def __init__(self) -> None:
        self.state: dict = {}  # worker 0's

    def _here(self, func: Callable, args: tuple, keep: bool) -> Any:
        """A call run by worker 0, this process."""
        if not keep:
            return func(*args)
        result = func(self.state, *args)
        gc.freeze()  # as in a worker process (see _work)
        return result

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        for batch in batches:
            yield self._here(func, (batch, *args), False)

    def imap_keep(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[tuple[int, Any]]:
        for batch in batches:
            yield 0, self._here(func, (batch, *args), True)

    def broadcast(self, func: Callable, args_per_worker: list[tuple]) -> list[Any]:
        return [self._here(func, args_per_worker[0], True)]

    def close(self) -> None:
        self.state.clear()
        gc.unfreeze()


#: seconds between a waiting worker's checks that its parent is still alive
_PARENT_POLL = 1.0


def _die_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent`` does (SIGKILL, a CI timeout, a crash).

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``); on
    every platform ``_work`` also polls ``os.getppid()`` while it waits for a call. Ctrl-C is
    the parent's to handle: a worker ignores SIGINT (the parent stops it), so no worker prints
    a KeyboardInterrupt traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # died before prctl took effect
        os._exit(1)


def _work(index: int, inbox, outbox, parent: int | None = None) -> None:
    """Worker process ``index``: runs ``(func, args, keep)`` calls from its inbox until ``None`` and
    answers ``(index, ok, result)`` on the shared outbox; ``keep`` passes it its state. It ends
    when its parent process ``parent`` does."""
    parent = os.getppid() if parent is None else parent
    _die_with_parent(parent)
    state: dict = {}
    while True:
        try:
            call = inbox.get(timeout=_PARENT_POLL)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)
            continue
        if call is None:
            return
        func, args, keep = call
        try:
            result = (index, True, func(state, *args) if keep else func(*args))
        except BaseException as exc:  # sent back to be raised in the main process
            try:
                pickle.dumps(exc)
            except Exception:
                exc = KGError(f"in a worker process: {exc!r}")
            result = (index, False, exc)
        outbox.put(result)
        if keep:  # the state lives to the end of the build: the collector need not scan it again
            gc.freeze()  # (else full collections scan every kept document, over and over)


class PoolRunner(SerialRunner):
    """This process and worker processes on this machine (forked where the platform allows it).

    Worker 0 is this process, as in a :class:`SerialRunner`: it takes a batch itself whenever it
    is not waiting, so ``workers`` processes run in all and one fewer is started. Each other worker
    has an inbox and all answer on one outbox, so the next batch goes to the first worker that is
    free. Forking lets the workers inherit a pipeline the parent already loaded; elsewhere each
    worker loads its own on its first task.
    """

    remote = True

    def __init__(self, workers: int) -> None:
        super().__init__()
        self.workers = workers
        # objects the parent holds now (the loaded pipeline) are left out of the garbage collector,
        # whose passes would otherwise copy every shared page into each forked worker
        gc.freeze()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._outbox = context.Queue()
        self._inboxes, self._procs = [None], []
        for index in range(1, workers):
            inbox = context.Queue()
            proc = context.Process(target=_work, args=(index, inbox, self._outbox, os.getpid()), daemon=True)
            proc.start()
            self._inboxes.append(inbox)
            self._procs.append(proc)

    def _receive(self, block: bool = True) -> tuple[int, bool, Any] | None:
        """The next answer of a worker process, ``(worker, ok, result or exception)``; None when
        there is none yet and not ``block``."""
        while True:
            try:
                return self._outbox.get(timeout=1.0) if block else self._outbox.get_nowait()
            except queue.Empty:
                if not block:
                    return None
                for proc in self._procs:
                    if not proc.is_alive():
                        raise KGError(f"worker process {proc.pid} stopped (exit code {proc.exitcode})",
                                      hint="it may have run out of memory: try fewer --workers") from None

    def _map(self, func: Callable, batches: Iterable[Any], args: tuple, keep: bool
             ) -> Iterator[tuple[int, Any]]:
        """``(worker, result)`` for every batch in order. A worker process gets the next batch when
        it answers, with one more waiting in its inbox so that it never idles, and this process
        runs a batch whenever it has nothing to pass on; at most 8 batches per worker are taken
        and not yet yielded, so memory stays bounded."""
        batches = iter(batches)
        in_flight: list[deque] = [deque() for _ in range(self.workers)]  # batch numbers, per worker
        done: dict[int, tuple[int, Any]] = {}
        taken = yielded = 0
        more = True

        def take() -> Any:  # the next batch, or _END when there is none or too many are taken
            nonlocal more, taken
            if not more or taken - yielded >= 8 * self.workers:
                return _END
            batch = next(batches, _END)
            if batch is _END:
                more = False
            else:
                taken += 1
            return batch

        def answered(answer: tuple[int, bool, Any]) -> None:
            i, ok, value = answer
            if not ok:
                raise value
            done[in_flight[i].popleft()] = (i, value)

        while more or yielded < taken:
            while any(in_flight) and (answer := self._receive(block=False)) is not None:
                answered(answer)
            for i in range(1, self.workers):
                while len(in_flight[i]) < 2 and (batch := take()) is not _END:
                    self._inboxes[i].put((func, (batch, *args), keep))
                    in_flight[i].append(taken - 1)
            if (batch := take()) is not _END:
                done[taken - 1] = (0, self._here(func, (batch, *args), keep))
            elif yielded < taken and yielded not in done:  # (no batch at all: nothing to wait for)
                answered(self._receive())
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        return (result for _, result in self._map(func, batches, args, keep=False))

    def imap_keep(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[tuple[int, Any]]:
        return self._map(func, batches, args, keep=True)

    def broadcast(self, func: Callable, args_per_worker: list[tuple]) -> list[Any]:
        for inbox, args in zip(self._inboxes[1:], args_per_worker[1:]):
            inbox.put((func, args, True))
        results: list[Any] = [None] * self.workers
        error = None
        try:
            results[0] = self._here(func, args_per_worker[0], True)
        except Exception as exc:
            error = exc
        for _ in range(1, self.workers):  # every answer is taken, so none is left for a later call
            i, ok, value = self._receive()
            results[i] = value
            error = error or (None if ok else value)
        if error is not None:
            raise error
        return results

    def close(self, interrupted: bool = False) -> None:
        """Tell every worker to stop and wait for it (a few seconds at most); when ``interrupted``
        (an exception, Ctrl-C), stop them at once."""
        for inbox, proc in zip(self._inboxes[1:], self._procs):
            if proc.is_alive() and not interrupted:
                try:
                    inbox.put(None)
                except (OSError, ValueError):
                    pass
        super().close()
        for proc in self._procs:
            if interrupted:
                proc.terminate()
            proc.join(timeout=1 if interrupted else 10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for q in self._inboxes[1:] + [self._outbox]:
            q.close()
            q.cancel_join_thread()
        self._procs = []

    def __exit__(self, exc_type, *exc) -> None:
        self.close(interrupted=exc_type is not None)


_END = object()


class DaskRunner(Runner):
    """Tasks on an existing Dask distributed cluster (``distributed`` is imported only here).

    Every worker needs zhkg installed (same version) and, with ``--ner-model``, the model file
    at the same path.
    """

    remote = True

    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise KGError("--dask needs the 'distributed' package",
                          hint="pip install 'dask[distributed]'") from None
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise StoreError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.workers = max(1, sum(self._client.nthreads().values()))

    def share(self, obj: Any) -> Any:
        return self._client.scatter(obj, broadcast=True, hash=False)

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        pending: deque = deque()
        for batch in batches:
            pending.append(self._client.submit(func, batch, *args, pure=False))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._client.close()


def open_runner(workers: int | None = None, dask: str | None = None) -> Runner:
    """The runner for ``workers`` processes (None: all cores; 1: this process) or a Dask scheduler."""
    if dask:
        return DaskRunner(dask)
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise KGError(f"--workers must be at least 1, not {workers}")
    return SerialRunner() if workers == 1 else PoolRunner(workers)


def batched(items: Iterable[Any], size: int) -> Iterator[list]:
    """Lists of ``size`` consecutive items (the last one shorter)."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
