"""scikit-learn's own estimator checks (``parametrize_with_checks``) on PLRNNRegressor.

The checks fit on small random data with up to 10 features (``check_dtype_object``
uses 10), so the fast configuration has ``n_latent=10``: the first N latent units
are read out as the N observed variables, and ``fit`` rejects ``n_latent < N``.
Everything else is as small as training allows, so the ~40 checks take a few
seconds; the models they fit are meaningless, only the API is under test.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from dsrnn import PLRNNRegressor

FAST_CHECKS = dict(n_latent=10, n_hidden=8, seq_len=3, forcing_interval=2, warmup=0, n_epochs=1,
                   batches_per_epoch=2, batch_size=4, lyapunov_steps=10,
                   validation_steps=50, random_state=0)

_NOT_ROW_WISE = (
    "predict(X) is a free run of the dynamical model seeded by X[0] (SPEC §7), not a "
    "row-wise map: row t depends on the rows before it, so the output cannot be "
    "invariant to {} of the samples."
)

#: Checks that cannot apply to a generative time-series model, with the reason.
EXPECTED_FAILED_CHECKS = {
    "check_methods_sample_order_invariance": _NOT_ROW_WISE.format("a permutation"),
    "check_methods_subset_invariance": _NOT_ROW_WISE.format("predicting on subsets"),
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # tiny models on noise may blow up
@parametrize_with_checks([PLRNNRegressor(**FAST_CHECKS)],
                         expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_dataframe_column_names_consistency():
    """Fitted on a DataFrame, the estimator records ``feature_names_in_`` and checks it.

    scikit-learn runs this check in its own test suite, outside
    ``parametrize_with_checks``; it needs pandas.
    """
    pytest.importorskip("pandas")
    from sklearn.utils.estimator_checks import check_dataframe_column_names_consistency

    check_dataframe_column_names_consistency("PLRNNRegressor", PLRNNRegressor(**FAST_CHECKS))
