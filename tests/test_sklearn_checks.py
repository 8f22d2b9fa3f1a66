"""scikit-learn's own estimator checks, over DRSN-CW, DRSN-CS and both baselines.

One check is expected to fail, with its reason below; every other check,
the sample-weight checks included, must pass. The networks are shortened
(one unit per stage, few epochs) so the ~60 checks per configuration stay
fast; the contract under test does not depend on depth.
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
    # A packed ensemble: member logits in training, the members' mean probability after.
    DRSNClassifier(shrinkage="cw", widths=(4, 8), n_members=2, **SMALL),
]


# Repeating a sample k times and giving it weight k train on different mini-batches
# (and BatchNorm statistics), so a stochastic network's predictions differ even though
# the expected loss is the same; scikit-learn's own SGD estimators fail this check for
# the same reason. tests/test_sample_weight.py checks the loss-level equivalence instead.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch training: weight k and k repetitions give the same expected loss, "
        "not the same batches"
    ),
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILURES


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
