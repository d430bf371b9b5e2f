"""The soak (bench/soak.py) in its short form: 20 s of mixed reads and publishes against `towngown serve`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_short_soak_has_no_errors_no_growth_and_keeps_every_publish() -> None:
    """20 s of reads, /sparql and publishes on loopback: no error other than the intended 4xx, no growth in memory
    or open files, and each graph ends as its last acknowledged publish."""
    run = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--seconds", "20"],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    lines = run.stdout.strip().splitlines()
    print("\n" + "\n".join(line for line in lines if line.startswith("soak")))
    assert lines, run.stderr[-2000:]
    result = json.loads(lines[-1])
    assert result["checks"] == {name: True for name in result["checks"]}, result
    assert run.returncode == 0
