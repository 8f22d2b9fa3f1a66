"""scikit-learn's own estimator checks, over DRSN-CW, DRSN-CS and both baselines.

No check is expected to fail. The networks are shortened (one unit per
stage, few epochs) so the ~55 checks per configuration stay fast; the
contract under test does not depend on depth.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_drsn import DRSNClassifier

SMALL = dict(blocks_per_stage=1, max_epochs=30, batch_size=16, random_state=0)

ESTIMATORS = [
    # The checks' data sets are tiny, so recipe="auto" gives the "small" recipe here...
    DRSNClassifier(shrinkage="cw", widths=(8, 16, 32), **SMALL),
    # ... and the paper's recipe is checked on the other configurations.
    DRSNClassifier(shrinkage="cs", recipe="paper", **SMALL),
    DRSNClassifier(shrinkage=None, recipe="paper", **SMALL),
    DRSNClassifier(shrinkage=None, shortcut=False, recipe="paper", **SMALL),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
