"""How much ``mproc-tui run`` costs the program it watches; prints one JSON object.

- ``start_overhead_ms``: the median extra start-up time of one interpreter with the
  agent loaded, against the same ``python -c pass`` without it, run side by side.
- ``program_time_ratio``: ``flood_program.py`` (4 Pool workers log 200,000 records
  through the program's own handler, to /dev/null) times its own main; its median
  under ``mproc-tui run --no-tui --log-file F`` over its median run plainly.
- ``records_lost``: records missing from F, in the worst run.
- ``drain_s``: seconds from the program's end until mproc-tui has written F and ended.

Run: ``python -m tests.bench.bench_run [--runs 5] [--records 200000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mproc_tui.agent import AGENT_DIRECTORY, AGENT_FILES
from mproc_tui.core.agent_hello import HELLO_VARIABLE
from mproc_tui.core.agent_link import AgentLink

PROGRAM = Path(__file__).with_name("flood_program.py")


def start_overhead_ms(runs: int) -> float:
    """Median of (with agent - without), each pair run back to back. The interpreter
    is a program's first, the costliest: it says hello to a listening mproc-tui."""
    directory = tempfile.mkdtemp(prefix="mproc-tui-bench-")
    link = AgentLink(
        os.path.join(directory, "agent.sock"), lambda batch: None, lambda event: None, max
    )
    link.start()
    try:
        for name in AGENT_FILES:
            shutil.copy(os.path.join(AGENT_DIRECTORY, name), directory)
        with_agent = {
            **os.environ,
            "PYTHONPATH": directory,
            "MPROC_TUI_AGENT_SOCKET": link.path,
            "MPROC_TUI_AGENT_LEVEL": "10",
            HELLO_VARIABLE: "1",
        }
        plain = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        differences = []
        for _ in range(runs):
            timings = []
            for environment in (plain, with_agent):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", "pass"], env=environment, check=True)
                timings.append(time.perf_counter() - started)
            differences.append((timings[1] - timings[0]) * 1000)
        return statistics.median(differences)
    finally:
        link.stop()
        shutil.rmtree(directory, ignore_errors=True)


def run_program(records: int, watched: bool, log: Path) -> tuple[float, float, int]:
    """(program's own seconds, drain seconds, records written) for one run."""
    command = [sys.executable, str(PROGRAM), str(records)]
    if watched:
        log.unlink(missing_ok=True)
        command = [
            sys.executable, "-m", "mproc_tui", "run", "--no-tui", "--log-file", str(log),
            *command[1:],
        ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    finished = time.time()
    report = json.loads(result.stdout.strip().splitlines()[-1])
    written = sum(1 for _ in log.open()) if watched else 0
    return report["seconds"], finished - report["ended"], written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=200_000)
    arguments = parser.parse_args()
    overhead = start_overhead_ms(max(20, arguments.runs * 4))
    plain: list[float] = []
    watched: list[float] = []
    drains: list[float] = []
    lost = 0
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "records.jsonl"
        for _ in range(arguments.runs):
            plain.append(run_program(arguments.records, False, log)[0])
            seconds, drain, written = run_program(arguments.records, True, log)
            watched.append(seconds)
            drains.append(drain)
            lost = max(lost, arguments.records - written)
    print(
        json.dumps(
            {
                "start_overhead_ms": round(overhead, 1),
                "program_time_ratio": round(
                    statistics.median(watched) / statistics.median(plain), 2
                ),
                "program_s_plain": [round(value, 2) for value in plain],
                "program_s_watched": [round(value, 2) for value in watched],
                "records_lost": lost,
                "drain_s": round(max(drains), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
