"""scikit-learn's own estimator checks, over DRSN-CW, DRSN-CS and both baselines.

No check is expected to fail. The networks are shortened (one unit per
stage, few epochs) so the ~55 checks per configuration stay fast; the
contract under test does not depend on depth.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_drsn import DRSNClassifier

SMALL = dict(blocks_per_stage=1, max_epochs=30, batch_size=16, random_state=0)

ESTIMATORS = [
    DRSNClassifier(shrinkage="cw", **SMALL),
    DRSNClassifier(shrinkage="cs", **SMALL),
    DRSNClassifier(shrinkage=None, **SMALL),
    DRSNClassifier(shrinkage=None, shortcut=False, **SMALL),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
