"""Fold results: the CSV format, its reader's tolerance of a killed writer, summaries, tables."""

import math
import subprocess
import sys

import pytest

from sklearn_drsn.results import (
    FoldResult,
    append_row,
    format_table,
    read_csv,
    read_rows,
    summarise,
    write_csv,
)


def test_summary_and_table_agree_with_the_folds():
    rows = [FoldResult("gaussian", -5.0, "drsn-cw", k, a, 1.0) for k, a in enumerate([0.5, 0.7])]
    (summary,) = summarise(rows)
    assert summary["mean"] == pytest.approx(0.6) and summary["std"] == pytest.approx(0.1)
    assert "60.0 ± 10.0" in format_table([summary])


def test_csv_round_trip_keeps_every_field(tmp_path):
    rows = [
        FoldResult("gaussian", -5.0, "drsn-cw", 0, 0.53125, 12.25),
        FoldResult("none", math.inf, "knn", 2, 1.0, 0.001),
    ]
    assert read_csv(write_csv(rows, tmp_path / "r.csv")) == rows


def test_csv_reader_drops_a_last_line_cut_short_and_rejects_other_damage(tmp_path):
    rows = [FoldResult("pink", 0.0, "svc", k, 0.5, 1.0) for k in range(2)]
    path = write_csv(rows, tmp_path / "r.csv")
    text = path.read_text()
    path.write_text(text + "pink,0.0,svc,2,0.7")  # killed while writing the third row
    assert read_csv(path) == rows
    path.write_text(text + "pink,zero,svc,2,0.7,1.0\n")
    with pytest.raises(ValueError, match="line 4: not a fold result"):
        read_csv(path)
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a results file of the main job"):
        read_csv(path)


def test_appended_rows_read_back_as_a_written_file(tmp_path):
    rows = [FoldResult("pink", 0.0, "svc", k, 0.5, 1.0) for k in range(3)]
    for row in rows:
        append_row(row.__dict__, tmp_path / "a.csv", list(row.__dict__))
    assert read_csv(tmp_path / "a.csv") == rows
    assert (tmp_path / "a.csv").read_text() == write_csv(rows, tmp_path / "w.csv").read_text()


def test_read_rows_checks_the_header_only_when_asked(tmp_path):
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    assert read_rows(tmp_path / "t.csv") == [{"a": "1", "b": "2"}]
    with pytest.raises(ValueError, match=r"expected \['a', 'c'\]"):
        read_rows(tmp_path / "t.csv", columns=["a", "c"])


def test_the_results_module_imports_neither_torch_nor_sklearn():
    code = "import sys, sklearn_drsn.results, sklearn_drsn._run_folder; print(sorted(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "'torch'" not in loaded and "'sklearn'" not in loaded


def test_results_files_without_deep_config_still_read(tmp_path):
    # Written before the deep_config column: such a run still resumes.
    path = tmp_path / "old.csv"
    path.write_text("noise,snr_db,model,fold,accuracy,fit_seconds\npink,0.0,svc,1,0.5,1.0\n")
    assert read_csv(path) == [FoldResult("pink", 0.0, "svc", 1, 0.5, 1.0, "")]


def test_the_table_names_each_deep_setting_once_with_its_models():
    rows = [FoldResult("none", math.inf, m, 0, 0.9, 1.0, c) for m, c in
            [("drsn-cw", "recipe paper"), ("resnet", "recipe paper"), ("svc", "")]]  # fmt: skip
    summary = summarise(rows)
    assert [s["deep_config"] for s in summary] == ["recipe paper", "recipe paper", ""]
    assert format_table(summary).splitlines()[-1] == "deep models: DRSN-CW, ResNet: recipe paper"
