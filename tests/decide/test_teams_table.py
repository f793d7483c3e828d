"""docs/typical-teams.md is generated from the rules: it must never drift from what advisor says."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_typical_teams_page_matches_the_rules():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "teams_table.py"), "--check"], capture_output=True, text=True,
        cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr + " (regenerate: python tools/teams_table.py)"


def test_the_page_lists_a_few_dozen_teams_with_both_frameworks_picked():
    teams = yaml.safe_load((ROOT / "docs" / "teams.yaml").read_text(encoding="utf-8"))
    page = (ROOT / "docs" / "typical-teams.md").read_text(encoding="utf-8")
    assert len(teams) >= 24 and all(team["team"] in page for team in teams)
    assert "| PyTorch |" in page and "| TensorFlow (Keras 3) |" in page


def test_the_page_lists_the_caveats_that_come_with_each_pick():
    page = (ROOT / "docs" / "typical-teams.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].lstrip("| "): line for line in page.splitlines() if line.startswith("| ")}
    assert rows["Web app that fine-tunes in the user's browser"].endswith("| tfjs-keras3-conversion, tfjs-stagnant |")
    assert rows["Mobile team shipping an Android image classifier"].endswith("| executorch-pairs-torch |")
    # tf-blackwell-wheels matches (hardware=nvidia) but is about TensorFlow, not the pick.
    assert rows["PhD student reproducing a vision paper on one GPU"].endswith("| none |")
