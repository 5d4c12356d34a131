"""Owner rules: splitting, prefixes, brackets, aliases, groups and kinds (CONTRACT.md owners)."""

import pytest

from extract.config import load_config
from extract.normalise.owners import (
    build_owner_index,
    owner_kind,
    see_reference,
    split_owners,
)


@pytest.mark.parametrize(
    ("cell", "owners"),
    [
        ("Janette Karklins/Mandy Miller/Peter Chivers", ["Janette Karklins", "Mandy Miller", "Peter Chivers"]),
        ("Lead: Amira Shah (Head of Adult Learning), Support: Tom Reid", ["Amira Shah", "Tom Reid"]),
        ("Rosalind Turner & Sarah Colombo", ["Rosalind Turner", "Sarah Colombo"]),
        ("Jo Bloggs and Sam Smith", ["Jo Bloggs", "Sam Smith"]),
        ("Amira Shah (Head of Learning, Skills & Work)", ["Amira Shah"]),
        ("Elizabeth Wylie/ Chris Bailey", ["Elizabeth Wylie", "Chris Bailey"]),
        ("Pathfinder Co-ordinator", ["Pathfinder Co-ordinator"]),
    ],
)
def test_split(cell: str, owners: list[str]) -> None:
    assert split_owners(cell) == owners


def test_see_reference() -> None:
    assert see_reference("See 2.3") == "2.3"
    assert see_reference("Janette Karklins") is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Janette Karklins", "person"), ("DMT", "group"), ("All managers", "group"), ("Pathfinder Co-ordinator", "role")],
)
def test_kinds(name: str, kind: str) -> None:
    assert owner_kind(name, load_config()) == kind


def test_aliases_and_slips_merge_into_the_full_name() -> None:
    printed = ["Elizabeth Wylie", "Liz Wylie", "Louise Hoten", "Louse Hoten", "Janette Karklins", "Janette karklins",
               "DMT", "All DMT", "All managers"]
    idx = build_owner_index(printed, "The DMT meets weekly. " + " ".join(printed), load_config())
    assert idx.resolve("Liz Wylie") == "Elizabeth Wylie"
    assert idx.resolve("Louse Hoten") == "Louise Hoten"
    assert idx.resolve("Janette karklins") == "Janette Karklins"
    assert idx.resolve("All DMT") == "DMT"
    assert idx.resolve("All managers") == "All managers"  # no group "managers" is named
    assert len(idx.warnings) == 4


@pytest.mark.parametrize(
    ("cell", "owners"),
    [
        # one role or unit: neither side of "and"/"&" names an owner on its own
        ("Commercial Ethics and Sustainability Lead", ["Commercial Ethics and Sustainability Lead"]),
        ("Strategic Safeguarding and Quality Assurance Manager", ["Strategic Safeguarding and Quality Assurance Manager"]),
        ("Organisation Development & Staff Engagement", ["Organisation Development & Staff Engagement"]),
        ("Assistant Director ASC and Health", ["Assistant Director ASC and Health"]),
        ("Higher Education Institutions, Norfolk Redevelopment and Housing Authority",
         ["Higher Education Institutions", "Norfolk Redevelopment and Housing Authority"]),
        ("Transparency and Accountability Initiative", ["Transparency and Accountability Initiative"]),
        # an acronym before a unit's or body's name is part of it, not a group beside a person
        ("AD Integrated Commissioning", ["AD Integrated Commissioning"]),
        ("Transparency International UK, Social Enterprise UK", ["Transparency International UK", "Social Enterprise UK"]),
        # two complete owners are still two
        ("Tom Okafor & SMT", ["Tom Okafor", "SMT"]),
        ("Housing Options Manager & Children's Commissioning Officer",
         ["Housing Options Manager", "Children's Commissioning Officer"]),
        ("Jo Fielding and Housing Manager", ["Jo Fielding", "Housing Manager"]),
        ("Finance & Head of Housing", ["Finance", "Head of Housing"]),
        ("DMT Andrew Parfitt", ["DMT", "Andrew Parfitt"]),
        # a body named before a colon, then its members; a clause is not a name
        ("BOND Anti-Corruption Group: Article 19, CAFOD", ["BOND Anti-Corruption Group", "Article 19", "CAFOD"]),
        ("Civil society organisations to be consulted in 2014", []),
        # a post and the service it serves is one owner; two posts, two people or two bodies are two
        ("Matron, Mental Health", ["Matron, Mental Health"]),
        ("Lead Nurse, Paediatrics", ["Lead Nurse, Paediatrics"]),
        ("Head of Housing, Finance Director", ["Head of Housing", "Finance Director"]),
        ("Chief Nurse, CCG", ["Chief Nurse", "CCG"]),
        ("Department for International Development, Infrastructure UK",
         ["Department for International Development", "Infrastructure UK"]),
        ("Ann Lee, Bob Kay", ["Ann Lee", "Bob Kay"]),
    ],
)
def test_split_only_between_complete_owner_names(cell: str, owners: list[str]) -> None:
    role_words = frozenset(w.lower() for p in load_config().owner_patterns for t in p["pattern"]
                           if isinstance(t, dict) and isinstance(t.get("LOWER"), dict) for w in t["LOWER"]["IN"])
    assert split_owners(cell, role_words) == owners
