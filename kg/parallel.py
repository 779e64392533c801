"""Run a function over batches of work: in this process, in a process pool, or on a Dask cluster.

The three runners share one interface, :class:`Runner`: ``imap(func, batches, *args)`` yields
``func(batch, *args)`` for every batch, **in the order the batches were given**, with a bounded
number of batches in flight (so a long input streams through in constant memory). Arguments
shared by every batch (the corpus' known names, the entity table) go through
``share(obj)`` once: the pool pickles them per task, Dask scatters them to every worker once.

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

    @abstractmethod
    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        """``func(batch, *args)`` for every batch, in order."""

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

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        for batch in batches:
            yield func(batch, *args)


class PoolRunner(Runner):
    """A pool of worker processes on this machine (forked where the platform allows it).

    Forking lets the workers inherit a pipeline the parent already loaded; elsewhere each
    worker loads its own on its first task.
    """

    remote = True

    def __init__(self, workers: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        # objects the parent holds now (the loaded pipeline) are left out of the garbage collector,
        # whose passes would otherwise copy every shared page into each forked worker
        gc.freeze()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        # start the workers now, before the caller opens stores or starts threads of its own
        for future in [self._pool.submit(os.getpid) for _ in range(workers)]:
            future.result()

    def imap(self, func: Callable, batches: Iterable[Any], *args) -> Iterator[Any]:
        pending: deque = deque()
        for batch in batches:
            pending.append(self._pool.submit(func, batch, *args))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
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
