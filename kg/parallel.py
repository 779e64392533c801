"""Run a function over batches of work: in this process, in worker processes, or on a Dask cluster.

The three runners share one interface, :class:`Runner`: ``imap(func, batches, *args)`` yields
``func(batch, *args)`` for every batch, **in the order the batches were given**, with a bounded
number of batches in flight (so a long input streams through in constant memory). Arguments
shared by every batch (the corpus' known names, the entity table) go through
``share(obj)`` once: the pool pickles them per task, Dask scatters them to every worker once.

The local runners (this process, worker processes) also keep **state per worker**:
``imap_keep(func, batches, *args)`` sends batch k to worker k mod n and calls
``func(state, batch, *args)`` with that worker's own dict, and ``broadcast(func, args_per_worker)``
calls ``func(state, *args)`` once on every worker. A build keeps each document in the worker
that analysed it, so only names, contributions and N-Quads cross processes.

Worker processes build their :class:`kg.pipeline.Pipeline` once (``kg.api.default_pipeline`` is
cached per process), so the jieba dictionary and lexicon load once per worker, not per document.

>>> with open_runner(workers=1) as runner:
...     list(runner.imap(sum, [[1, 2], [3]]))
[3, 3]
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
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
    #: True when batches run in other processes (their results arrive pickled)
    remote: bool = False
    #: True when workers keep state between calls (``imap_keep``, ``broadcast``)
    stateful: bool = False

    @abstractmethod
    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        """``func(batch, *args)`` for every batch, in order."""

    def imap_keep(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        """``func(state, batch, *args)`` for every batch, in order; batch k on worker k mod n."""
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
        self.state: dict = {}

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        for batch in batches:
            yield func(batch, *args)

    def imap_keep(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        for batch in batches:
            yield func(self.state, batch, *args)

    def broadcast(self, func: Callable, args_per_worker: list[tuple]) -> list[Any]:
        return [func(self.state, *args_per_worker[0])]


def _work(inbox, outbox) -> None:
    """A worker process: runs ``(func, args, keep)`` calls until ``None``; ``keep`` passes its state."""
    state: dict = {}
    while True:
        call = inbox.get()
        if call is None:
            return
        func, args, keep = call
        try:
            result = (True, func(state, *args) if keep else func(*args))
        except BaseException as exc:  # sent back to be raised in the main process
            try:
                pickle.dumps(exc)
            except Exception:
                exc = KGError(f"in a worker process: {exc!r}")
            result = (False, exc)
        outbox.put(result)
        if keep:
            gc.freeze()  # the state lives to the end of the build: the collector need not scan it


class PoolRunner(Runner):
    """Worker processes on this machine (forked where the platform allows it), each with a queue.

    Forking lets the workers inherit a pipeline the parent already loaded; elsewhere each
    worker loads its own on its first task.
    """

    remote = True
    stateful = True

    def __init__(self, workers: int) -> None:
        self.workers = workers
        # objects the parent holds now (the loaded pipeline) are left out of the garbage collector,
        # whose passes would otherwise copy every shared page into each forked worker
        gc.freeze()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._inboxes, self._outboxes, self._procs = [], [], []
        for _ in range(workers):
            inbox, outbox = context.Queue(), context.Queue()
            proc = context.Process(target=_work, args=(inbox, outbox), daemon=True)
            proc.start()
            self._inboxes.append(inbox)
            self._outboxes.append(outbox)
            self._procs.append(proc)

    def _receive(self, i: int) -> Any:
        while True:
            try:
                ok, value = self._outboxes[i].get(timeout=1.0)
                break
            except queue.Empty:
                if not self._procs[i].is_alive():
                    raise KGError(f"worker process {self._procs[i].pid} stopped "
                                  f"(exit code {self._procs[i].exitcode})",
                                  hint="it may have run out of memory: try fewer --workers") from None
        if not ok:
            raise value
        return value

    def _map(self, func: Callable, batches: Iterable[Any], args: tuple, keep: bool) -> Iterator[Any]:
        pending: deque = deque()  # the worker of every call in flight, oldest first
        for k, batch in enumerate(batches):
            i = k % self.workers
            self._inboxes[i].put((func, (batch, *args), keep))
            pending.append(i)
            if len(pending) >= 2 * self.workers:
                yield self._receive(pending.popleft())
        while pending:
            yield self._receive(pending.popleft())

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        return self._map(func, batches, args, keep=False)

    def imap_keep(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        return self._map(func, batches, args, keep=True)

    def broadcast(self, func: Callable, args_per_worker: list[tuple]) -> list[Any]:
        for inbox, args in zip(self._inboxes, args_per_worker):
            inbox.put((func, args, True))
        results, error = [], None
        for i in range(self.workers):  # every answer is taken, so none is left for a later call
            try:
                results.append(self._receive(i))
            except Exception as exc:
                error = error or exc
        if error is not None:
            raise error
        return results

    def close(self) -> None:
        for inbox, proc in zip(self._inboxes, self._procs):
            if proc.is_alive():
                inbox.put(None)
        for proc in self._procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
        for q in self._inboxes + self._outboxes:
            q.close()
        gc.unfreeze()


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
