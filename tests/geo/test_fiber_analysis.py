"""Fiber reach, redundancy and single points of failure on a small hand-drawn network.

DC(1) ─101─ POP(2) ─102─ POP(3) ─105─ ODC(5) ─106─ ODP(6)
  │                        │
 104                      103
  │                        │
POP(4) ────────────────────┘
  ║ 107, 108 (two cables)
ODP(8)                               ODP(7): isolated
"""

import pandas as pd
import pytest

from geo.coverage.fiber import BRIDGE_COLUMNS, FACILITY_COLUMNS, fiber_analysis

NODES = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6, 7, 8],
        "node_type": ["data_centre", "pop", "pop", "pop", "odc", "odp", "odp", "odp"],
    }
)
LINKS = pd.DataFrame(
    {
        "id": [101, 102, 103, 104, 105, 106, 107, 108],
        "start_node_id": [1, 2, 3, 4, 3, 5, 4, 8],
        "end_node_id": [2, 3, 4, 1, 5, 6, 8, 4],
        "length_m": [1000.0, 800.0, 900.0, 1200.0, 300.0, 150.0, 50.0, 55.0],
    }
)
FACILITIES = pd.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "facility_type": ["kantor"] * 9,
        "is_government_office": [True, True, True, False, True, True, False, False, False],
        "fiber_node_id": pd.array([2, 5, 6, 6, 7, None, 99, 8, 1], dtype="Int64"),
    }
)


def test_connection_reach_and_redundancy_per_facility():
    result = fiber_analysis(NODES, LINKS, FACILITIES).facilities

    assert list(result.columns) == FACILITY_COLUMNS
    by_id = result.set_index("id")
    assert by_id["connected"].to_dict() == {
        1: True,
        2: True,
        3: True,
        4: True,
        5: True,
        6: False,
        7: False,
        8: True,
        9: True,
    }
    assert by_id["reaches_data_centre"].to_dict() == {
        1: True,
        2: True,
        3: True,
        4: True,
        5: False,
        6: False,
        7: False,
        8: True,
        9: True,
    }
    # On the ring, behind two parallel cables, or at the data centre itself: redundant.
    assert by_id["redundant"].to_dict() == {
        1: True,
        2: False,
        3: False,
        4: False,
        5: False,
        6: False,
        7: False,
        8: True,
        9: True,
    }


def test_bridges_ranked_by_government_offices_cut():
    result = fiber_analysis(NODES, LINKS, FACILITIES)

    assert list(result.bridges.columns) == BRIDGE_COLUMNS
    assert result.bridges.to_dict("records") == [
        {
            "link_id": 105,
            "start_node_id": 3,
            "end_node_id": 5,
            "length_m": 300.0,
            "government_offices_cut": 2,
            "facilities_cut": 3,
            "nodes_cut": 2,
        },
        {
            "link_id": 106,
            "start_node_id": 5,
            "end_node_id": 6,
            "length_m": 150.0,
            "government_offices_cut": 1,
            "facilities_cut": 2,
            "nodes_cut": 1,
        },
    ]
    assert result.total_route_m == pytest.approx(4455.0)


def test_two_data_centres_make_a_node_linked_to_both_redundant():
    nodes = pd.DataFrame({"id": [1, 2, 3], "node_type": ["data_centre", "data_centre", "pop"]})
    links = pd.DataFrame(
        {"id": [1, 2], "start_node_id": [1, 3], "end_node_id": [3, 2], "length_m": [10.0, 20.0]}
    )
    facilities = pd.DataFrame(
        {"id": [1], "is_government_office": [True], "fiber_node_id": pd.array([3], dtype="Int64")}
    )

    result = fiber_analysis(nodes, links, facilities)

    assert result.facilities["redundant"].tolist() == [True]
    assert result.bridges.empty


def test_without_a_data_centre_nothing_is_reached():
    nodes = NODES.assign(node_type="pop")

    result = fiber_analysis(nodes, LINKS, FACILITIES)

    assert not result.facilities["reaches_data_centre"].any()
    assert not result.facilities["redundant"].any()
    assert result.bridges.empty
    assert list(result.bridges.columns) == BRIDGE_COLUMNS


def test_links_to_nodes_out_of_service_are_ignored():
    nodes = NODES[NODES["id"] != 5]

    result = fiber_analysis(nodes, LINKS, FACILITIES)

    by_id = result.facilities.set_index("id")
    assert not by_id.loc[2, "connected"]
    assert not by_id.loc[3, "reaches_data_centre"]
    assert result.bridges.empty
