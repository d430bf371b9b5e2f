"""The wheel carries the data folders, and the installed package finds them there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("ontology", "shapes", "data", "queries")


def test_wheel_contains_every_data_file(tmp_path: Path) -> None:
    """Every file of ontology/, shapes/, data/ and queries/ is in the wheel under towngown/_data/."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("towngown-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"towngown/_data/{path.relative_to(ROOT).as_posix()}"
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected, "no data files found"
    missing = sorted(expected - names)
    assert not missing, missing
    assert "towngown/cli/__init__.py" in names
