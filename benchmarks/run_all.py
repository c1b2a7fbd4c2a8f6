"""Run every benchmark in this folder, one after the other (`make bench`).

Each bench_*.py script prints its own figures and its .md file records the last
measured run with the date and the machine. Scripts that need a long load run or a
PostgreSQL server say so in their own docstring and accept --quick for a smoke run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        args = [sys.executable, str(script), *(["--quick"] if quick else [])]
        result = subprocess.run(args, cwd=HERE.parent, env=None, check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
