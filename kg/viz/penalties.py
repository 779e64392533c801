"""The penalty panel's data: each zkg:Penalty (an n-ary fact) folded into the nodes it involves.

A Penalty is not drawn as a node of its own; the regulator, the penalized organization and the
person each get, in ``Node.penalties``, one readable record of the whole decision: who imposed it,
on whom, its kinds, its sums of money, reason, date and document number.
"""
from __future__ import annotations

import pyoxigraph as ox

ZKG = "https://w3id.org/zhkg/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ROLES = (("imposedBy", "regulator"), ("penalizedParty", "party"), ("penalizedPerson", "person"))


def _values(store: ox.Store, s: str, p: str) -> list:
    return sorted({q.object for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)},
                  key=str)


def _literal(store: ox.Store, s: str, p: str) -> str:
    lits = sorted(v.value for v in _values(store, s, p) if isinstance(v, ox.Literal))
    zh = sorted(v.value for v in _values(store, s, p) if isinstance(v, ox.Literal)
                and (v.language or "").startswith("zh"))
    return (zh or lits or [""])[0]


def penalty_records(store: ox.Store, labels: dict[str, str]) -> dict[str, list[dict]]:
    """entity IRI -> the penalties it takes part in, each as a dict with its ``role`` there."""
    out: dict[str, list[dict]] = {}
    iris = sorted({q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(ZKG + "Penalty"), None)})
    for p in iris:
        parts = {role: [v.value for v in _values(store, p, ZKG + prop) if isinstance(v, ox.NamedNode)]
                 for prop, role in ROLES}
        amounts = [{"label": _literal(store, m.value, RDFS_LABEL), "value": _literal(store, m.value, ZKG + "value"),
                    "unit": _literal(store, m.value, ZKG + "unit")}
                   for m in _values(store, p, ZKG + "amount") if isinstance(m, ox.NamedNode)]
        record = {
            "iri": p,
            "regulator": [labels.get(x, x) for x in parts["regulator"]],
            "penalized": [labels.get(x, x) for x in parts["party"] + parts["person"]],
            "types": sorted(v.value for v in _values(store, p, ZKG + "penaltyType") if isinstance(v, ox.Literal)),
            "amounts": sorted(amounts, key=lambda a: (a["label"], a["value"])),
            "reason": _literal(store, p, ZKG + "reason"),
            "date": _literal(store, p, ZKG + "date"),
            "number": _literal(store, p, ZKG + "documentNumber"),
        }
        for role, members in parts.items():
            for x in members:
                out.setdefault(x, []).append({**record, "role": role})
    return out


def attach(store: ox.Store, nodes: dict) -> None:
    """Set ``node.penalties`` on every node of ``nodes`` (IRI -> Node) that a penalty involves."""
    labels = {iri: n.label for iri, n in nodes.items()}
    for iri, records in penalty_records(store, labels).items():
        if iri in nodes:
            nodes[iri].penalties = sorted(records, key=lambda r: (r["date"], r["iri"]))
