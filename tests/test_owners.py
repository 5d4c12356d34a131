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
