"""Scoring rules and metrics on hand-made values (no database)."""

import pytest

from geo.scoring import metrics, rules


def test_linear_higher_is_better_is_proportional_to_the_target():
    assert rules.linear(25, target=50) == rules.SubScore(50.0)
    assert rules.linear(0, target=50) == rules.SubScore(0.0)


def test_linear_is_capped_at_the_target():
    assert rules.linear(60, target=50) == rules.SubScore(100.0, capped=True)
    assert rules.linear(50, target=50) == rules.SubScore(100.0, capped=False)


def test_linear_from_a_baseline():
    assert rules.linear(30, target=50, baseline=10).score == 50.0
    assert rules.linear(5, target=50, baseline=10) == rules.SubScore(0.0, capped=True)


def test_linear_lower_is_better():
    assert rules.linear(11, target=2, baseline=20, direction="lower").score == 50.0
    assert rules.linear(1, target=2, baseline=20, direction="lower") == rules.SubScore(
        100.0, capped=True)
    assert rules.linear(25, target=2, baseline=20, direction="lower") == rules.SubScore(
        0.0, capped=True)


def test_linear_lower_is_better_needs_a_baseline():
    with pytest.raises(ValueError, match="needs a baseline"):
        rules.linear(5, target=2, direction="lower")


def test_thresholds_give_maturity_levels():
    limits = [80, 90, 95, 98]
    assert rules.thresholds(79.9, limits=limits) == rules.SubScore(20.0, level=1)
    assert rules.thresholds(80, limits=limits) == rules.SubScore(40.0, level=2)
    assert rules.thresholds(97, limits=limits) == rules.SubScore(80.0, level=4)
    assert rules.thresholds(98, limits=limits) == rules.SubScore(100.0, level=5)


def test_thresholds_with_own_level_scores():
    assert rules.thresholds(85, limits=[80, 90, 95, 98], scores=[0, 25, 50, 75, 100]) == \
        rules.SubScore(25.0, level=2)


def test_thresholds_lower_is_better():
    limits = [20, 10, 5, 2]
    assert rules.thresholds(7, limits=limits, direction="lower") == rules.SubScore(60.0, level=3)
    assert rules.thresholds(21, limits=limits, direction="lower").level == 1
    assert rules.thresholds(2, limits=limits, direction="lower").level == 5


def test_no_value_gives_no_sub_score():
    assert rules.linear(None, target=50).score is None
    assert rules.thresholds(None, limits=[1, 2, 3, 4]).score is None


def test_apply_rule_reads_the_methodology_form():
    assert rules.apply_rule(5, {"type": "linear"}, target=10, direction="higher").score == 50.0
    sub = rules.apply_rule(3, {"type": "thresholds", "thresholds": [1, 2, 3, 4]}, target=4,
                           direction="higher")
    assert (sub.score, sub.level) == (80.0, 4)


def test_combine_renormalises_weights_of_measurable_indicators():
    score, parts = rules.combine([(0.5, 80.0), (0.3, None), (0.2, 30.0)])
    assert score == pytest.approx((0.5 * 80 + 0.2 * 30) / 0.7)
    assert parts[0].effective_weight == pytest.approx(0.5 / 0.7)
    assert parts[0].contribution == pytest.approx(80 * 0.5 / 0.7)
    assert parts[1] == rules.Part(0.3, None, None)
    assert sum(p.contribution for p in parts if p.contribution) == pytest.approx(score)


def test_combine_without_any_measurable_indicator():
    score, parts = rules.combine([(0.6, None), (0.4, None)])
    assert score is None
    assert [p.contribution for p in parts] == [None, None]


FACILITIES = {
    "sekolah_sd": {"total": 4, "in_coverage": 1, "connected": 0},
    "puskesmas": {"total": 2, "in_coverage": 2, "connected": 1},
    "all": {"total": 6, "in_coverage": 3, "connected": 1},
}


def test_facility_pct_sums_counts_over_categories():
    measured = metrics.measure("facility_pct", {"facilities": FACILITIES},
                               {"flag": "in_coverage", "categories": ["sekolah_sd", "puskesmas"]})
    assert (measured.value, measured.numerator, measured.denominator) == (50.0, 3, 6)


def test_facility_pct_without_the_flag_in_an_old_run_is_not_measurable():
    measured = metrics.measure("facility_pct", {"facilities": FACILITIES},
                               {"flag": "any_connectivity", "categories": ["all"]})
    assert measured.value is None


def test_facility_pct_without_facilities_is_not_measurable():
    measured = metrics.measure("facility_pct", {"facilities": {}},
                               {"flag": "in_coverage", "categories": ["pasar"]})
    assert (measured.value, measured.denominator) == (None, 0)


def test_ratios_and_rates():
    row = {"area_m2": 2e6, "covered_m2": 5e5, "population": 4000, "covered_population": 1000,
           "hotspots_active": 3, "hotspots_down": 1, "leaf_count": 2, "leaves_with_hotspot": 1,
           "fiber_route_m": 3000.0}
    assert metrics.measure("wifi_area_pct", row).value == 25.0
    assert metrics.measure("wifi_population_pct", row).value == 25.0
    assert metrics.measure("hotspots_per_10k", row).value == 7.5
    assert metrics.measure("hotspots_working_pct", row).value == 75.0
    assert metrics.measure("hotspots_down_pct", row).value == 25.0
    assert metrics.measure("kelurahan_with_hotspot_pct", row).value == 50.0
    assert metrics.measure("fiber_m_per_km2", row).value == 1500.0
    assert metrics.measure("wifi_population_pct", {**row, "population": None}).value is None


def test_check_params_names_the_problem():
    assert metrics.check_params("facility_pct", {"flag": "in_coverage",
                                                 "categories": ["all", "pasar"]}) == [
        "category 'all' already includes the others; use it alone"]
    assert metrics.check_params("wifi_area_pct", {"flag": "x"}) == [
        "metric 'wifi_area_pct' takes no parameter 'flag'"]
    assert metrics.check_params("facility_count", {"flag": "in_coverage"}) == [
        "metric 'facility_count' needs the parameter 'categories'"]
