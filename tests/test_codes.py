"""Code parsing and expansion: every example of CONTRACT.md's code_refs section."""

import pytest

from extract.config import load_config
from extract.normalise.codes import CodeParser, learn_legend


@pytest.fixture(scope="module")
def parser() -> CodeParser:
    return CodeParser.for_document(load_config())


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Improve attendance (LEAOF-5a/b)", ["LEAOF-5a", "LEAOF-5b"]),
        ("(LEAOF-1a/1b)", ["LEAOF-1a", "LEAOF-1b"]),
        ("LEAOF-3a/b/c", ["LEAOF-3a", "LEAOF-3b", "LEAOF-3c"]),
        ("Plans are joined up (CSCI)", ["CSCI"]),
        ("Strategy agreed (LEA/LLSCOF-1.7)", ["LEA/LLSCOF-1.7"]),
        ("EDP Priority 7e", ["EDP-7e"]),
        ("BVPI 45", ["BVPI-45"]),
    ],
)
def test_codes_expand(parser: CodeParser, text: str, codes: list[str]) -> None:
    assert [c.code for c in parser.find(text)] == codes


def test_raw_is_kept_for_every_expanded_code(parser: CodeParser) -> None:
    refs = parser.find("Improve attendance (LEAOF-5a/b)")
    assert {r.raw for r in refs} == {"LEAOF-5a/b"} and {r.family for r in refs} == {"LEAOF"}


def test_bare_family_in_prose_is_not_a_code(parser: CodeParser) -> None:
    # "CSCI" named in a sentence is the inspectorate, not a recommendation code.
    assert parser.find("The CSCI inspection found weaknesses") == []


def test_misspelt_family_is_repaired_from_the_legend_with_a_warning() -> None:
    legend = "Key: LEA/LLSCOF – Local Education Authority and Local Safeguarding Children outcomes framework"
    parser = CodeParser.for_document(load_config(), legend)
    [ref] = parser.find("Review the policy (LEA/LSCOF-3.3)")
    assert ref.code == "LEA/LLSCOF-3.3" and ref.family == "LEA/LLSCOF"
    assert ref.warning and "LEA/LSCOF" in ref.warning


def test_families_are_learnt_from_the_documents_legend() -> None:
    legend = "HMIP – HM Inspectorate of Probation recommendation"
    assert "HMIP" in learn_legend(legend)
    parser = CodeParser.for_document(load_config(), legend)
    assert [c.code for c in parser.find("Tighten supervision (HMIP-4)")] == ["HMIP-4"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # A bracket right after the words it abbreviates defines the family; it cites nothing.
        ("Each priority is linked to the Education Development Plan (EDP) and to Best Value "
         "Performance Indicators (BVPI).", []),
        ("Set up the joint panel (CSCI)", ["CSCI"]),
        ("Agreed with the Commission for Social Care Inspection (CSCI-3)", ["CSCI-3"]),
    ],
)
def test_bracketed_definition_is_not_a_code(parser: CodeParser, text: str, codes: list[str]) -> None:
    assert [c.code for c in parser.find(text)] == codes
