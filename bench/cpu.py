"""CPU time of processes from their own accounting (/proc/<pid>/stat on Linux), and the
arithmetic that turns it into milliseconds per request.

The kernel counts each process's user and system time in clock ticks (``SC_CLK_TCK``,
usually 100 a second), whatever else the machine is doing: a busy neighbour slows the
wall clock of a request, not the CPU time the request itself used. Read before and after
a run of N requests, the difference divided by N is the CPU one request costs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds_from_stat(stat: str, ticks_per_second: int = CLOCK_TICKS) -> float:
    """User + system seconds from the text of /proc/<pid>/stat. Fields are counted after the
    command name's closing parenthesis (the name may hold spaces): utime and stime are the
    12th and 13th there (fields 14 and 15 of proc(5))."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks_per_second


def parent_from_stat(stat: str) -> int:
    return int(stat.rsplit(")", 1)[1].split()[1])


def _stat(pid: int) -> str | None:
    try:
        return (PROC / str(pid) / "stat").read_text()
    except OSError:  # gone
        return None


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (gunicorn's workers, for its master)."""
    found = []
    for entry in PROC.iterdir():
        stat = _stat(int(entry.name)) if entry.name.isdigit() else None
        if stat is not None and parent_from_stat(stat) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """Each live process's CPU seconds so far (a process already gone is left out)."""
    readings = {}
    for pid in pids:
        stat = _stat(pid)
        if stat is not None:
            readings[pid] = cpu_seconds_from_stat(stat)
    return readings


def cpu_used(before: Mapping[int, float], after: Mapping[int, float]) -> float | None:
    """Seconds used between two readings by the processes alive at the second; one that
    started in between counts from zero. None when one that was read first has ended in
    between: its CPU time is lost, so any figure would be too low (the bench turns off
    gunicorn's worker recycling so that none ends)."""
    if set(before) - set(after):
        return None
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def ms_per_request(seconds: float | None, requests: int) -> float | None:
    """Milliseconds per answered request; None when nothing was answered or the CPU time
    is unknown."""
    if seconds is None or requests <= 0:
        return None
    return round(seconds * 1000 / requests, 3)
