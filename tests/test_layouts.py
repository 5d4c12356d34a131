"""Layout families on small documents written here: which family reads a region, what a plan-like
document with no actions says, and the registry's rules. The corpus (tests/corpus, specs 13-20)
checks each family in every format against its gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.extractors.layouts import Candidate, choose, register_layout
from extract.run.pipeline import extract_file


def _extract(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_file(path, tmp_path)


def test_a_layout_name_is_taken_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_layout("action_table")(lambda ctx: [])


def test_the_best_candidates_that_do_not_overlap_are_kept() -> None:
    a = Candidate("a", frozenset({1, 2}), 3.0, drafts=[object()])  # type: ignore[list-item]
    b = Candidate("b", frozenset({2, 3}), 5.0, drafts=[object()])  # type: ignore[list-item]
    c = Candidate("c", frozenset({7}), 1.0, drafts=[object()])  # type: ignore[list-item]
    assert [k.layout for k in choose([a, b, c])] == ["b", "c"]


def test_keyed_paragraphs_are_actions_and_the_prose_between_them_is_not(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Eastfield Homelessness Action Plan 2021-2023

## Priority 1: Prevention

The council will do more to prevent homelessness and will report to Cabinet in March 2022.

1. Recruit two prevention officers for the housing options team.

Lead: Housing Options Manager

Timescale: June 2021

Progress: One officer in post.

2. Launch a landlord incentive scheme.

Lead: Private Sector Housing Team Leader

By: 30/09/2021

Partners: Citizens Advice
""")
    acts = doc.actions
    assert [a.action_ref for a in acts] == ["1", "2"]
    assert acts[0].title == "Recruit two prevention officers for the housing options team."
    assert acts[0].owners == ["Housing Options Manager"]
    assert acts[0].progress == ["One officer in post."]
    assert [str(m.date_end) for m in acts[1].milestones] == ["2021-09-30"]
    assert acts[1].partners == ["Citizens Advice"]
    assert acts[0].theme == "Priority 1: Prevention" and all(a.layout == "keyed_paragraphs" for a in acts)


def test_a_plan_like_document_with_no_actions_is_partial_and_says_what_was_seen(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Riverside Community Safety Action Plan 2024-2025

## Introduction

This plan sets out what the partnership will do over the next year.

| Area | Incidents | Change |
|---|---|---|
| Burglary | 120 | down 4% |
| Vehicle crime | 88 | up 2% |
| Criminal damage | 64 | down 1% |
""")
    assert doc.actions == [] and doc.document.status == "partial"
    w303 = [w for w in doc.warnings if w.code == "W303"]
    assert len(w303) == 1
    assert "Riverside Community Safety Action Plan" in w303[0].message
    assert "1 table" in w303[0].message and "Area | Incidents | Change" in w303[0].message
    assert doc.document.error == f"W303: {w303[0].message}"  # the review page lists these first


def test_minutes_with_a_table_stay_silent_and_ok(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "minutes.md", """# Minutes of the Parks Committee, 4 May 2023

| Name | Organisation | Role |
|---|---|---|
| Ann Lee | Parks | Chair |
| Bob Kay | Finance | Member |
| Cy Dunn | Legal | Officer |
""")
    assert doc.actions == [] and doc.document.status == "ok" and not doc.warnings


def test_an_owner_merged_down_over_two_actions_owns_both(tmp_path: Path) -> None:
    from docx import Document as Word

    d = Word()
    d.add_heading("Merged Owners Improvement Plan 2024", 1)
    t = d.add_table(rows=4, cols=4)
    for i, h in enumerate(["Ref", "Action", "Lead", "Deadline"]):
        t.cell(0, i).text = h
    for r, (ref, action, due) in enumerate([("1.1", "Review the allocations policy", "March 2025"),
                                            ("1.2", "Publish the tenants charter", "June 2025"),
                                            ("1.3", "Train all housing staff", "July 2025")], 1):
        t.cell(r, 0).text, t.cell(r, 1).text, t.cell(r, 3).text = ref, action, due
    t.cell(1, 2).merge(t.cell(2, 2)).text = "Ann Lee"
    t.cell(3, 2).text = "Bob Kay"
    d.save(tmp_path / "plan.docx")
    doc = extract_file(tmp_path / "plan.docx", tmp_path)
    assert [(a.action_ref, a.owners) for a in doc.actions] == [
        ("1.1", ["Ann Lee"]), ("1.2", ["Ann Lee"]), ("1.3", ["Bob Kay"])]


def _westfield_docx(path: Path) -> Path:
    """A written statement of action: one table per area of weakness, the same header in each,
    the last area holding a single action."""
    import docx

    d = docx.Document()
    d.add_heading("Westfield Borough Council: SEND Written Statement of Action", 0)
    header = ["Recommendation", "Action to be taken", "Lead", "Deadline", "Progress update", "Status"]
    areas = {
        "Area of weakness 1: Timeliness of EHC plans": [
            ["WS1", "Recruit four additional EHC coordinators", "SEND Service Manager", "September 2023",
             "Two posts filled in August.", "On track"],
            ["WS2", "Co-produce a new annual review process with parents", "Parent Carer Forum Chair",
             "Spring term 2024", "", "Not started"]],
        "Area of weakness 2: Joint commissioning": [
            ["WS3", "Agree a joint commissioning strategy for speech and language therapy",
             "Director of Commissioning", "31/03/2024", "Draft out for consultation", "Delayed"]],
    }
    for heading, rows in areas.items():
        d.add_heading(heading, 1)
        table = d.add_table(rows=1, cols=len(header))
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = text
        for values in rows:
            for cell, text in zip(table.add_row().cells, values):
                cell.text = text
    d.save(str(path))
    return path


def test_a_table_of_one_action_counts_when_it_prints_the_header_of_the_plans_other_tables(tmp_path: Path) -> None:
    doc = extract_file(_westfield_docx(tmp_path / "wsoa.docx"), tmp_path)
    got = [(a.action_ref, a.theme_ref, a.theme, a.codes, a.owners) for a in doc.actions]
    assert got == [
        ("#1", "1", "Timeliness of EHC plans", ["WS1"], ["SEND Service Manager"]),
        ("#2", "1", "Timeliness of EHC plans", ["WS2"], ["Parent Carer Forum Chair"]),
        ("#3", "2", "Joint commissioning", ["WS3"], ["Director of Commissioning"]),
    ]


def test_numbering_that_starts_again_on_each_priority_sheet_is_qualified_not_joined(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    sheets = {
        "Priority 1 - Safer Streets": [("1. Deliver a night-time safety campaign", "Community Safety Manager", dt.datetime(2025, 12, 31)),
                                       ("2. Install CCTV at three hotspots", "CCTV Team Leader", dt.datetime(2026, 3, 31)),
                                       ("3. Light the riverside path", "Highways Manager", dt.datetime(2026, 6, 30))],
        "Priority 2 - Tackling ASB": [("1. Review the ASB case review procedure", "ASB Coordinator", dt.datetime(2025, 9, 30)),
                                      ("2. Train housing officers in mediation", "Housing Manager", dt.datetime(2026, 1, 31))],
    }
    for i, (name, rows) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["Community Safety Partnership Plan 2025/26"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(["Key Action", "Who", "Target Date", "RAG"])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for title, who, due in rows:
            ws.append([title, who, due, "A"])
            ws.cell(ws.max_row, 3).number_format = "dd/mm/yyyy"
    path = tmp_path / "csp.xlsx"
    wb.save(path)
    doc = extract_file(path, tmp_path)
    got = [(a.action_ref, a.printed_ref, a.theme_ref, a.theme, a.owners, str(a.milestones[0].date_end)) for a in doc.actions]
    assert got == [
        ("1.1", "1", "1", "Safer Streets", ["Community Safety Manager"], "2025-12-31"),
        ("1.2", "2", "1", "Safer Streets", ["CCTV Team Leader"], "2026-03-31"),
        ("1.3", "3", "1", "Safer Streets", ["Highways Manager"], "2026-06-30"),
        ("2.1", "1", "2", "Tackling ASB", ["ASB Coordinator"], "2025-09-30"),
        ("2.2", "2", "2", "Tackling ASB", ["Housing Manager"], "2026-01-31"),
    ]
    assert [w.code for w in doc.warnings] == ["W304"]


def test_a_lead_and_timescale_column_gives_both_the_owner_and_the_date(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Elmford Adult Social Care Improvement Plan 2024

No.\tAction\tLead and timescale\tMeasure of success
A1\tIntroduce a triage hub for all safeguarding concerns\tHead of Safeguarding, by 30 June 2024\t90% of enquiries started in 2 days
A2\tAudit 20 plans each quarter and feed back to teams\tPrincipal Social Worker – quarterly from April 2024\tAudit grades good or better
A3\tLaunch a recruitment and retention strategy\tWorkforce Development Manager (Autumn 2024)\tTurnover below 15%
""")
    got = [(a.action_ref, a.owners, [str(m.date_end)[:7] for m in a.milestones]) for a in doc.actions]
    assert got == [("A1", ["Head of Safeguarding"], ["2024-06"]),
                   ("A2", ["Principal Social Worker"], ["2024-04"]),
                   ("A3", ["Workforce Development Manager"], ["2024-11"])]


def test_references_with_a_letter_prefix_and_a_hyphen_are_printed_refs(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Northbridge Health and Wellbeing Delivery Plan 2025/26

Objective\tRef\tActions\tLead\tStart\tEnd\tRAG
Healthy weight\tHW-01\tCommission a tier 2 weight management service\tDirector of Public Health\tApr 2025\tOct 2025\tRed
Healthy weight\tHW-02\tRoll out the daily mile in primary schools\tSchool Health Lead\tMay 2025\tJul 2026\tAmber
Mental wellbeing\tMWB/3\tTrain 200 mental health first aiders\tPublic Mental Health Manager\tJun 2025\tMar 2026\tGreen
Mental wellbeing\tMWB/4\tLaunch a suicide prevention campaign\tPublic Mental Health Manager\tSep 2025\tMar 2026\tGreen
""")
    assert [(a.action_ref, a.theme, a.status) for a in doc.actions] == [
        ("HW-01", "Healthy weight", "red"), ("HW-02", "Healthy weight", "amber"),
        ("MWB/3", "Mental wellbeing", "green"), ("MWB/4", "Mental wellbeing", "green")]


def test_lines_broken_by_hand_in_a_word_cell_are_lines_and_typed_items_are_steps(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Ashby Town Council Climate Emergency Action Plan", 0)
    table = d.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Ref", "Action", "Responsibility", "Completion"]):
        cell.text = text
    # python-docx writes "\n" in cell text as <w:br/>: a line broken by hand (Shift+Enter).
    for values in (["1", "Reduce energy use in council buildings", "Facilities Manager\nFinance Officer", "March 2025"],
                   ["", "a) Fit LED lighting in the town hall\nb) Install smart meters in all buildings", "", ""],
                   ["2", "Switch the fleet to electric vehicles", "Operations Manager", "2027"]):
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    path = tmp_path / "ashby.docx"
    d.save(str(path))
    doc = extract_file(path, tmp_path)
    got = [(a.action_ref, a.title, a.steps, a.owners) for a in doc.actions]
    assert got == [
        ("1", "Reduce energy use in council buildings",
         ["a) Fit LED lighting in the town hall", "b) Install smart meters in all buildings"],
         ["Facilities Manager", "Finance Officer"]),
        ("2", "Switch the fleet to electric vehicles", [], ["Operations Manager"]),
    ]


def test_a_priority_column_printed_on_the_first_row_of_each_group_is_the_theme_without_refs(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "Marsh Lane Primary School Improvement Plan 2024-25"
    for i, head in enumerate(["Priority", "Action", "Lead(s)", "Deadline", "Status"]):
        ws.cell(4, 2 + i, head)
    rows = [["1. Reading", "Introduce daily phonics catch-up for Year 2\nTrain TAs in the new scheme", "English Lead", "Oct 2024", "On track"],
            [None, "Refresh the library with diverse texts", "English Lead", "Mar 2025", "Not started"],
            ["2. Attendance", "Run weekly attendance clinics for persistent absentees", "Deputy Head", "Ongoing", "On track"],
            [None, "Offer breakfast club places to target families", "Business Manager", "Sept 2024", "Complete"]]
    for r, values in enumerate(rows):
        for i, v in enumerate(values):
            ws.cell(5 + r, 2 + i, v)
    path = tmp_path / "sip.xlsx"
    wb.save(path)
    doc = extract_file(path, tmp_path)
    got = [(a.action_ref, a.theme_ref, a.theme, a.title, a.steps) for a in doc.actions]
    assert got == [
        ("#1", "1", "Reading", "Introduce daily phonics catch-up for Year 2", ["Train TAs in the new scheme"]),
        ("#2", "1", "Reading", "Refresh the library with diverse texts", []),
        ("#3", "2", "Attendance", "Run weekly attendance clinics for persistent absentees", []),
        ("#4", "2", "Attendance", "Offer breakfast club places to target families", []),
    ]


def test_a_year_naming_a_thing_in_a_title_is_not_a_due_date(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Riverton Resilience Action Plan 2030

Ref\tAction\tLead Department\tTimeframe
1.1\tUpdate the stormwater master plan to include 2050 rainfall projections\tPublic Works\tShort-term
1.2\tPlant 10,000 street trees in low-canopy neighborhoods by 2030\tParks and Recreation\tLong-term
1.3\tPublish the 2021 census profile of flood-exposed homes\tPlanning\tMedium-term

Timeframes: Short-term 0-2 years (by 2025); Medium-term 3-5 years (by 2028); Long-term 6-10 years (by 2033).
""")
    got = {a.action_ref: sorted((m.date_raw, str(m.date_end)) for m in a.milestones) for a in doc.actions}
    assert got == {"1.1": [("Short-term", "2025-12-31")],
                   "1.2": [("2030", "2030-12-31"), ("Long-term", "2033-12-31")],
                   "1.3": [("Medium-term", "2028-12-31")]}


def _docx_tables(path: Path, title: str, tables: list[tuple[str | None, list[list[str]]]]) -> Path:
    """A Word plan: a title, then each table under its heading (level 2) when it has one."""
    import docx

    d = docx.Document()
    d.add_heading(title, 1)
    for heading, rows in tables:
        if heading:
            d.add_heading(heading, 2)
        table = d.add_table(rows=0, cols=len(rows[0]))
        for values in rows:
            for cell, text in zip(table.add_row().cells, values):
                cell.text = text
    d.save(str(path))
    return path


def test_a_column_headed_action_that_holds_only_numbers_is_the_ref_and_the_prose_beside_it_the_action(tmp_path: Path) -> None:
    # US city plans: "Action | Description | Responsible Department", the action column holding 1.A, 1.B.
    head = ["Action", "Description", "Responsible Department", "Timeframe"]
    path = _docx_tables(tmp_path / "riverton.docx", "City of Riverton Housing Action Plan", [
        ("Goal 1: Increase the supply of affordable housing",
         [head, ["1.A", "Amend the zoning code to allow accessory dwelling units by right", "Planning & Development", "2025"],
          ["1.B", "Create a housing trust fund with a dedicated revenue source", "Finance Department", "2026"]]),
        ("Goal 2: Prevent displacement",
         [head, ["2.A", "Adopt a right-to-counsel ordinance for tenants facing eviction", "City Attorney", "2025"]]),
    ])
    acts = extract_file(path, tmp_path).actions
    assert [(a.action_ref, a.theme_ref, a.title, a.owners) for a in acts] == [
        ("1.A", "1", "Amend the zoning code to allow accessory dwelling units by right", ["Planning & Development"]),
        ("1.B", "1", "Create a housing trust fund with a dedicated revenue source", ["Finance Department"]),
        ("2.A", "2", "Adopt a right-to-counsel ordinance for tenants facing eviction", ["City Attorney"]),
    ]


def test_word_list_paragraphs_with_lead_and_by_lines_after_them_are_actions(tmp_path: Path) -> None:
    # Word numbers a "List Number" paragraph itself: no number in its text, its keys on the next lines.
    import docx

    d = docx.Document()
    d.add_heading("Homelessness Prevention Action Plan", 1)
    for heading, items in (("Objective 1: Early intervention",
                            [("Set up a hospital discharge protocol with the acute trust", "Housing Options Manager", "June 2024"),
                             ("Introduce a prevention fund for tenants at risk", "Head of Housing", "September 2024")]),
                           ("Objective 2: Supply", [("Bring 40 empty homes back into use", "Empty Homes Officer", "March 2025")])):
        d.add_heading(heading, 2)
        for title, lead, by in items:
            d.add_paragraph(title, style="List Number")
            d.add_paragraph(f"Lead: {lead}")
            d.add_paragraph(f"By: {by}")
    d.add_paragraph("We will review this plan every year.", style="List Bullet")
    path = tmp_path / "homelessness.docx"
    d.save(str(path))
    acts = extract_file(path, tmp_path).actions
    assert [(a.theme, a.title, a.owners, [str(m.date_end) for m in a.milestones]) for a in acts] == [
        ("Objective 1: Early intervention", "Set up a hospital discharge protocol with the acute trust", ["Housing Options Manager"], ["2024-06-30"]),
        ("Objective 1: Early intervention", "Introduce a prevention fund for tenants at risk", ["Head of Housing"], ["2024-09-30"]),
        ("Objective 2: Supply", "Bring 40 empty homes back into use", ["Empty Homes Officer"], ["2025-03-31"]),
    ]


def test_a_written_statement_of_action_takes_each_tables_theme_from_the_labelled_paragraph_above_it(tmp_path: Path) -> None:
    # A SEND written statement of action: "Area of significant weakness 1: …" typed as a plain paragraph.
    import docx

    head = ["Ref", "What we will do", "Who is responsible", "By when", "How we will know it has worked"]
    d = docx.Document()
    d.add_heading("Written Statement of Action", 1)
    for label, rows in (("Area of significant weakness 1: The inconsistent quality of EHC plans",
                         [["1.1", "Establish a quality assurance panel for EHC plans", "Head of SEND", "January 2023", "90% of audited plans rated good"]]),
                        ("Area of significant weakness 2: Waiting times for the autism pathway",
                         [["2.1", "Commission additional diagnostic assessments", "Designated Clinical Officer", "April 2023", "Waiting time below 18 weeks"]])):
        d.add_paragraph(label)
        table = d.add_table(rows=0, cols=len(head))
        for values in [head, *rows]:
            for cell, text in zip(table.add_row().cells, values):
                cell.text = text
    path = tmp_path / "wsoa.docx"
    d.save(str(path))
    acts = extract_file(path, tmp_path).actions
    assert [(a.action_ref, a.theme_ref, a.theme, a.targets, a.steps) for a in acts] == [
        ("1.1", "1", "The inconsistent quality of EHC plans", ["90% of audited plans rated good"], []),
        ("2.1", "2", "Waiting times for the autism pathway", ["Waiting time below 18 weeks"], []),
    ]


def test_by_naming_who_agreed_something_in_a_comment_is_not_a_deadline(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Eastfield Economy Plan 2024-2026

| Ref | Action | Lead | Due | Comments |
|---|---|---|---|---|
| 1.1 | Support 50 new business start-ups | Economic Development Manager | March 2025 | Grants agreed by Cabinet in May 2024; the first cohort will begin in September 2024. |
| 1.2 | Refresh the town centre masterplan | Head of Planning | December 2025 | To be approved by Cabinet by July 2025. |
""")
    assert [m.date_raw for m in doc.actions[0].milestones] == ["March 2025", "September 2024"]
    assert sorted(m.date_raw for m in doc.actions[1].milestones) == ["December 2025", "July 2025"]


def test_how_often_a_measure_of_success_recurs_is_not_the_actions_timescale(tmp_path: Path) -> None:
    doc = _extract(tmp_path, "plan.md", """# Eastfield SEND Improvement Plan 2024-2026

| No. | Action | Success criteria | Lead | Timescale |
|---|---|---|---|---|
| 1.1 | Introduce a weekly EHC panel | Panel meets weekly | SEND Manager | Autumn 2024 |
| 1.2 | Review the local offer | Reviewed annually | SEND Manager | Annually |
| 1.3 | Recruit two educational psychologists | 95% of plans issued within 20 weeks | Principal EP | Spring 2025 |
""")
    assert [a.targets for a in doc.actions] == [["Panel meets weekly"], ["Reviewed annually"],
                                                 ["95% of plans issued within 20 weeks"]]
    assert [[m.date_raw for m in a.milestones] for a in doc.actions] == [["Autumn 2024"], ["Annually"], ["Spring 2025"]]
