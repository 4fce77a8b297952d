"""Fiber reach and redundancy: which facilities reach a data centre, and over which single links.

Pure functions on DataFrames of in-service nodes and links (no geometry, no ORM). The network is
an undirected multigraph: two links between the same nodes are two cables, hence redundant. All
data centres are merged into one root, so a facility with disjoint paths to two different data
centres is redundant too.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd

DATA_CENTRE = "data_centre"
_ROOT = ("root",)

FACILITY_COLUMNS = ["id", "fiber_node_id", "connected", "reaches_data_centre", "redundant"]
BRIDGE_COLUMNS = [
    "link_id",
    "start_node_id",
    "end_node_id",
    "length_m",
    "government_offices_cut",
    "facilities_cut",
    "nodes_cut",
]


@dataclass(frozen=True)
class FiberAnalysis:
    """Result of `fiber_analysis`.

    `facilities`: one row per facility, columns `FACILITY_COLUMNS`.
    `bridges`: single points of failure (links whose failure cuts nodes off every data centre),
    columns `BRIDGE_COLUMNS`, most government offices cut first, then most facilities, then most
    nodes, then link id.
    `total_route_m`: total length of the in-service links given.
    """

    facilities: pd.DataFrame
    bridges: pd.DataFrame
    total_route_m: float


def fiber_analysis(
    nodes: pd.DataFrame, links: pd.DataFrame, facilities: pd.DataFrame
) -> FiberAnalysis:
    """Connection, reach, redundancy and single points of failure of the fiber network.

    `nodes`: in-service nodes (`id`, `node_type`); `links`: in-service links (`id`,
    `start_node_id`, `end_node_id`, `length_m`), a link touching a node not in `nodes` is ignored;
    `facilities`: `id`, `is_government_office`, `fiber_node_id` (NA when not on fiber).
    A facility is `connected` when its node is in service, `reaches_data_centre` when a path of
    links joins it to a data centre, `redundant` when no single link failure can cut it off
    (it is 2-edge-connected to a data centre).
    """
    node_ids = set(nodes["id"].tolist())
    centres = set(nodes.loc[nodes["node_type"] == DATA_CENTRE, "id"].tolist())

    def vertex(node_id: int) -> object:
        return _ROOT if node_id in centres else node_id

    # Links per unordered vertex pair; a pair with two or more links can never be a bridge.
    pair_links: dict[frozenset, list[int]] = {}
    for link_id, start, end in links[["id", "start_node_id", "end_node_id"]].itertuples(
        index=False
    ):
        if start in node_ids and end in node_ids and vertex(start) != vertex(end):
            pair_links.setdefault(frozenset((vertex(start), vertex(end))), []).append(link_id)

    graph = nx.Graph()
    graph.add_nodes_from(vertex(n) for n in node_ids)
    graph.add_edges_from(tuple(pair) for pair in pair_links)

    reachable: set = nx.node_connected_component(graph, _ROOT) if centres else set()
    served = graph.subgraph(reachable)
    bridges = [(u, v) for u, v in nx.bridges(served) if len(pair_links[frozenset((u, v))]) == 1]

    fac_vertex = [
        vertex(n) if pd.notna(n) and n in node_ids else None for n in facilities["fiber_node_id"]
    ]
    government = facilities["is_government_office"].fillna(False).astype(bool).tolist()
    weights = {v: [0, 0, 1] for v in reachable}
    weights[_ROOT] = [0, 0, len(centres)]
    for v, gov in zip(fac_vertex, government, strict=True):
        if v in weights:
            weights[v][0] += gov
            weights[v][1] += 1
    core, cut_counts = _bridge_tree_cuts(served, bridges, weights)

    facility_table = pd.DataFrame(
        {
            "id": facilities["id"].to_numpy(),
            "fiber_node_id": facilities["fiber_node_id"].to_numpy(),
            "connected": [v is not None for v in fac_vertex],
            "reaches_data_centre": [v in reachable for v in fac_vertex],
            "redundant": [v in core for v in fac_vertex],
        },
        index=facilities.index,
    )

    links_by_id = links.set_index("id")
    rows = []
    for (u, v), (offices, served_facilities, cut_nodes) in cut_counts.items():
        link_id = pair_links[frozenset((u, v))][0]
        link = links_by_id.loc[link_id]
        rows.append(
            {
                "link_id": link_id,
                "start_node_id": link["start_node_id"],
                "end_node_id": link["end_node_id"],
                "length_m": float(link["length_m"]),
                "government_offices_cut": offices,
                "facilities_cut": served_facilities,
                "nodes_cut": cut_nodes,
            }
        )
    bridge_table = pd.DataFrame(rows, columns=BRIDGE_COLUMNS)
    if rows:
        bridge_table = bridge_table.sort_values(
            ["government_offices_cut", "facilities_cut", "nodes_cut", "link_id"],
            ascending=[False, False, False, True],
            kind="stable",
        ).reset_index(drop=True)
    return FiberAnalysis(
        facilities=facility_table,
        bridges=bridge_table,
        total_route_m=float(links["length_m"].sum()),
    )


def _bridge_tree_cuts(
    graph: nx.Graph, bridges: list[tuple], weights: dict[object, list[int]]
) -> tuple[set, dict[tuple, tuple[int, ...]]]:
    """The root's 2-edge-connected component, and what each bridge cuts off the root.

    Removing every bridge leaves the 2-edge-connected components; with the bridges between them
    they form a tree rooted at the data centres' component. A bridge cuts off the components
    below it: their summed `weights` (government offices, facilities, nodes) are returned.
    """
    if _ROOT not in graph:
        return set(), {}
    core_graph = nx.Graph(graph)
    core_graph.remove_edges_from(bridges)
    components = list(nx.connected_components(core_graph))
    component_of = {member: i for i, members in enumerate(components) for member in members}

    tree = nx.Graph()
    tree.add_nodes_from(range(len(components)))
    for u, v in bridges:
        tree.add_edge(component_of[u], component_of[v], bridge=(u, v))
    root = component_of[_ROOT]
    parent = dict(nx.bfs_predecessors(tree, root))
    totals = {
        i: [sum(weights[m][k] for m in members) for k in range(3)]
        for i, members in enumerate(components)
    }
    for component in nx.dfs_postorder_nodes(tree, root):
        if component != root:
            for k in range(3):
                totals[parent[component]][k] += totals[component][k]
    cuts = {tree.edges[parent[c], c]["bridge"]: tuple(totals[c]) for c in parent}
    return set(components[root]), cuts
