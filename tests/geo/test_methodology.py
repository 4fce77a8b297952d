"""Methodology files: the bundled ones load; broken ones give errors naming file, id and field."""

import copy
import hashlib

import pytest
import yaml
from django.core.management import CommandError, call_command

from geo.scoring.methodology import (
    METHODOLOGY_DIR,
    MethodologyError,
    available,
    load_methodology,
    parse_methodology,
)

DEFAULT = METHODOLOGY_DIR / "simpul-default-v1.yaml"


@pytest.fixture
def base():
    return yaml.safe_load(DEFAULT.read_text())


def errors_of(data) -> list[str]:
    with pytest.raises(MethodologyError) as caught:
        parse_methodology(data, source="broken.yaml")
    return caught.value.errors


def test_bundled_methodologies_load():
    assert available() == ["rkci-strict-v1", "simpul-default-v1"]
    default = load_methodology()
    assert default.label == "simpul-default 1.0.0"
    assert default.sha256 == hashlib.sha256(DEFAULT.read_bytes()).hexdigest()
    assert [d.id for d in default.dimensions] == ["smart_living", "smart_government"]
    assert [i.id for i in default.dimensions[0].indicators] == [
        "SL1", "SL2", "SL3", "SL4", "SL5", "SL6"]
    assert [i.id for i in default.dimensions[1].indicators] == ["SG1", "SG2", "SG3", "SG4", "SG5"]
    assert default.indicator("SL5").params == {
        "flag": "in_coverage",
        "categories": ["sekolah_sd", "sekolah_smp", "sekolah_sma", "puskesmas", "taman", "pasar"]}
    strict = load_methodology("rkci-strict-v1")
    assert strict.indicator("SL1").target == 80.0
    assert strict.indicator("SL6").direction == "lower"


def test_a_file_given_by_path(tmp_path, base):
    base["version"] = "2.0.0"
    path = tmp_path / "mine.json"
    import json
    path.write_text(json.dumps(base))
    assert load_methodology(path).label == "simpul-default 2.0.0"


def test_negative_weight(base):
    base["dimensions"][0]["indicators"][0]["weight"] = -1
    assert errors_of(base) == [
        "broken.yaml: dimension smart_living: indicator SL1: field 'weight': "
        "-1 is less than or equal to the minimum of 0"]


def test_missing_field(base):
    del base["dimensions"][1]["indicators"][2]["reference"]
    assert errors_of(base) == [
        "broken.yaml: dimension smart_government: indicator SG3: 'reference' is a required "
        "property"]


def test_unknown_direction_and_rule(base):
    base["dimensions"][0]["indicators"][1]["direction"] = "up"
    base["dimensions"][1]["indicators"][0]["rule"]["type"] = "log"
    assert errors_of(base) == [
        "broken.yaml: dimension smart_living: indicator SL2: field 'direction': 'up' is not one "
        "of ['higher', 'lower']",
        "broken.yaml: dimension smart_government: indicator SG1: field 'rule.type': 'log' is "
        "not one of ['linear', 'thresholds']",
    ]


def test_weights_must_sum_to_one(base):
    base["dimensions"][0]["indicators"][0]["weight"] = 0.1
    assert errors_of(base) == [
        "broken.yaml: dimension smart_living: field 'weight': the indicator weights sum to 0.9, "
        "not 1"]


def test_unknown_metric_and_bad_params(base):
    base["dimensions"][0]["indicators"][0]["metric"] = "wifi_pct"
    base["dimensions"][0]["indicators"][4]["params"]["flag"] = "wifi"
    errors = errors_of(base)
    assert errors[0].startswith("broken.yaml: dimension smart_living: indicator SL1: field "
                                "'metric': unknown metric 'wifi_pct'; known metrics: ")
    assert errors[1] == (
        "broken.yaml: dimension smart_living: indicator SL5: field 'params': flag 'wifi' is not "
        "one of in_coverage, connected, reaches_data_centre, redundant, any_connectivity")


def test_thresholds_must_be_ordered_and_lower_needs_a_baseline(base):
    base["dimensions"][0]["indicators"][5]["rule"]["thresholds"] = [80, 95, 90, 98]
    base["dimensions"][0]["indicators"][0]["direction"] = "lower"
    assert errors_of(base) == [
        "broken.yaml: dimension smart_living: indicator SL1: field 'rule': a lower-is-better "
        "linear rule needs a baseline (the value scoring 0)",
        "broken.yaml: dimension smart_living: indicator SL6: field 'rule': thresholds "
        "[80, 95, 90, 98] must increase (higher is better)",
    ]


def test_duplicate_indicator_id(base):
    copy_of_first = copy.deepcopy(base["dimensions"][0]["indicators"][0])
    base["dimensions"][1]["indicators"][0] = {**copy_of_first, "weight": 0.25}
    assert errors_of(base) == [
        "broken.yaml: dimension smart_government: indicator SL1: field 'id': used by more than "
        "one indicator"]


def test_invalid_yaml_and_missing_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\ndimensions: [\n")
    with pytest.raises(MethodologyError, match=r"^broken.yaml: not valid YAML: "):
        load_methodology(path)
    with pytest.raises(MethodologyError, match=r"nothere.yaml: methodology file not found"):
        load_methodology(tmp_path / "nothere.yaml")


def test_compute_scores_refuses_a_broken_file(tmp_path, base, db):
    base["dimensions"][0]["indicators"][0]["weight"] = 0.1
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(base))
    with pytest.raises(CommandError) as caught:
        call_command("compute_scores", "--methodology", str(path))
    assert str(caught.value) == (
        "Invalid methodology:\nbroken.yaml: dimension smart_living: field 'weight': the "
        "indicator weights sum to 0.9, not 1")
