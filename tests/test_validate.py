"""SHACL validation (kg/validate.py, ontology/shapes.ttl) and ``kg validate``.

The graphs here are hand-written from an invented text; each broken case edits the conforming
graph in one place and names the violations it must give, no more and no fewer.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection

from kg.cli import cli
from kg.errors import EXIT_ERROR, EXIT_INVALID, EXIT_OK, InputError
from kg.ontology import ENTITY_CLASSES, ONTOLOGY_DIR, PREFIXES, RELATIONS, SUPERCLASS, fits
from kg.validate import ValidationReport, Violation, format_json, format_report, validate

TEXT = "星云银行总部位于临川。星云银行推出了云帆平台，服务客户超过3000万户。行长李文出席发布会。"
DOC = "https://w3id.org/zhkg/id/doc/d1"
ENTITY = "https://w3id.org/zhkg/id/entity/"
BANK, PLACE, PLATFORM, PERSON = (ENTITY + quote(n) for n in ("星云银行", "临川", "云帆平台", "李文"))
ZKG, NIF = PREFIXES["zkg"], PREFIXES["nif"]

HEADER = """\
@base <https://w3id.org/zhkg/id/doc/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix zkg: <https://w3id.org/zhkg/ontology#> .
"""

BODY = """\
<d1> a zkg:Article, nif:Context ;
    dcterms:identifier "d1" ;
    dcterms:title "示例文章"@zh ;
    zkg:author <PERSON> ;
    zkg:datePublished "2024-05-01"^^xsd:date ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ;
    nif:endIndex "46"^^xsd:nonNegativeInteger ;
    nif:isString "TEXT" .

<BANK> a zkg:FinancialInstitution ;
    rdfs:label "星云银行"@zh, "Xingyun Bank"@en ;
    skos:altLabel "星云" ;
    zkg:locatedIn <PLACE> ;
    zkg:develops <PLATFORM> ;
    zkg:hasMetric <d1#metric=27,35> .
<PLACE> a zkg:Place ; rdfs:label "临川"@zh .
<PLATFORM> a zkg:Platform ; rdfs:label "云帆平台"@zh .
<PERSON> a zkg:Person ; rdfs:label "李文"@zh ; zkg:jobTitle "行长" ; zkg:worksFor <BANK> .

<d1#char=0,4> a nif:Phrase ; nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "4"^^xsd:nonNegativeInteger ;
    nif:anchorOf "星云银行" ; nif:referenceContext <d1> ; itsrdf:taIdentRef <BANK> ; itsrdf:taClassRef zkg:FinancialInstitution .
<d1#char=8,10> a nif:Phrase ; nif:beginIndex "8"^^xsd:nonNegativeInteger ; nif:endIndex "10"^^xsd:nonNegativeInteger ;
    nif:anchorOf "临川" ; nif:referenceContext <d1> ; itsrdf:taIdentRef <PLACE> ; itsrdf:taClassRef zkg:Place .
<d1#char=11,15> a nif:Phrase ; nif:beginIndex "11"^^xsd:nonNegativeInteger ; nif:endIndex "15"^^xsd:nonNegativeInteger ;
    nif:anchorOf "星云银行" ; nif:referenceContext <d1> ; itsrdf:taIdentRef <BANK> ; itsrdf:taClassRef zkg:FinancialInstitution .
<d1#char=18,22> a nif:Phrase ; nif:beginIndex "18"^^xsd:nonNegativeInteger ; nif:endIndex "22"^^xsd:nonNegativeInteger ;
    nif:anchorOf "云帆平台" ; nif:referenceContext <d1> ; itsrdf:taIdentRef <PLATFORM> ; itsrdf:taClassRef zkg:Platform .
<d1#char=38,40> a nif:Phrase ; nif:beginIndex "38"^^xsd:nonNegativeInteger ; nif:endIndex "40"^^xsd:nonNegativeInteger ;
    nif:anchorOf "李文" ; nif:referenceContext <d1> ; itsrdf:taIdentRef <PERSON> ; itsrdf:taClassRef zkg:Person .

<d1#sentence=0,11> a nif:Sentence ; nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "11"^^xsd:nonNegativeInteger ;
    nif:anchorOf "星云银行总部位于临川。" ; nif:referenceContext <d1> .
<d1#sentence=11,36> a nif:Sentence ; nif:beginIndex "11"^^xsd:nonNegativeInteger ; nif:endIndex "36"^^xsd:nonNegativeInteger ;
    nif:anchorOf "星云银行推出了云帆平台，服务客户超过3000万户。" ; nif:referenceContext <d1> .
<d1#sentence=36,46> a nif:Sentence ; nif:beginIndex "36"^^xsd:nonNegativeInteger ; nif:endIndex "46"^^xsd:nonNegativeInteger ;
    nif:anchorOf "行长李文出席发布会。" ; nif:referenceContext <d1> .

<d1#metric=27,35> a zkg:Metric ;
    rdfs:label "客户"@zh ;
    zkg:value 30000000.0 ;
    zkg:unit "户" ;
    zkg:qualifier "atLeast" ;
    zkg:evidence <d1#sentence=11,36> ;
    zkg:extractor "metrics@1" ;
    zkg:confidence 0.9 .

<d1#stmt-1> a rdf:Statement ;
    rdf:subject <BANK> ; rdf:predicate zkg:locatedIn ; rdf:object <PLACE> ;
    prov:wasDerivedFrom <d1> ; zkg:evidence <d1#sentence=0,11> ;
    zkg:extractor "relations/locatedIn@1" ; zkg:confidence 0.8 .
<d1#stmt-2> a rdf:Statement ;
    rdf:subject <BANK> ; rdf:predicate zkg:develops ; rdf:object <PLATFORM> ;
    prov:wasDerivedFrom <d1> ; zkg:evidence <d1#sentence=11,36> ;
    zkg:extractor "relations/develops@1" ; zkg:confidence 0.85 .
<d1#stmt-3> a rdf:Statement ;
    rdf:subject <PERSON> ; rdf:predicate zkg:worksFor ; rdf:object <BANK> ;
    prov:wasDerivedFrom <d1> ; zkg:evidence <d1#sentence=36,46> ;
    zkg:extractor "people/title@1" ; zkg:confidence 0.75 .
"""


def fill(body: str) -> str:
    """Put the entity IRIs and the text into a body template."""
    for name, iri in (("BANK", BANK), ("PLACE", PLACE), ("PLATFORM", PLATFORM), ("PERSON", PERSON)):
        body = body.replace(f"<{name}>", f"<{iri}>")
    return body.replace('"TEXT"', f'"{TEXT}"')


def turtle(body: str = BODY) -> str:
    return HEADER + fill(body)


def trig(body: str = BODY) -> str:
    return HEADER + f"<d1> {{\n{fill(body)}}}\n"


def edit(body: str, old: str, new: str) -> str:
    assert body.count(old) == 1, f"edit target must occur once: {old!r}"
    return body.replace(old, new)


def parse(text: str, fmt: str = "turtle") -> Graph:
    return Graph().parse(data=text, format=fmt)


def found(report: ValidationReport, severity: str = "Violation") -> set[tuple]:
    return {(v.constraint, v.path, v.focus, v.value) for v in report.violations if v.severity == severity}


def test_offsets_in_the_hand_written_graph_match_the_text():
    """Guards the fixture itself: every anchor is the text between its offsets."""
    graph = parse(turtle())
    nif = Namespace(NIF)
    anchored = list(graph.subjects(nif.anchorOf, None))
    assert len(anchored) == 8
    for node in anchored:
        begin, end = int(graph.value(node, nif.beginIndex)), int(graph.value(node, nif.endIndex))
        assert TEXT[begin:end] == str(graph.value(node, nif.anchorOf))


@pytest.mark.parametrize("fmt", ["graph", "dataset", "trig", "ttl", "nq", "jsonld", "rdf"])
def test_the_conforming_graph_passes(fmt, tmp_path):
    dataset = Dataset()
    dataset.parse(data=trig(), format="trig")
    if fmt == "graph":
        data = parse(turtle())
    elif fmt == "dataset":
        data = dataset
    else:
        path = tmp_path / f"g.{fmt}"
        if fmt in ("trig", "ttl"):
            path.write_text(trig() if fmt == "trig" else turtle(), encoding="utf-8")
        elif fmt == "rdf":
            parse(turtle()).serialize(path, format="xml", encoding="utf-8")
        else:
            dataset.serialize(path, format={"nq": "nquads", "jsonld": "json-ld"}[fmt], encoding="utf-8")
        data = [path]
    report = validate(data)
    assert report.violations == []
    assert report.conforms
    assert report.triples == len(parse(turtle()))


def test_named_graphs_and_files_are_validated_as_one_union(tmp_path):
    """Mentions in one named graph (or file), their texts and entities in another: only the union conforms."""
    graph = parse(turtle())
    mentions = Graph()
    for triple in graph:
        if "#char=" in str(triple[0]):
            mentions.add(triple)
    dataset = Dataset()
    dataset.graph(URIRef(D)).__iadd__(graph - mentions)
    dataset.graph(URIRef("urn:mentions")).__iadd__(mentions)
    both = tmp_path / "both.nq"
    both.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    assert validate([both]).conforms
    rest, alone = tmp_path / "rest.ttl", tmp_path / "mentions.nt"
    (graph - mentions).serialize(rest, format="turtle", encoding="utf-8")
    mentions.serialize(alone, format="nt", encoding="utf-8")
    assert validate([rest, alone]).conforms
    report = validate([alone])
    assert ("class", NIF + "referenceContext", D + "#char=0,4", D) in found(report)


D = DOC
RDFS, DCT = PREFIXES["rdfs"], PREFIXES["dcterms"]
NN = '"{}"^^xsd:nonNegativeInteger'.format
#: (name, edits of BODY, every violation as (constraint, path, focus, value))
BROKEN = [
    ("missing zh label", [('<PLACE> a zkg:Place ; rdfs:label "临川"@zh .', "<PLACE> a zkg:Place .")],
     {("qualifiedMinCount", RDFS + "label", PLACE, None)}),
    ("second zh label", [('rdfs:label "临川"@zh .', 'rdfs:label "临川"@zh, "临川市"@zh .')],
     {("qualifiedMaxCount", RDFS + "label", PLACE, None)}),
    ("wrong range class", [("zkg:develops <PLATFORM> ;", "zkg:develops <PLATFORM> ; zkg:usesTechnology <PLACE> ;")],
     {("class", ZKG + "usesTechnology", BANK, PLACE)}),
    ("wrong domain class", [("<PLACE> a zkg:Place ;", "<PLACE> a zkg:Place ; zkg:develops <PLATFORM> ;")],
     {("class", None, PLACE, PLACE)}),
    ("wrong domain in a union", [("<PLACE> a zkg:Place ;", "<PLACE> a zkg:Place ; zkg:usesTechnology <PLATFORM> ;")],
     {("qualifiedMinCount", PREFIXES["rdf"] + "type", PLACE, None), ("class", ZKG + "usesTechnology", PLACE, PLATFORM)}),
    ("entity without a zkg class", [("<PLACE> a zkg:Place ;", "<PLACE> a schema:Place ;")],
     {("qualifiedMinCount", PREFIXES["rdf"] + "type", PLACE, None), ("class", ZKG + "locatedIn", BANK, PLACE)}),
    ("mention beyond the text", [('"38"^^', '"44"^^'), ('"40"^^', '"48"^^'), ('"李文" ;', '"会。" ;')],
     {("sparql", None, D, D + "#char=38,40")}),
    ("anchor not the substring", [('"临川" ; nif:referenceContext', '"临州" ; nif:referenceContext')],
     {("sparql", None, D, D + "#char=8,10")}),
    ("begin after end", [('"18"^^', '"23"^^')],
     {("lessThanOrEquals", NIF + "beginIndex", D + "#char=18,22", NN(23)), ("sparql", None, D, D + "#char=18,22")}),
    ("negative offset", [('"8"^^xsd:nonNegativeInteger', '"-1"^^xsd:nonNegativeInteger')],
     {("datatype", NIF + "beginIndex", D + "#char=8,10", NN(-1)), ("sparql", None, D, D + "#char=8,10")}),
    ("context end not the text length", [('"46"^^xsd:nonNegativeInteger ;\n    nif:isString',
                                          '"45"^^xsd:nonNegativeInteger ;\n    nif:isString')],
     {("sparql", NIF + "endIndex", D, NN(45)), ("sparql", None, D, D + "#sentence=36,46")}),
    ("metric with non-numeric value", [("zkg:value 30000000.0", 'zkg:value "三千万"')],
     {("datatype", ZKG + "value", D + "#metric=27,35", '"三千万"')}),
    ("metric value as an integer", [("zkg:value 30000000.0", "zkg:value 30000000")],
     {("datatype", ZKG + "value", D + "#metric=27,35", '"30000000"^^xsd:integer')}),
    ("metric without unit", [('zkg:unit "户" ;', "")],
     {("minCount", ZKG + "unit", D + "#metric=27,35", None)}),
    ("unknown qualifier", [('"atLeast"', '"over"')],
     {("in", ZKG + "qualifier", D + "#metric=27,35", '"over"')}),
    ("statement missing extractor", [('zkg:extractor "relations/locatedIn@1" ;', "")],
     {("minCount", ZKG + "extractor", D + "#stmt-1", None)}),
    ("confidence 1.5", [("zkg:confidence 0.85", "zkg:confidence 1.5")],
     {("maxInclusive", ZKG + "confidence", D + "#stmt-2", '"1.5"^^xsd:decimal')}),
    ("statement for a triple not in the graph", [("rdf:object <PLATFORM> ;", "rdf:object <PLACE> ;")],
     {("sparql", None, D, D + "#stmt-2")}),
    ("statement without a sentence", [("zkg:evidence <d1#sentence=0,11> ;", "")],
     {("minCount", ZKG + "evidence", D + "#stmt-1", None)}),
    ("article without identifier", [('dcterms:identifier "d1" ;', "")],
     {("minCount", DCT + "identifier", D, None)}),
    ("article not a nif:Context", [("<d1> a zkg:Article, nif:Context ;", "<d1> a zkg:Article ;")],
     {("hasValue", PREFIXES["rdf"] + "type", D, None)} | {
         ("class", NIF + "referenceContext", D + f"#{k}", D) for k in (
             "char=0,4", "char=8,10", "char=11,15", "char=18,22", "char=38,40",
             "sentence=0,11", "sentence=11,36", "sentence=36,46")}),
    ("date not an xsd:date", [('"2024-05-01"^^xsd:date', '"2024年5月"')],
     {("datatype", ZKG + "datePublished", D, '"2024年5月"')}),
    ("entity as a blank node", [("<PLATFORM> a zkg:Platform ; rdfs:label \"云帆平台\"@zh .",
                                 "[] a zkg:Platform ; rdfs:label \"云帆平台\"@zh .")],
     {("nodeKind", None, "[blank node]", "[blank node]"), ("class", ZKG + "develops", BANK, PLATFORM),
      ("qualifiedMinCount", PREFIXES["rdf"] + "type", PLATFORM, None)}),
]


@pytest.mark.parametrize("edits, expected", [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_each_broken_graph_gives_exactly_the_expected_violations(edits, expected):
    body = BODY
    for old, new in edits:
        body = edit(body, old, new)
    report = validate(parse(turtle(body)))
    assert not report.conforms
    assert found(report) == expected
    assert all(v.message and v.severity == "Violation" for v in report.violations)


def test_a_superclass_next_to_the_specific_class_is_only_a_warning():
    body = edit(BODY, "<BANK> a zkg:FinancialInstitution ;", "<BANK> a zkg:FinancialInstitution, zkg:Company ;")
    report = validate(parse(turtle(body)))
    assert report.conforms
    assert found(report) == set()
    assert found(report, "Warning") == {("not", PREFIXES["rdf"] + "type", BANK, ZKG + "Company")}
    assert "Conforms: yes" in format_report(report) and "1 warning" in format_report(report)


def test_custom_shapes_replace_the_default(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix zkg: <https://w3id.org/zhkg/ontology#> .\n"
        "[] a sh:NodeShape ; sh:targetClass zkg:Organization ; sh:property [ sh:path zkg:jobTitle ; sh:minCount 1 ] .\n",
        encoding="utf-8")
    report = validate(parse(turtle()), shapes=shapes)
    # the bank is a FinancialInstitution: the ontology's subclass chain makes it an Organization
    assert found(report) == {("minCount", ZKG + "jobTitle", BANK, None)}


@pytest.mark.parametrize("name, content, message", [
    ("missing.ttl", None, "no such file"),
    ("bad.ttl", "<a> <b> .", "cannot parse ttl"),
    ("bad.trig", "<g> { <a> <b> <c> ", "cannot parse trig"),
    ("data.csv", "a,b\n", "unknown RDF file extension"),
    ("empty", "DIR", "no RDF files"),
])
def test_unreadable_input_raises_input_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        validate([path])


def broken_report() -> ValidationReport:
    body = edit(BODY, "zkg:confidence 0.85", "zkg:confidence 1.5")
    body = edit(body, "zkg:confidence 0.75", "zkg:confidence 2.0")
    body = edit(body, '"临川" ; nif:referenceContext', '"临州" ; nif:referenceContext')
    return validate(parse(turtle(body)))


def test_text_report_is_grouped_readable_and_deterministic():
    report = broken_report()
    text = format_report(report)
    assert text == format_report(broken_report())
    lines = text.splitlines()
    assert lines[0] == f"Conforms: no ({report.triples} triples checked; 3 violations)"
    header = next(line for line in lines if "zkg:confidence must be" in line)
    assert header.startswith("Violation: ") and header.endswith("[maxInclusive on zkg:confidence] (2)")
    group = lines[lines.index(header) + 1: lines.index(header) + 3]
    assert group == ['  zkgr:doc/d1#stmt-2  value "1.5"^^xsd:decimal', '  zkgr:doc/d1#stmt-3  value "2.0"^^xsd:decimal']
    anchor = lines.index("  zkgr:doc/d1  value zkgr:doc/d1#char=8,10")
    assert lines[anchor - 1].startswith("Violation: the nif:anchorOf of a mention or sentence")
    assert "http" not in text  # every IRI is shortened


def test_text_report_limits_each_group():
    text = format_report(broken_report(), limit=1)
    assert '  zkgr:doc/d1#stmt-2  value "1.5"^^xsd:decimal\n  ... and 1 more\n' in text
    assert "stmt-3" not in text


def test_report_items_are_sorted_and_json_round_trips():
    report = broken_report()
    assert report.violations == sorted(report.violations, key=Violation.sort_key)
    assert all(isinstance(v, Violation) for v in report.violations)
    data = json.loads(format_json(report))
    assert data["conforms"] is False
    assert data["counts"] == {"Violation": 3, "Warning": 0, "Info": 0}
    assert [(v["focus"], v["value"]) for v in data["violations"]] == [
        (D, D + "#char=8,10"), (D + "#stmt-2", '"1.5"^^xsd:decimal'), (D + "#stmt-3", '"2.0"^^xsd:decimal')]


ASTRAL_TEXT = st.text(alphabet=st.sampled_from(list("银行ab1。𠀀😀 \n\"\\")), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ASTRAL_TEXT, data=st.data())
def test_anchor_check_counts_characters_like_python(text, data):
    """SPARQL SUBSTR (1-based, by character) agrees with Python slicing, astral characters included."""
    begin = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(begin, len(text)))
    anchor = data.draw(st.sampled_from([text[begin:end], text[begin:end] + "x"]))
    esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")  # noqa: E731
    g = f"""{HEADER}
<d> a zkg:Article, nif:Context ; dcterms:identifier "d" ; nif:isString "{esc(text)}" ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "{len(text)}"^^xsd:nonNegativeInteger .
<d#s> a nif:Sentence ; nif:referenceContext <d> ; nif:anchorOf "{esc(anchor)}" ;
    nif:beginIndex "{begin}"^^xsd:nonNegativeInteger ; nif:endIndex "{end}"^^xsd:nonNegativeInteger .
"""
    report = validate(parse(g))
    assert report.conforms == (anchor == text[begin:end]), format_report(report)


# --- the command ---------------------------------------------------------------------------------

def run(args):
    from click.testing import CliRunner

    return CliRunner().invoke(cli, ["validate", *args])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_exits_0_when_the_graph_conforms(tmp_path):
    result = run([write(tmp_path, "good.trig", trig())])
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.startswith("Conforms: yes")


def test_cli_exits_4_on_violations_with_text_and_json(tmp_path):
    bad = write(tmp_path, "bad.ttl", turtle(edit(BODY, "zkg:confidence 0.85", "zkg:confidence 1.5")))
    result = run([bad])
    assert result.exit_code == EXIT_INVALID
    assert result.stdout.startswith("Conforms: no") and "zkg:confidence" in result.stdout
    result = run([bad, "--format", "json"])
    assert result.exit_code == EXIT_INVALID
    assert json.loads(result.stdout)["counts"]["Violation"] == 1


def test_cli_reads_a_directory_and_limits_the_text_report(tmp_path):
    body = edit(BODY, "zkg:confidence 0.85", "zkg:confidence 1.5")
    write(tmp_path, "a.trig", trig(edit(body, "zkg:confidence 0.75", "zkg:confidence 2.0")))
    write(tmp_path, "notes.txt", "not RDF")
    result = run([str(tmp_path), "--limit", "1"])
    assert result.exit_code == EXIT_INVALID
    assert "(2)" in result.stdout and "... and 1 more" in result.stdout
    assert "... and" not in run([str(tmp_path), "--limit", "0"]).stdout


def test_cli_uses_the_shapes_option(tmp_path):
    empty = write(tmp_path, "none.ttl", "@prefix sh: <http://www.w3.org/ns/shacl#> .\n")
    bad = write(tmp_path, "bad.ttl", turtle(edit(BODY, "zkg:confidence 0.85", "zkg:confidence 1.5")))
    assert run([bad, "--shapes", empty]).exit_code == EXIT_OK


@pytest.mark.parametrize("name, content", [("missing.ttl", None), ("broken.ttl", "<a> <b> ."), ("x.csv", "1,2")])
def test_cli_exits_1_with_one_line_on_unreadable_input(tmp_path, name, content):
    path = str(tmp_path / name) if content is None else write(tmp_path, name, content)
    result = run([path])
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.startswith("kg: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_cli_exits_1_when_the_shapes_file_is_unreadable(tmp_path):
    good = write(tmp_path, "good.ttl", turtle())
    result = run([good, "--shapes", str(tmp_path / "nope.ttl")])
    assert result.exit_code == EXIT_ERROR and "nope.ttl" in result.stderr


# --- the shapes file itself -------------------------------------------------------------------

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace("https://w3id.org/zhkg/shapes#")
ENTITY_IRIS = [URIRef(ZKG + c) for c in ENTITY_CLASSES]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def test_shapes_are_valid_shacl(shapes):
    import pyshacl

    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def in_list(graph: Graph, shape) -> list:
    """The sh:in list of a property shape's sh:qualifiedValueShape, or its own sh:in."""
    holder = graph.value(shape, SH.qualifiedValueShape) or shape
    return list(Collection(graph, graph.value(holder, SH["in"])))


RELATION_TABLE = {**RELATIONS, "author": (("Article",), ("Person",)),
                  "publishedIn": (("Article",), ("Publication",)),
                  "hasMetric": (("Organization", "Product"), ("Metric",))}


@pytest.mark.parametrize("name", sorted(RELATION_TABLE))
def test_each_object_property_has_a_domain_and_range_shape_in_step_with_the_code(shapes, name):
    domain, (range_,) = RELATION_TABLE[name]
    prop = URIRef(ZKG + name)
    targeted = set(shapes.subjects(SH.targetSubjectsOf, prop))
    stem = name[0].upper() + name[1:]
    assert targeted == {SHAPES[stem + "DomainShape"], SHAPES[stem + "RangeShape"]}
    range_shape, domain_shape = SHAPES[stem + "RangeShape"], SHAPES[stem + "DomainShape"]
    assert shapes.value(range_shape, SH.path) == prop
    assert shapes.value(range_shape, SH["class"]) == URIRef(ZKG + range_)
    if len(domain) == 1:
        assert shapes.value(domain_shape, SH["class"]) == URIRef(ZKG + domain[0])
    else:
        assert shapes.value(domain_shape, SH.path) == RDF.type
        assert in_list(shapes, domain_shape) == [URIRef(ZKG + c) for c in ENTITY_CLASSES if fits(c, domain)]


def test_entity_class_lists_in_the_shapes_match_the_code(shapes):
    roots = {URIRef(ZKG + c) for c in ENTITY_CLASSES if SUPERCLASS[c] is None}
    for shape in ("EntityShape", "EntityZhLabelShape", "EntityAltLabelShape"):
        assert set(shapes.objects(SHAPES[shape], SH.targetClass)) == roots
    assert in_list(shapes, SHAPES.EntityReferenceShape) == ENTITY_IRIS
    assert in_list(shapes, SHAPES.MentionClassShape) == ENTITY_IRIS


# --- graphs that kg build writes ---------------------------------------------------------------

def test_a_built_graph_conforms():
    from kg.api import build_text

    result = build_text("中国工商银行与中国人民银行签署合作协议，共同推出区块链平台，服务客户超过3000万户。",
                        doc_id="demo")
    report = validate(result)
    assert report.triples == len(result.quads)
    assert report.conforms, format_report(report)


def test_the_seed_graph_conforms(seed_result):
    report = validate(seed_result)
    assert report.conforms, format_report(report)
