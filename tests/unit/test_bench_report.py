"""bench/RESULTS.md keeps the figures of a benchmark that this run did not measure."""

from pathlib import Path

from bench.report import carried_over, previous_sections

EARLIER = """# PIB Dashboard benchmarks

## 4. First load of the overview (Chromium)

Measured 2026-11-26 14:39:08.

| database | visit | median (s) |
|---|---|---:|
| sqlite-10m | first | 1.33 |

## 6. Bars missed: diagnosis and proposed fixes

### 6.1 prose
"""


def test_a_section_without_its_files_keeps_the_earlier_figures_marked_as_carried_over(tmp_path: Path):
    earlier = tmp_path / "RESULTS.md"
    earlier.write_text(EARLIER, encoding="utf-8")
    previous = previous_sections(earlier)
    assert set(previous) == {"4", "6"}
    assert "### 6.1 prose" in previous["6"]

    unmeasured = ["## 4. First load of the overview (Chromium)", "",
                  "Not measured (run `python -m bench.firstload`).", ""]
    kept = carried_over(unmeasured, previous)
    assert kept[0] == "## 4. First load of the overview (Chromium)"
    assert kept[2].startswith("*Carried over from the previous report")
    assert "| sqlite-10m | first | 1.33 |" in kept
    # Carried over twice, still one mark: the report can be written again and again.
    (tmp_path / "again.md").write_text("\n".join(kept), encoding="utf-8")
    again = carried_over(unmeasured, previous_sections(tmp_path / "again.md"))
    assert sum(line.startswith("*Carried over") for line in again) == 1
    assert "| sqlite-10m | first | 1.33 |" in again


def test_a_measured_section_replaces_the_earlier_one():
    previous = {"4": ["## 4. First load", "", "| sqlite-10m | first | 1.33 |"]}
    measured = ["## 4. First load", "", "Measured today.", "| sqlite-10m | first | 0.90 |", ""]
    assert carried_over(measured, previous) == measured


def test_nothing_to_carry_over_leaves_the_not_measured_line():
    unmeasured = ["## 11. Costing", "", "Not measured (run `python -m bench.costing`).", ""]
    assert carried_over(unmeasured, {}) == unmeasured

