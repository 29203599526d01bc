"""Where the files of a dataset export are read: in the local pool of `--jobs`, or on a Dask cluster (`--engine dask`).

Both engines do the same: hash each file (sha256 of its bytes), let the dataset decide from the hash whether it is
to be read (gongkai.export.dataset.Dataset.admit: not if stored already, or being read at another path), and read
those with the one work function of the command, under the same limits (gongkai.pool: `--timeout`,
`--max-memory`, a file that crashes or hangs its worker costs that file only). Both yield (sha256, Result).

Locally the pool's workers read and this process hashes (a few milliseconds a file against a second to read a PDF).
On Dask, the workers hash too (the files are read where the workers are: on a cluster, the paths must name the same
files on every worker, e.g. absolute paths on a shared file system); each file read is a task that runs the work in
a gongkai worker process that the cluster's worker keeps (gongkai.pool), as `--jobs` reads each file. The files
go in chunks: a chunk is hashed (ahead of the reading tasks queued before it) and its new files submitted, then the
previous chunk's results are taken as they finish, so that at most two chunks are in flight: memory stays flat.
dask and distributed are imported here only, when the engine runs.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from gongkai.errors import InputError
from gongkai.export.dataset import Dataset
from gongkai.i18n import Message, language, using
from gongkai.inputs import iter_files
from gongkai.pool import Limits, Pool, ReadingOptions, Result, default_jobs

Work = Callable[[str], Any]
HASHED_IN_A_TASK = 32
Read = tuple[str | None, Result]  # (sha256, what the work made of the file); None: a file that cannot be opened


def content_hash(path: str) -> tuple[str | None, str | None]:
    """The sha256 of a file's bytes, or None and the one-line error of a file that cannot be opened."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        return None, str(InputError.from_os(path, exc))
    return digest.hexdigest(), None


def content_hashes(paths: list[str]) -> list[tuple[str | None, str | None]]:
    """content_hash of each path: one cluster task hashes several files (a task costs a few milliseconds itself)."""
    return [content_hash(path) for path in paths]


def _admitted(dataset: Dataset, hashed: Iterable[tuple[str, str | None, str | None]],
              unopened: deque[Read]) -> Iterator[tuple[str, str]]:
    """(path, sha256) of the files to read, from (path, sha256, error) in input order; the dataset notes the copies,
    and a file that cannot be opened goes to `unopened` as a Read of its error (unless it failed so before)."""
    for path, sha256, error in hashed:
        if sha256 is None:
            if not dataset.unopened(path):
                unopened.append((None, Result(path, value=error)))  # content_hash gives the error with None
        elif dataset.admit(path, sha256):
            yield path, sha256


def _drained(reads: deque[Read]) -> Iterator[Read]:
    """The reads queued so far, taken off the queue (more may be queued while the caller has them)."""
    while reads:
        yield reads.popleft()


def local_reads(paths: list[str], dataset: Dataset, work: Work, reading: ReadingOptions) -> Iterator[Read]:
    """The files read in the pool of `reading` (`--jobs`), in input order."""
    shas: deque[str] = deque()
    unopened: deque[Read] = deque()

    def to_read() -> Iterator[str]:
        for path, sha256 in _admitted(dataset, ((p, *content_hash(p)) for p in iter_files(paths)), unopened):
            shas.append(sha256)
            yield path

    with reading.pool(work) as pool:
        for result in pool.imap(to_read()):
            yield from _drained(unopened)
            yield shas.popleft(), result
    yield from _drained(unopened)


_pools: dict[tuple[Work, Limits, int], Pool] = {}  # a cluster worker's own gongkai pools, by work, limits, thread


def _pool_here(work: Work, limits: Limits) -> Pool:
    """This cluster worker's pool of one gongkai worker process for `work` (kept for the next task: starting one per
    task would cost 75 ms a file). A daemonic worker may start no process (a cluster started without
    distributed.worker.daemon=False): its pool reads in the worker itself, errors still caught, without the limits."""
    import multiprocessing

    key = (work, limits, threading.get_ident())
    if key not in _pools:
        _pools[key] = Pool(work, jobs=1, limits=limits, in_process=multiprocessing.current_process().daemon)
    return _pools[key]


def run_on_worker(work: Work, item: str, limits: Limits, lang: str) -> Result:
    """`work(item)` on a cluster's worker as `--jobs`'s pool runs it: in a gongkai worker process under the limits
    (gongkai.pool), which that process's end takes along."""
    with using(lang):
        [result] = _pool_here(work, limits).imap([item])  # consumed to its end: an abandoned imap kills the workers
    return result


@contextmanager
def cluster_client(scheduler: str | None, jobs: int | None) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `jobs` worker processes (default: a core
    each), whose workers may start the processes that read under the limits."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (dask.config.set({"distributed.worker.daemon": False}),
          LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1, processes=True,
                       dashboard_address=None, silence_logs=logging.CRITICAL) as cluster,
          Client(cluster) as client):
        yield client


def _finished(running: list[tuple[str, str, Any]]) -> Iterator[Read]:
    """The results of the submitted reads as they finish; a task the cluster lost fails its file alone."""
    from distributed import as_completed

    by_future = {future: (path, sha256) for path, sha256, future in running}
    for future in as_completed(list(by_future)):
        path, sha256 = by_future.pop(future)
        try:
            yield sha256, future.result()
        except Exception as exc:  # a worker lost (KilledWorker), a scheduler gone: this file, not the run
            yield sha256, Result(path, problem=Message("pool.died", detail=f"{type(exc).__name__}: {exc}"))


def dask_reads(paths: list[str], dataset: Dataset, work: Work, reading: ReadingOptions,
               scheduler: str | None) -> Iterator[Read]:
    """The files read on a Dask cluster, each a task, in the order they finish."""
    with cluster_client(scheduler, reading.jobs) as client:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        size = max(256, 16 * workers)
        limits, lang = reading.limits(), language()
        files = iter_files(paths)
        running: list[tuple[str, str, Any]] = []
        while chunk := list(islice(files, size)):
            slices = [chunk[i:i + HASHED_IN_A_TASK] for i in range(0, len(chunk), HASHED_IN_A_TASK)]
            hashed = [h for part in client.gather(client.map(content_hashes, slices, pure=False, priority=10))
                      for h in part]
            unopened: deque[Read] = deque()
            admitted = _admitted(dataset, ((p, *h) for p, h in zip(chunk, hashed, strict=True)), unopened)
            submitted = [(path, sha256, client.submit(run_on_worker, work, path, limits, lang, pure=False))
                         for path, sha256 in admitted]
            yield from unopened
            yield from _finished(running)
            running = submitted
        yield from _finished(running)
