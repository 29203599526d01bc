"""The guarded worker pool (gongkai.pool) and the commands that read many files through it (--jobs, --timeout,
--max-memory): results in input order, one error line for a file over its time or memory or whose worker dies,
the run going on, and no worker left behind."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from gongkai.i18n import using
from gongkai.pool import Limits, Pool, default_jobs, read_guarded
from pool_work import by_name
from support import ROOT, SEEDS, seed_files

QUICK = Limits(seconds=20, memory_mb=512)  # time enough on a busy machine, for the files that do not hang


def values(results) -> list[str | None]:
    return [r.value.split("/")[0] if r.value else None for r in results]


def test_results_come_in_input_order_whatever_order_they_finish_in() -> None:
    names = [f"sleep-{s}-{i}" for i, s in enumerate([0.4, 0.0, 0.3, 0.0, 0.2, 0.0, 0.1, 0.0])]
    finished = []
    with Pool(by_name, jobs=3, limits=QUICK) as pool:
        results = list(pool.imap(names, on_finished=lambda: finished.append(time.monotonic())))
    assert values(results) == names
    assert [r.item for r in results] == names and len(finished) == len(names)
    assert len({r.value.split("/")[2] for r in results}) == 3  # three workers, each reused for several files


def test_the_progress_counts_files_as_they_finish_not_as_their_turn_comes() -> None:
    finished = []
    with Pool(by_name, jobs=2, limits=QUICK) as pool:
        results = pool.imap(["sleep-1.5-a", "b", "c", "d"], on_finished=lambda: finished.append(1))
        next(results)  # the slow first file: the three quick ones finished while it was read
        assert len(finished) == 4
        assert values(results) == ["b", "c", "d"]


def test_a_file_over_its_time_is_one_error_and_the_run_goes_on() -> None:
    names = ["a", "hang-1", "b", "c", "hang-2", "d"]
    start = time.monotonic()
    with Pool(by_name, jobs=2, limits=Limits(seconds=2.5, memory_mb=512)) as pool:
        results = list(pool.imap(names))
    assert time.monotonic() - start < 15  # two hangs of an hour, each stopped after 2.5 s
    assert values(results) == ["a", None, "b", "c", None, "d"]
    assert results[1].error == "hang-1: 读取超时（2.5 秒）"
    with using("en"):
        assert results[4].error == "hang-2: reading took too long (over 2.5 s)"


def test_a_file_over_its_memory_is_one_error_and_a_fresh_worker_goes_on() -> None:
    names = ["a", "greedy-1", "b", "greedy-2", "c"]
    with Pool(by_name, jobs=1, limits=Limits(seconds=20, memory_mb=400)) as pool:
        results = list(pool.imap(names))
    assert values(results) == ["a", None, "b", None, "c"]
    assert results[1].error == "greedy-1: 内存超过上限（400 MB）"
    pids = [r.value.split("/")[2] for r in results if r.value]
    assert len(set(pids)) == 3  # each greedy file cost its worker; the next file had a fresh one


def test_a_worker_that_dies_or_a_bug_is_one_error_naming_the_file() -> None:
    with Pool(by_name, jobs=2, limits=QUICK) as pool:
        results = list(pool.imap(["a", "crash-1", "b", "bug-1", "c"]))
    assert values(results) == ["a", None, "b", None, "c"]
    assert results[1].error == "crash-1: 读取进程意外终止（SIGKILL）"
    assert results[3].error == "bug-1: 读取时发生内部错误（ValueError: a bug in the work）"


def test_workers_speak_the_language_of_the_moment() -> None:
    with Pool(by_name, jobs=1, limits=QUICK) as pool:
        zh = list(pool.imap(["a"]))
        with using("en"):
            en = list(pool.imap(["a"]))
    assert zh[0].value.split("/")[1] == "zh" and en[0].value.split("/")[1] == "en"
    assert zh[0].value.split("/")[2] == en[0].value.split("/")[2]  # the same worker, reused across calls


def test_in_process_reading_keeps_the_time_limit() -> None:
    pool = Pool(by_name, limits=Limits(seconds=0.5), in_process=True)
    results = list(pool.imap(["a", "hang-1", "bug-1", "b"]))
    assert values(results) == ["a", None, None, "b"]
    assert results[1].error == "hang-1: 读取超时（0.5 秒）"
    assert results[0].value.split("/")[2] == str(os.getpid())


def test_the_paths_are_taken_only_a_window_ahead_of_the_results() -> None:
    taken = 0

    def paths():
        nonlocal taken
        for i in itertools.count():
            taken += 1
            yield f"p{i}"

    with Pool(by_name, jobs=2, limits=QUICK, window=8) as pool:
        for seen, _ in enumerate(itertools.islice(pool.imap(paths()), 200), start=1):
            assert taken <= seen + 8
    assert taken <= 208


def test_no_worker_outlives_its_pool_even_when_the_caller_stops_early() -> None:
    with Pool(by_name, jobs=2, limits=QUICK) as pool:
        for _ in pool.imap(["a", "sleep-5-1", "sleep-5-2", "b"]):
            break
        processes = [w.process for w in pool._workers]
    assert processes == [] or not any(p.is_alive() for p in processes)
    with Pool(by_name, jobs=2, limits=QUICK) as pool:
        list(pool.imap(["a", "b", "c"]))
        processes = [w.process for w in pool._workers]
    assert processes and not any(p.is_alive() for p in processes)


def test_a_worker_killed_while_idle_is_replaced_without_an_error() -> None:
    with Pool(by_name, jobs=1, limits=QUICK) as pool:
        [first] = pool.imap(["a"])
        pool._workers[0].process.kill()
        pool._workers[0].process.join()
        second = list(pool.imap(["b", "c"]))
    assert values(second) == ["b", "c"]
    assert first.value.split("/")[2] != second[0].value.split("/")[2]


def test_one_file_at_a_time_from_several_threads() -> None:
    """As a web application reads uploads: each request its own worker, a runaway one costing only itself."""
    from concurrent.futures import ThreadPoolExecutor

    names = ["a", "hang-1", "b", "greedy-1", "c", "crash-1"]
    with ThreadPoolExecutor(4) as threads:
        results = list(threads.map(lambda n: read_guarded(by_name, n, Limits(seconds=4, memory_mb=400)), names))
    assert values(results) == ["a", None, "b", None, "c", None]
    assert [r.problem.id for r in results if r.problem] == ["pool.timeout", "pool.memory", "pool.died"]


def test_default_jobs_is_the_usable_cores() -> None:
    assert default_jobs() == (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


# ── the commands ────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds three times over under other names, and a file that cannot be read."""
    folder = tmp_path_factory.mktemp("corpus")
    for copy, path in itertools.product(range(3), seed_files()):
        shutil.copy(path, folder / f"{copy}-{path.name}")
    (folder / "1-broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("args", [[], ["--format", "json"], ["--min-severity", "error", "--lang", "en"]])
def test_check_gives_the_same_output_with_one_job_or_two(corpus: Path, args: list[str]) -> None:
    one = run("check", str(corpus), str(SEEDS), *args, "--jobs", "1")
    two = run("check", str(corpus), str(SEEDS), *args, "--jobs", "2")
    default = run("check", str(corpus), str(SEEDS), *args)
    assert one.exit_code == two.exit_code == default.exit_code == 2  # the broken file
    assert one.stdout == two.stdout == default.stdout
    assert one.stderr == two.stderr == default.stderr
    assert one.stderr.count("1-broken.txt") == 1


def test_export_gives_the_same_table_with_one_job_or_two(corpus: Path, tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.csv"
        result = run("export", str(corpus), "-o", str(out), "--jobs", jobs)
        assert result.exit_code == 2 and result.stderr.count("1-broken.txt") == 1
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 1 + 3 * len(seed_files())


def test_parse_of_one_file_is_as_before_and_of_several_one_line_each(corpus: Path) -> None:
    seed = str(seed_files()[0])
    one = run("parse", seed, "--flat")
    assert one.exit_code == 0 and json.loads(one.stdout)["meta.year"] == 2020 and one.stdout.count("\n") > 10
    for jobs in ("1", "2"):
        many = run("parse", str(corpus), "--flat", "--jobs", jobs)
        lines = [json.loads(line) for line in many.stdout.splitlines()]
        assert many.exit_code == 2 and len(lines) == 3 * len(seed_files()) + 1
        assert lines[0]["file"] == str(corpus / "0-000_1fa4e0cf87918f09.txt") and "report" in lines[0]
        broken = [line for line in lines if "error" in line]
        assert [b["file"] for b in broken] == [str(corpus / "1-broken.txt")]
        assert many.stderr == f"gongkai: {broken[0]['error']}\n"
    assert run("parse", "/no/such/report.txt").exit_code == 2


def test_the_reading_options_are_checked_and_listed() -> None:
    for bad in (["--jobs", "0"], ["--timeout", "-1"], ["--max-memory", "x"]):
        result = run("check", str(SEEDS), *bad)
        assert result.exit_code == 2 and "Traceback" not in result.output
    for command in ("check", "parse", "export"):
        text = run(command, "--help", "--lang", "en").stdout
        assert "--jobs" in text and "--timeout" in text and "--max-memory" in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe is the file that hangs")
def test_a_file_that_hangs_is_one_line_and_the_check_goes_on(tmp_path: Path) -> None:
    """A named pipe with no writer among the reports: reading it waits for ever, in a worker or in process."""
    for path in seed_files()[:2]:
        shutil.copy(path, tmp_path / path.name)
    os.mkfifo(tmp_path / "000_2hangs.txt")
    copies = [str(tmp_path / path.name) for path in seed_files()[:2]]
    expected = run("check", *copies, "--format", "json", "--jobs", "1")
    for jobs in ("1", "2"):
        start = time.monotonic()
        result = run("check", str(tmp_path), "--timeout", "3", "--format", "json", "--jobs", jobs)
        assert time.monotonic() - start < 20
        assert result.exit_code == 2
        assert result.stderr == f"gongkai: {tmp_path / '000_2hangs.txt'}: 读取超时（3 秒）\n"
        lines = result.stdout.splitlines()
        assert json.loads(lines[1]) == {"file": str(tmp_path / "000_2hangs.txt"), "error": result.stderr[9:-1]}
        assert lines[::2] == expected.stdout.splitlines()


def test_the_limits_on_the_command_line_reach_the_pool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import gongkai.pool

    made = []

    class Recording(Pool):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(gongkai.pool, "Pool", Recording)
    seed = str(seed_files()[1])
    run("check", seed, "--timeout", "7.5", "--max-memory", "300", "-j", "3")
    run("export", seed, "-o", str(tmp_path / "x.csv"), "--timeout", "0", "--max-memory", "0", "--jobs", "1")
    run("parse", seed, seed)
    run("parse", seed)  # one file: read here, as --jobs 1 (a worker costs more than the reading)
    run("check", seed, "--max-memory", "500")  # unless a memory limit is asked for: only a worker can hold it
    assert [(p.jobs, p.in_process, p.limits) for p in made] == [
        (3, False, Limits(seconds=7.5, memory_mb=300)),
        (1, True, Limits(seconds=None, memory_mb=None)),
        (default_jobs(), False, Limits(seconds=300, memory_mb=2048)),
        (1, True, Limits(seconds=300, memory_mb=2048)),
        (default_jobs(), False, Limits(seconds=300, memory_mb=500)),
    ]


def _group_members(group: int) -> list[str]:
    """The processes of a process group that are still running (not zombies), as "pid state command"."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(f"{stat.parent.name} {fields[0]}")
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("how", ["SIGINT to gongkai", "SIGINT to the group", "SIGKILL to gongkai"])
def test_ctrl_c_or_a_kill_leaves_no_worker_behind(tmp_path: Path, how: str) -> None:
    """Ctrl-C on a terminal reaches the whole foreground group; `kill -INT` gongkai only; `kill -9` gives gongkai
    no chance to clean up (its workers die with the server that forked them, which ends with gongkai)."""
    for copy, path in itertools.product(range(200), seed_files()):
        (tmp_path / f"{copy}-{path.name}").write_bytes(path.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "gongkai", "check", str(tmp_path), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while len(_group_members(proc.pid)) < 4 and time.monotonic() < deadline:  # gongkai, its helpers, workers
        time.sleep(0.05)
    assert len(_group_members(proc.pid)) >= 4, "the workers never started"
    if how == "SIGINT to the group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT if how == "SIGINT to gongkai" else signal.SIGKILL)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert "Traceback" not in stderr.decode()
    deadline = time.monotonic() + 10
    while _group_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _group_members(proc.pid) == []


def test_a_broken_format_file_is_met_file_by_file_as_in_process(tmp_path: Path) -> None:
    """The workers' server loads the formats before it forks any worker: a format file that cannot be read must
    not take the server down with it, but give every file the line it gives in process."""
    (tmp_path / "broken.toml").write_text("this is = not [ toml", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GONGKAI_FORMATS": str(tmp_path)}
    outputs = [subprocess.run([sys.executable, "-m", "gongkai", "check", str(SEEDS), *jobs], capture_output=True,
                              text=True, env=env, timeout=120) for jobs in ([], ["--jobs", "1"])]
    assert outputs[0].returncode == outputs[1].returncode == 2
    assert outputs[0].stdout == outputs[1].stdout and outputs[0].stderr == outputs[1].stderr
    assert outputs[0].stderr.count("TOMLDecodeError") == len(seed_files()) and "Traceback" not in outputs[0].stderr
