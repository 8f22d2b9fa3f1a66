"""Regenerate the figures of docs/user_guide/inspection.rst from a real run.

    python experiments/make_figures.py   # about 2 minutes on a 2-core CPU

Trains DRSN-CW on the drivetrain simulator at 0 dB Gaussian noise and writes
the PNGs into docs/_static/.
"""

from pathlib import Path

from sklearn_drsn import DRSNClassifier
from sklearn_drsn.datasets import make_drivetrain
from sklearn_drsn.noise import add_noise
from sklearn_drsn.plotting import plot_history, plot_shrinkage, plot_thresholds_vs_snr

OUT = Path(__file__).resolve().parents[1] / "docs" / "_static"


def main() -> None:
    X, y, _ = make_drivetrain(n_per_class=120, fault_severity=2.0, random_state=0)
    X_noisy = add_noise(X, 0.0, random_state=1).astype("float32")
    clf = DRSNClassifier(max_epochs=30, validation_fraction=0.2, n_iter_no_change=30,
                         random_state=0).fit(X_noisy, y)  # fmt: skip
    print(f"validation accuracy {clf.history_[-1, 'valid_acc']:.3f}")
    plot_history(clf, OUT / "inspection_history.png")
    plot_thresholds_vs_snr(clf, X[:200], snrs_db=[-5, 0, 5, 10, 20],
                           path=OUT / "inspection_thresholds_vs_snr.png")  # fmt: skip
    plot_shrinkage(clf, X_noisy[0], unit="stages.0.0", channel=0,
                   path=OUT / "inspection_shrinkage.png")  # fmt: skip


if __name__ == "__main__":
    main()
