"""A drill of machine faults and bad input: each case is run as a user would hit it, from the
command line, and sorted into what happened. The cases are those of the reliability promises in
the README (concurrent runs, damaged chunks, a crashed commit, signals, dead workers, Dask that
does not answer, odd output paths, size limits, damaged result folders, odd scenario files).

    python benchmarks/fault_drill.py              # every case, then the counts
    python benchmarks/fault_drill.py --only kill  # the cases whose name holds "kill"

Each case ends as one of:

- ``clean``: the promised behaviour (the exit status and message expected, the data intact);
- ``crash``: a traceback, or an exit status other than the one promised;
- ``hang``: no end within the case's time limit (the process group is then killed);
- ``lost``: a result missing or different from an uninterrupted run of the same batch.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.server
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "korea_us_2025.yaml"
RUNS, CHUNK, SEED = 30_000, 5_000, 7
"""The batch most cases run: 6 chunks."""
LONG = 150_000
"""The batch the cases interrupt: long enough to be cut short on two workers."""


class Outcome(Exception):
    """How a case ended, when it did not end clean."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


@dataclass
class Finished:
    """A command's exit status and what it wrote to stderr."""

    status: int
    error: str


def command(*arguments: object) -> list[str]:
    """The command line of ``negsim`` with ``arguments``."""
    return [sys.executable, "-m", "sim.cli", *map(str, arguments)]


def negsim(*arguments: object, limit: float = 120, setup: Callable | None = None) -> Finished:
    """Run ``negsim`` with ``arguments`` in its own session; ``hang`` if it outlives ``limit``."""
    line = command(*arguments)
    process = subprocess.Popen(
        line,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=setup,
    )
    try:
        _, error = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired as expired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise Outcome("hang", f"still running after {limit:.0f} s: {line[3:]}") from expired
    return Finished(process.returncode, error)


def expect(finished: Finished, status: int, *messages: str) -> None:
    """The exit status and message promised: else ``crash``."""
    if "Traceback" in finished.error:
        raise Outcome("crash", finished.error.strip().splitlines()[-1])
    if finished.status != status:
        raise Outcome("crash", f"exit {finished.status}, expected {status}: {finished.error}")
    for message in messages:
        if message not in finished.error:
            raise Outcome("crash", f"message lacks {message!r}: {finished.error.strip()}")


def one_line(finished: Finished) -> None:
    """A refusal is one line."""
    if finished.error.count("\n") != 1:
        raise Outcome("crash", f"not one line: {finished.error!r}")


def digest(folder: Path) -> str:
    """The SHA-256 of a result folder's run table, or ``-`` if it has none."""
    runs = folder / "runs.parquet"
    if not runs.is_file():
        return "-"
    import pyarrow.parquet as pq

    table = pq.read_table(runs)
    return hashlib.sha256(str(table.to_pydict()).encode()).hexdigest()


class Drill:
    """The cases, sharing one scratch folder and the table of an uninterrupted batch."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.reference = scratch / "reference"
        expect(negsim("run", BASELINE, *self.batch(self.reference), "--engine", "inprocess"), 0)
        self.expected = digest(self.reference)
        self.long_expected = ""

    @staticmethod
    def batch(out: Path, seed: int = SEED, runs: int = RUNS) -> list[object]:
        """The arguments of the drill's batch into ``out``."""
        return ["--runs", runs, "--chunk-runs", CHUNK, "--seed", seed, "--quiet", "--out", out]

    def long_intact(self, out: Path) -> None:
        """``out`` holds the table of an uninterrupted long batch: else ``lost``."""
        if not self.long_expected:
            whole = self.folder("whole")
            expect(negsim("run", BASELINE, *self.batch(whole, runs=LONG), limit=600), 0)
            self.long_expected = digest(whole)
        if digest(out) != self.long_expected:
            raise Outcome("lost", f"{out} differs from an uninterrupted batch")

    def resume_long(self, out: Path) -> None:
        """Finish the interrupted long batch in ``out`` and check its table."""
        expect(negsim("run", BASELINE, *self.batch(out, runs=LONG), "--resume", limit=600), 0)
        self.long_intact(out)

    def folder(self, name: str) -> Path:
        """A fresh folder name for one case."""
        path = self.scratch / name
        shutil.rmtree(path, ignore_errors=True)
        return path

    def intact(self, out: Path) -> None:
        """``out`` holds the uninterrupted batch's table: else ``lost``."""
        if digest(out) != self.expected:
            raise Outcome("lost", f"{out} differs from the uninterrupted batch")

    def started(self, out: Path) -> subprocess.Popen:
        """A batch into ``out`` on two pool workers, returned once a chunk is done."""
        arguments = [*self.batch(out, runs=LONG), "--engine", "process", "--workers", 2]
        process = subprocess.Popen(
            command("run", BASELINE, *arguments),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        chunks = out.parent / f".{out.name}.partial" / "chunks"
        deadline = time.monotonic() + 120
        while not any(chunks.glob("runs-*.parquet")):
            if time.monotonic() > deadline or process.poll() is not None:
                os.killpg(process.pid, signal.SIGKILL)
                raise Outcome("crash", "the batch to interrupt did not start")
            time.sleep(0.05)
        return process

    # Data lost or silently wrong

    def two_runs_into_one_folder(self) -> None:
        out = self.folder("shared")
        line = command("run", BASELINE, *self.batch(out))
        first = subprocess.Popen(line, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        staging = out.parent / f".{out.name}.partial"
        while not staging.exists() and first.poll() is None:
            time.sleep(0.01)
        second = negsim("run", BASELINE, *self.batch(out, seed=8))
        _, error = first.communicate(timeout=120)
        expect(Finished(first.returncode, error), 0)
        expect(second, 2, "is being written by another negsim run (process")
        self.intact(out)

    def damaged_chunk(self, damage: Callable[[Path], None]) -> None:
        out = self.folder("damaged")
        process = self.started(out)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        chunks = sorted((out.parent / f".{out.name}.partial" / "chunks").glob("runs-*.parquet"))
        damage(chunks[0])
        self.resume_long(out)

    def flipped_bytes_in_a_chunk(self) -> None:
        def flip(path: Path) -> None:
            data = bytearray(path.read_bytes())
            for offset in range(len(data) // 2, len(data) // 2 + 8):
                data[offset] ^= 0xFF
            path.write_bytes(bytes(data))

        self.damaged_chunk(flip)

    def truncated_chunk(self) -> None:
        self.damaged_chunk(lambda path: path.write_bytes(path.read_bytes()[:100]))

    def empty_chunk(self) -> None:
        self.damaged_chunk(lambda path: path.write_bytes(b""))

    def kill_between_the_renames_of_force(self) -> None:
        out = self.folder("replaced")
        expect(negsim("run", BASELINE, *self.batch(out, seed=1)), 0)
        # Killed at the second rename of the commit: the staged folder moving into ``out``
        # once the old one has moved aside (the first rename's target is ``.NAME.old``; file
        # writes elsewhere replace files, never ``out`` itself).
        crash = (
            "import os, signal, sys\n"
            "real = os.replace\n"
            "def replace(a, b):\n"
            f"    if os.path.abspath(b) == {str(out.resolve())!r}:\n"
            "        os.kill(os.getpid(), signal.SIGKILL)\n"
            "    real(a, b)\n"
            "os.replace = replace\n"
            "from sim.cli.commands import main; sys.exit(main(sys.argv[1:]))\n"
        )
        line = [sys.executable, "-c", crash, *command("run", BASELINE, *self.batch(out))[3:]]
        subprocess.run([*line, "--force"], cwd=ROOT, timeout=120)
        if out.exists():
            raise Outcome("crash", "the commit was not cut short where intended")
        expect(negsim("run", BASELINE, *self.batch(out)), 2, f"finished replacing {out}")
        self.intact(out)

    def force_on_a_folder_of_the_user(self) -> None:
        out = self.folder("thesis")
        out.mkdir()
        (out / "thesis.tex").write_text("\\chapter{One}\n")
        finished = negsim("run", BASELINE, *self.batch(out), "--force")
        expect(finished, 2, "not written by negsim")
        one_line(finished)
        if not (out / "thesis.tex").is_file():
            raise Outcome("lost", "thesis.tex is gone")

    def force_on_the_current_folder(self) -> None:
        finished = negsim("run", BASELINE, *self.batch(Path(".")), "--force")
        expect(finished, 2)
        one_line(finished)
        if not (ROOT / "pyproject.toml").is_file():
            raise Outcome("lost", "the project folder was replaced")

    # Hangs and orphans

    def kill_the_main_process(self, stop: signal.Signals) -> None:
        out = self.folder(f"killed-{stop.name}")
        process = self.started(out)
        helpers = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(stop)
        try:
            _, error = process.communicate(timeout=30)
        except subprocess.TimeoutExpired as expired:
            os.killpg(process.pid, signal.SIGKILL)
            raise Outcome("hang", "the output pipe is still held open after 30 s") from expired
        _, alive = psutil.wait_procs(helpers, timeout=15)
        if alive:
            os.killpg(process.pid, signal.SIGKILL)
            raise Outcome("hang", f"{len(alive)} workers alive 15 s after the main process")
        if stop != signal.SIGKILL:
            expect(Finished(process.returncode, error.decode()), 128 + stop, "--resume")
        self.resume_long(out)

    def kill_a_pool_worker(self) -> None:
        out = self.folder("worker")
        process = self.started(out)
        server = [p for p in psutil.Process(process.pid).children() if p.children()]
        if server:
            server[0].children()[0].kill()
        _, error = process.communicate(timeout=300)
        expect(Finished(process.returncode, error.decode()), 0)
        self.long_intact(out)

    def ctrl_c_while_the_workers_start(self) -> None:
        out = self.folder("interrupted")
        process = subprocess.Popen(
            command("run", BASELINE, *self.batch(out), "--engine", "process"),
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        main = psutil.Process(process.pid)
        while process.poll() is None and not main.children():
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, error = process.communicate(timeout=60)
        if process.returncode == 0:
            return  # finished before the Ctrl-C: nothing to check
        expect(Finished(process.returncode, error), 130)

    # Dask

    def scheduler(self, address: str, *messages: str, seconds: float = 10) -> None:
        started = time.monotonic()
        finished = negsim("run", BASELINE, "--runs", 100, "--scheduler", address, "--quiet",
                          "--out", self.folder("dask"), limit=60)  # fmt: skip
        expect(finished, 2, *messages)
        one_line(finished)
        if time.monotonic() - started > seconds:
            raise Outcome("hang", f"took {time.monotonic() - started:.0f} s, over {seconds:.0f}")

    def scheduler_that_never_answers(self) -> None:
        with socket.create_server(("127.0.0.1", 0)) as listener:
            self.scheduler(f"tcp://127.0.0.1:{listener.getsockname()[1]}", "Dask scheduler")

    def scheduler_that_is_a_web_server(self) -> None:
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *arguments: object) -> None:
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            self.scheduler(f"tcp://127.0.0.1:{server.server_address[1]}", "Dask scheduler")
        finally:
            server.shutdown()
            server.server_close()

    def scheduler_on_a_closed_port(self) -> None:
        self.scheduler("tcp://127.0.0.1:9", "cannot reach the Dask scheduler", seconds=8)

    def scheduler_address_that_is_nonsense(self) -> None:
        self.scheduler("nonsense", "is not a Dask scheduler address", seconds=8)

    def scheduler_without_workers(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        dask = Path(sys.executable).parent / "dask"
        command = [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port)]
        scheduler = subprocess.Popen(
            [*command, "--dashboard-address", ":0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            time.sleep(4)
            self.scheduler(f"tcp://127.0.0.1:{port}", "has no workers", seconds=45)
        finally:
            os.killpg(scheduler.pid, signal.SIGKILL)

    # Faults of the environment

    def file_size_limit(self) -> None:
        out = self.folder("limited")

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

        finished = negsim("run", BASELINE, *self.batch(out), setup=limit)
        expect(finished, 2, "--resume")
        one_line(finished)
        expect(negsim("run", BASELINE, *self.batch(out), "--resume"), 0)
        self.intact(out)

    def address_space_limit(self) -> None:
        out = self.folder("small-memory")

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (2_000_000_000, 2_000_000_000))

        finished = negsim("run", BASELINE, *self.batch(out), setup=limit)
        if finished.status == 0:
            self.intact(out)
            return
        expect(finished, 2)
        one_line(finished)

    def odd_output(self, out: Path | str, message: str) -> None:
        finished = negsim("run", BASELINE, *self.batch(Path(out)))
        expect(finished, 2, message)
        one_line(finished)

    def output_under_proc(self) -> None:
        self.odd_output("/proc/negsim-out", "/proc/")

    def output_under_sys(self) -> None:
        self.odd_output("/sys/negsim-out", "/sys/")

    def output_a_dangling_link(self) -> None:
        link = self.folder("dangling")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(self.scratch / "nowhere")
        self.odd_output(link, "symbolic link")

    def output_a_loop_of_links(self) -> None:
        link = self.folder("loop")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(link)
        self.odd_output(link / "x", "symbolic link")

    def output_with_a_long_name(self) -> None:
        self.odd_output(self.scratch / ("n" * 300), "too long")

    # Bad input to the analysis commands

    def damaged_result_folder(self, damage: Callable[[Path], None], message: str) -> None:
        bad = self.folder("bad")
        shutil.copytree(self.reference, bad)
        damage(bad)
        out = self.folder("compared")
        finished = negsim("compare", self.reference, bad, "--out", out, "--no-report")
        expect(finished, 2, message)
        one_line(finished)
        if out.exists():
            raise Outcome("crash", "compare wrote a half result")

    def runs_missing_a_column(self) -> None:
        import pyarrow.parquet as pq

        def drop(folder: Path) -> None:
            path = folder / "runs.parquet"
            pq.write_table(pq.read_table(path).drop(["agreed"]), path)

        self.damaged_result_folder(drop, "has no column agreed")

    def runs_with_no_rows(self) -> None:
        import pyarrow.parquet as pq

        def empty(folder: Path) -> None:
            path = folder / "runs.parquet"
            pq.write_table(pq.read_table(path).slice(0, 0), path)

        self.damaged_result_folder(empty, "has no runs")

    def summary_of_the_wrong_shape(self) -> None:
        self.damaged_result_folder(
            lambda folder: (folder / "summary.json").write_text("[1, 2]"), "summary.json"
        )

    def manifest_of_the_wrong_shape(self) -> None:
        self.damaged_result_folder(
            lambda folder: (folder / "manifest.json").write_text("[]"), "manifest.json"
        )

    def compare_a_staging_folder(self) -> None:
        staged = self.folder(".staged.partial")
        shutil.copytree(self.reference, staged)
        finished = negsim("compare", self.reference, staged)
        expect(finished, 2, "staging folder of an unfinished run")

    def sweep_of_a_date_that_is_none(self) -> None:
        finished = negsim("sweep", BASELINE, "--set", "calendar.deadline=2025-13-45", "--runs", 10)
        expect(finished, 2, "2025-13-45")
        one_line(finished)

    # Scenario files

    def variant(self, text: str) -> Path:
        path = self.scratch / "variant.yaml"
        path.write_text(text)
        return path

    def extends_a_loop_of_links(self) -> None:
        for name, target in (("a.yaml", "b.yaml"), ("b.yaml", "a.yaml")):
            with contextlib.suppress(FileNotFoundError):
                (self.scratch / name).unlink()
            (self.scratch / name).symlink_to(self.scratch / target)
        finished = negsim("validate", self.variant("extends: a.yaml\nname: v\n"))
        expect(finished, 2, "loop of symbolic links")
        one_line(finished)

    def extends_a_file_that_is_no_scenario(self) -> None:
        secret = self.scratch / "shadow"
        secret.write_text("root:$6$Zx9secret$hash:20228:0:99999:7:::\n")
        for extends in (secret, "/etc/shadow"):
            finished = negsim("validate", self.variant(f"extends: {extends}\nname: v\n"))
            expect(finished, 2)
            if "Zx9secret" in finished.error or "99999" in finished.error:
                raise Outcome("crash", "the file's content is quoted")

    def calendar_past_what_run_can_do(self) -> None:
        calendar = "  start: 9999-12-01\n  deadline: 9999-12-20\n"
        calendar += "  extension: {probability: 1, days: 3650}\n"
        path = self.variant(f"extends: {BASELINE}\ncalendar:\n{calendar}")
        expect(negsim("validate", path), 2, "must lie between")

    def too_many_meetings(self) -> None:
        calendar = "  start: 2025-01-01\n  deadline: 2038-09-10\n  meeting_interval_days: 1\n"
        calendar += "  extension: {probability: 0, days: 0}\n"
        path = self.variant(f"extends: {BASELINE}\ncalendar:\n{calendar}")
        expect(negsim("validate", path), 2, "5,001 meetings")

    def cases(self) -> dict[str, Callable[[], None]]:
        """Every case by name, in the order of the README's promises."""
        named = {name: getattr(self, name) for name in CASES}
        for stop in (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP):
            named[f"kill_the_main_process_{stop.name}"] = partial(self.kill_the_main_process, stop)
        return named


CASES = [
    "two_runs_into_one_folder",
    "flipped_bytes_in_a_chunk",
    "truncated_chunk",
    "empty_chunk",
    "kill_between_the_renames_of_force",
    "force_on_a_folder_of_the_user",
    "force_on_the_current_folder",
    "kill_a_pool_worker",
    "ctrl_c_while_the_workers_start",
    "scheduler_that_never_answers",
    "scheduler_that_is_a_web_server",
    "scheduler_on_a_closed_port",
    "scheduler_address_that_is_nonsense",
    "scheduler_without_workers",
    "file_size_limit",
    "address_space_limit",
    "output_under_proc",
    "output_under_sys",
    "output_a_dangling_link",
    "output_a_loop_of_links",
    "output_with_a_long_name",
    "runs_missing_a_column",
    "runs_with_no_rows",
    "summary_of_the_wrong_shape",
    "manifest_of_the_wrong_shape",
    "compare_a_staging_folder",
    "sweep_of_a_date_that_is_none",
    "extends_a_loop_of_links",
    "extends_a_file_that_is_no_scenario",
    "calendar_past_what_run_can_do",
    "too_many_meetings",
]
"""The cases, besides a kill of the main process by each of three signals."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the cases whose name holds this")
    arguments = parser.parse_args()
    counts = {"clean": 0, "crash": 0, "hang": 0, "lost": 0}
    with tempfile.TemporaryDirectory(prefix="negsim-drill-") as scratch:
        drill = Drill(Path(scratch))
        for name, case in drill.cases().items():
            if arguments.only not in name:
                continue
            started = time.monotonic()
            try:
                case()
                kind, detail = "clean", ""
            except Outcome as outcome:
                kind, detail = outcome.kind, str(outcome)
            counts[kind] += 1
            seconds = time.monotonic() - started
            print(f"{kind:6} {seconds:6.1f} s  {name}  {detail}", flush=True)
    print(", ".join(f"{count} {kind}" for kind, count in counts.items()))


if __name__ == "__main__":
    main()
