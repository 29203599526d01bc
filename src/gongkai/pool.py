"""Reading many reports at once, each file in a worker process under a wall-time and a memory limit.

`Pool(work, jobs, limits).imap(paths)` yields one `Result` per path, in the order of the paths, whatever order
the workers finish in. `work` is a module-level function of one path (or a `functools.partial` of one), run in a
worker: it does the reading and whatever else a command needs done per file (checks, a flat row) and returns
something small to pickle. A file that takes longer than `limits.seconds` has its worker killed and replaced; one
that runs out of its `limits.memory_mb` (RLIMIT_AS, set in the worker) gets a MemoryError in the worker, which is
then replaced too; a worker that dies of anything else is replaced likewise. Each of these becomes one `Result`
with a `problem` (a Message, rendered in the parent: `gongkai: big.pdf: 读取超时（300 秒）`) and the run goes on.

Why a small pool of our own rather than multiprocessing.Pool or concurrent.futures: neither can kill the one
worker stuck in a file and go on (ProcessPoolExecutor breaks as a whole when a worker dies; Pool's timeout only
stops waiting, the worker keeps the file). Here each worker is a `multiprocessing.Process` with a pipe of its
own, so the parent knows which file each worker holds, when it started, and can kill exactly that worker.

Workers come from the 'forkserver' context where there is one (Linux, macOS): a clean server process, started
once with gongkai's reading modules imported and its tables loaded (gongkai._preload), forks each worker, so
starting or replacing one costs milliseconds, and never copies the parent's threads (a progress bar's, a web
server's) or locks. Elsewhere 'spawn'. A worker never runs the parent's main script again (multiprocessing would).
It reads file after file until the pool closes, each in the language the parent had when it sent the file
(i18n.set_language). Workers and the server ignore SIGINT: Ctrl-C on a terminal reaches the whole process group,
and it is the parent's to handle: it kills and joins every worker before it exits. A parent killed outright takes
them along too: the server ends when the parent does, and on Linux each worker dies with the server
(PR_SET_PDEATHSIG).

Memory stays flat however many files: the paths are taken from the iterable only as far as `window` places
ahead of the oldest result not yet yielded, and each worker holds at most `PREFETCH` of them: one it reads and,
if its last file was quick, the next waiting in its pipe, so that it never waits for the parent between short
files, and no file waits behind a long one while another worker is free.

`in_process=True` (`--jobs 1`) reads in the calling process, one file after the other, with no worker: the time
limit still holds on the main thread of a POSIX process (an alarm, checked between Python steps, so a long call
inside a C library finishes first), the memory limit does not (it would cap the whole program).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from gongkai.errors import InputError
from gongkai.i18n import Message, language, set_language

R = TypeVar("R")

DEFAULT_SECONDS = 300.0  # a 30-page scan takes 2 minutes on a quiet machine (3.5–4 s a page), twice that on a busy one
DEFAULT_MEMORY_MB = 2048  # address space of a worker: 25 MB idle, 60 MB reading a 6-page PDF; OCR fits well under it
PREFETCH = 2  # paths a worker holds: the one it reads and the next (only a worker whose last file was quick)
QUICK = 0.5  # seconds: a worker whose last file took less gets the next path before it asks
_STOP_GRACE = 2.0  # seconds a worker told to stop has before it is killed
_PRELOAD = ["gongkai.pool", "gongkai._preload"]  # what the workers' server imports before it forks any


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may take: wall time in seconds and a worker's memory in MB; None is no limit."""

    seconds: float | None = DEFAULT_SECONDS
    memory_mb: int | None = DEFAULT_MEMORY_MB


@dataclass(slots=True)
class Result(Generic[R]):
    """What became of one path: the work's value, or the problem that stopped it (a Message, not yet rendered)."""

    item: str
    value: R | None = None
    problem: Message | None = None

    @property
    def error(self) -> str:
        """The one-line error naming the file, in the current language: `big.pdf: 读取超时（300 秒）`."""
        return str(InputError(self.item, self.problem or Message("errors.file.internal_error", detail="?")))


# ── in a worker ─────────────────────────────────────────────────────────────────────────────────────────────


def _limit_memory(memory_mb: int | None) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: no limit
        return
    if memory_mb is None:
        return
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the process that started it ends, however it ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _internal(exc: BaseException) -> Message:
    return Message("errors.file.internal_error", detail=f"{type(exc).__name__}: {exc}")


def _serve(conn: Any, work: Callable[[str], Any], memory_mb: int | None) -> None:
    """A worker: receive (index, path, language), send (index, value, problem) back, until told to stop or
    orphaned. The language comes with each path: a web application's pool serves requests in either."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    try:
        _die_with_parent()
        _limit_memory(memory_mb)
        while (task := conn.recv()) is not None:
            index, item, lang = task
            set_language(lang)
            try:
                conn.send((index, work(item), None))
            except MemoryError:
                conn.send((index, None, Message("pool.memory", mb=memory_mb) if memory_mb
                           else Message("pool.out_of_memory")))
                return  # a worker that ran out of memory is replaced by a fresh one
            except Exception as exc:  # a bug must cost one file, not the run
                conn.send((index, None, _internal(exc)))
    except (EOFError, OSError, KeyboardInterrupt):  # the parent is gone or stopping us
        pass
    except BaseException:  # nothing of a dying worker may reach the terminal
        os._exit(1)


# ── in the parent ───────────────────────────────────────────────────────────────────────────────────────────


def _context(work_module: str | None = None) -> Any:
    """The multiprocessing context of the workers; with a fork server, that server is started now (it loads
    `_PRELOAD` and the work's module while the caller goes on) unless it runs already."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    extra = [work_module] if work_module and work_module != "__main__" else []
    context.set_forkserver_preload([*_PRELOAD, *extra])  # no effect once the server runs
    from multiprocessing import forkserver

    with _ctrl_c_ignored():
        forkserver.ensure_running()
    return context


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Start the server with SIGINT ignored, as it inherits: a Ctrl-C on the terminal reaches every process of the
    group, and one arriving while the server still imports would print its traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


_starting = threading.Lock()


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Start a worker without having it run the parent's main script again (multiprocessing re-runs a script
    given by path in every child, to find functions defined in it): the work is a function of an importable
    module, and the `gongkai` script, a web server's or a benchmark's main would only cost time, or worse."""
    main = sys.modules.get("__main__")
    with _starting:
        path = main.__dict__.pop("__file__", None) if main is not None else None
        try:
            yield
        finally:
            if path is not None:
                main.__file__ = path  # type: ignore[union-attr]


def _module_of(work: Callable) -> str | None:
    return getattr(getattr(work, "func", work), "__module__", None)


class _Worker:
    """One worker process, its end of the pipe, and the (index, path) pairs it holds, oldest first."""

    def __init__(self, context: Any, work: Callable, memory_mb: int | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, memory_mb), daemon=True,
                                       name="gongkai-reader")
        with _main_script_hidden():
            self.process.start()
        child.close()
        self.held: deque[tuple[int, str]] = deque()
        self.started = time.monotonic()  # when it began the oldest path it holds
        self.quick = False  # its last file took less than QUICK: the next one may wait in its pipe

    def give(self, index: int, item: str) -> None:
        """Send a path (OSError if the worker has died since its last result)."""
        self.conn.send((index, item, language()))
        if not self.held:
            self.started = time.monotonic()
        self.held.append((index, item))

    def ask_to_stop(self) -> bool:
        try:
            self.conn.send(None)
        except OSError:
            return False
        return True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _describe_end(process: Any) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


class _Alarm(BaseException):
    """The in-process time limit fired (a BaseException: the work's `except Exception` does not catch it)."""


class Pool(Generic[R]):
    """Worker processes that run `work` on paths under `limits`; a context manager that stops them at its end.

    The workers start when there is a path for them (never more than `jobs`, never more than there are paths)
    and are reused across `imap` calls until `close`."""

    def __init__(self, work: Callable[[str], R], jobs: int | None = None, limits: Limits = Limits(),
                 in_process: bool = False, window: int | None = None) -> None:
        self.work = work
        self.jobs = max(jobs or default_jobs(), 1)
        self.limits = limits
        self.in_process = in_process
        self.window = window or max(16 * self.jobs, 32)
        self._workers: list[_Worker] = []
        self._context: Any = None

    def __enter__(self) -> Pool[R]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(kill=kind is not None)

    def close(self, kill: bool = False) -> None:
        """Stop every worker: ask them to end (kill=False), or kill them at once (on an error, on Ctrl-C)."""
        workers, self._workers = self._workers, []
        asked = [w for w in workers if not kill and not w.held and w.ask_to_stop()]
        deadline = time.monotonic() + _STOP_GRACE
        for worker in asked:
            worker.process.join(max(deadline - time.monotonic(), 0))
        for worker in workers:
            worker.kill()

    # ── the results, in input order ─────────────────────────────────────────────────────────────────────

    def imap(self, items: Iterable[str], on_finished: Callable[[], object] | None = None) -> Iterator[Result[R]]:
        """One Result per item, in input order; `on_finished` is called as each item finishes, in any order."""
        if self.in_process:
            for item in items:
                result = self._run_here(item)
                if on_finished:
                    on_finished()
                yield result
            return
        yield from _Run(self, items, on_finished).results()

    def _run_here(self, item: str) -> Result[R]:
        try:
            return Result(item, value=self._call_with_alarm(item))
        except _Alarm:
            return Result(item, problem=Message("pool.timeout", seconds=_seconds(self.limits.seconds)))
        except MemoryError:
            return Result(item, problem=Message("pool.out_of_memory"))
        except Exception as exc:
            if os.environ.get("GONGKAI_DEBUG"):
                raise
            return Result(item, problem=_internal(exc))

    def _call_with_alarm(self, item: str) -> R:
        seconds = self.limits.seconds
        if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
            return self.work(item)

        def ring(signum: int, frame: object) -> None:
            raise _Alarm

        previous = signal.signal(signal.SIGALRM, ring)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                return self.work(item)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)

    # ── workers ─────────────────────────────────────────────────────────────────────────────────────────

    def prepare(self) -> None:
        """Get the workers' server going now (it loads the readers meanwhile): call it early, before the caller's
        own slow imports, to have both at once. Nothing for a pool that reads in process."""
        if self._context is None and not self.in_process:
            self._context = _context(_module_of(self.work))

    def _start_worker(self) -> _Worker:
        self.prepare()
        worker = _Worker(self._context, self.work, self.limits.memory_mb)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, begun: bool = True) -> list[tuple[int, str]]:
        """Kill a worker and give back the paths it held but had not begun (all but the oldest if it had begun
        one)."""
        worker.kill()
        self._workers.remove(worker)
        held = list(worker.held)
        return held[1:] if begun else held


def _seconds(value: float | None) -> float | int:
    return int(value) if value is not None and float(value).is_integer() else (value or 0)


class _Run(Generic[R]):
    """One imap call over worker processes: hand out paths, collect results, enforce the time limit."""

    def __init__(self, pool: Pool[R], items: Iterable[str], on_finished: Callable[[], object] | None) -> None:
        self.pool = pool
        self.source = enumerate(items)
        self.exhausted = False
        self.again: deque[tuple[int, str]] = deque()  # paths a retired worker held unread, sent again first
        self.done: dict[int, Result[R]] = {}
        self.next_out = 0  # the index of the next result to yield
        self.issued = 0  # paths taken from the source so far
        self.on_finished = on_finished

    def results(self) -> Iterator[Result[R]]:
        finished = False
        try:
            while True:
                self._hand_out()
                while self.next_out in self.done:
                    yield self.done.pop(self.next_out)
                    self.next_out += 1
                if not any(w.held for w in self.pool._workers):
                    if self.exhausted and not self.again and not self.done:
                        break
                    continue
                self._collect()
            finished = True
        finally:
            if not finished:  # an error, Ctrl-C, or the caller stopped reading: no worker may outlive it
                self.pool.close(kill=True)

    def _next_task(self) -> tuple[int, str] | None:
        if self.again:
            return self.again.popleft()
        if self.exhausted or self.issued - self.next_out >= self.pool.window:
            return None
        try:
            task = next(self.source)
        except StopIteration:
            self.exhausted = True
            return None
        self.issued += 1
        return task

    def _free_worker(self) -> _Worker | None:
        """The worker that should take the next path: an idle one, a new one while under `jobs`, else a quick one
        that holds fewer than PREFETCH."""
        workers = self.pool._workers
        idle = next((w for w in workers if not w.held), None)
        if idle:
            return idle
        if len(workers) < self.pool.jobs:
            return self.pool._start_worker()
        # not behind a file that may be slow: that one would wait for it while other workers are free
        return next((w for w in workers if w.quick and len(w.held) < PREFETCH), None)

    def _hand_out(self) -> None:
        while (task := self._next_task()) is not None:
            worker = self._free_worker()
            if worker is None:  # every worker holds PREFETCH paths: this one waits its turn
                self.again.appendleft(task)
                return
            try:
                worker.give(*task)
            except OSError:  # it died since its last result: the path goes to another
                self.again.appendleft(task)
                self._dead(worker)

    def _dead(self, worker: _Worker) -> None:
        if worker.held:
            self._ended(worker, Message("pool.died", detail=_describe_end(_joined(worker.process))))
        else:
            self.pool._retire(worker)

    def _finish(self, index: int, item: str, value: Any, problem: Message | None) -> None:
        self.done[index] = Result(item, value=value, problem=problem)
        if self.on_finished:
            self.on_finished()

    def _collect(self) -> None:
        """Wait for a result, a worker's end or the time limit, whichever comes first, and deal with it."""
        from multiprocessing.connection import wait

        busy = [w for w in self.pool._workers if w.held]
        seconds = self.pool.limits.seconds
        timeout = None
        if seconds:
            timeout = max(min(w.started for w in busy) + seconds - time.monotonic(), 0)
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
        for worker in busy:
            if worker.conn in ready:
                self._receive(worker)
            elif worker.process.sentinel in ready:
                self._ended(worker, Message("pool.died", detail=_describe_end(worker.process)))
        if seconds:
            now = time.monotonic()
            for worker in [w for w in self.pool._workers if w.held and now - w.started >= seconds]:
                self._ended(worker, Message("pool.timeout", seconds=_seconds(seconds)))

    def _receive(self, worker: _Worker) -> None:
        """The message of a worker whose pipe is ready (any further one: at the next wait, which returns at once);
        a worker that ended or ran out of memory is replaced."""
        try:
            index, value, problem = worker.conn.recv()
        except (EOFError, OSError):
            self._dead(worker)
            return
        item = worker.held.popleft()[1]
        now = time.monotonic()
        worker.quick, worker.started = now - worker.started < QUICK, now
        self._finish(index, item, value, problem)
        if problem is not None and problem.id == "pool.memory":  # the worker has ended: none begun
            self.again.extendleft(reversed(self.pool._retire(worker, begun=False)))

    def _ended(self, worker: _Worker, problem: Message) -> None:
        """The worker is killed (or found dead): its oldest path fails with `problem`, the others go again."""
        oldest = worker.held[0]
        self.again.extendleft(reversed(self.pool._retire(worker)))
        self._finish(oldest[0], oldest[1], None, problem)


def _joined(process: Any) -> Any:
    process.join(_STOP_GRACE)
    return process




def read_guarded(work: Callable[[str], R], item: str, limits: Limits = Limits()) -> Result[R]:
    """`work(item)` in a worker of its own under `limits`, for one file at a time (a web application's upload):
    safe to call from several threads at once, each call with its own worker, forked in milliseconds."""
    with Pool(work, jobs=1, limits=limits) as pool:
        [result] = pool.imap([item])
    return result

@dataclass(frozen=True, slots=True)
class ReadingOptions:
    """The reading options of the commands that read many files: `--jobs` (None: one worker per core; 1: in
    gongkai's own process), `--timeout` seconds and `--max-memory` MB (None: the default; 0: no limit)."""

    jobs: int | None = None
    seconds: float | None = None
    memory_mb: int | None = None

    def limits(self) -> Limits:
        return Limits(seconds=DEFAULT_SECONDS if self.seconds is None else (self.seconds or None),
                      memory_mb=DEFAULT_MEMORY_MB if self.memory_mb is None else (self.memory_mb or None))

    def pool(self, work: Callable[[str], R]) -> Pool[R]:
        return Pool(work, jobs=self.jobs, limits=self.limits(), in_process=self.jobs == 1)

    def prepare(self, work_module: str) -> ReadingOptions:
        """Get the workers' server going before the command imports its own modules, so that both load at once
        (see Pool.prepare)."""
        if self.jobs != 1:
            _context(work_module)
        return self
