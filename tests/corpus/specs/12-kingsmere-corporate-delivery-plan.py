"""Shape 12 (extra): a long corporate delivery plan - 160 actions in 8 themes over many landscape
pages (speed, header rows repeated on every page, and in the PDF rows split across page breaks
with their continuation carrying no ref). Generated deterministically; every date's end is
computed here by the rules of CONTRACT.md and cross-checked by build.check_end."""

from __future__ import annotations

import calendar

THEMES = [
    "Cleaner and greener streets", "Safer neighbourhoods", "Homes for local people",
    "A thriving town centre", "Healthy and active lives", "Learning and skills",
    "Modern customer services", "A well-run council",
]
PEOPLE = [
    "Alison Thorne", "Bashir Mahmood", "Claire Underwood", "Desmond Ogun", "Eleanor Fitch",
    "Frank Willoughby", "Gemma Royle", "Hugh Kerrigan", "Ifeoma Adeyemi", "Jonathan Pell",
    "Kirsty Lomax", "Lionel Avery",
]
GROUPS = ["Corporate Management Team", "Community Safety Partnership", "Street Scene Team"]
VERBS = ["Review", "Introduce", "Extend", "Publish", "Consult on", "Improve", "Pilot", "Evaluate",
         "Procure", "Launch"]
THINGS = ["the bulky waste collection service", "ward-based action days", "the empty homes strategy",
          "market stall pricing", "free swimming for under-16s", "adult literacy courses",
          "the customer contact centre", "the medium term financial plan", "graffiti removal",
          "the allotments waiting list", "community wardens", "the housing register",
          "the shopfront grant scheme", "health walks", "apprenticeships in the council",
          "online payments", "the procurement strategy", "recycling at flats", "CCTV coverage",
          "the sports development plan"]
STATUS = [("Green", "green"), ("Amber", "amber"), ("Red", "red"), ("Complete", "green"), ("On track", "green")]


def last(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]


def date_form(i: int) -> dict:
    """A date in one of several printed forms inside April 2009 - March 2011."""
    k = i % 7
    y, m = 2009 + ((i // 7) % 2), 4 + (i % 9)  # months Apr..Dec of 2009 or 2010
    if k == 0:
        return {"raw": f"{MONTHS[m - 1]} {y}", "end": last(y, m)}
    if k == 1:
        d = 1 + (i * 5) % 28
        return {"raw": f"{d:02d}/{m:02d}/{y}", "end": f"{y:04d}-{m:02d}-{d:02d}"}
    if k == 2:
        q = 1 + i % 4
        fy = y
        end_m = {1: 6, 2: 9, 3: 12, 4: 3}[q]
        return {"raw": f"Q{q} {fy}/{(fy + 1) % 100:02d}", "end": last(fy + (q == 4), end_m)}
    if k == 3:
        season, end_m = [("Summer", 8), ("Autumn", 11), ("Spring", 5)][i % 3]
        yy = 2010 if season == "Spring" else y
        return {"raw": f"{season} {yy}", "end": last(yy, end_m)}
    if k == 4:
        return {"raw": "Ongoing"}
    if k == 5:
        return {"raw": f"{MONTHS[m - 1]} {y % 100:02d}", "end": last(y, m)}
    return {"raw": f"{y}/{(y + 1) % 100:02d}", "end": last(y + 1, 3)}


def build_spec() -> dict:
    themes = []
    n = 0
    for t, name in enumerate(THEMES, start=1):
        actions = []
        for a in range(1, 21):
            n += 1
            verb, thing = VERBS[(n * 3) % len(VERBS)], THINGS[(n * 7 + t) % len(THINGS)]
            p1, p2 = PEOPLE[n % len(PEOPLE)], PEOPLE[(n * 5 + 3) % len(PEOPLE)]
            if n % 9 == 0:
                owners, gold_owners = f"{p1}\n{GROUPS[n % 3]}", [p1, GROUPS[n % 3]]
            elif n % 4 == 0 and p1 != p2:
                owners, gold_owners = f"{p1} / {p2}", [p1, p2]
            else:
                owners, gold_owners = p1, [p1]
            n_steps = 1 + n % 3 if n % 17 else 6  # every 17th action is long
            steps = []
            for s in range(n_steps):
                text = f"Step {s + 1}: {VERBS[(n + s) % len(VERBS)].lower()} the arrangements for {THINGS[(n + s) % len(THINGS)]}"
                if n_steps == 6:
                    text += (", working with ward members, partner agencies, residents' associations and the"
                             " voluntary sector so that every neighbourhood is covered")
                steps.append({"text": text, "date": date_form(n * 3 + s)})
            word, gold_status = STATUS[n % len(STATUS)]
            actions.append({
                "ref": f"{t}.{a:02d}",
                "title": f"{verb} {thing}",
                "owners": owners,
                "gold_owners": gold_owners,
                "steps": steps,
                "targets": [f"Target {t}.{a:02d} met"],
                "status": word,
                "gold_status": gold_status,
            })
        themes.append({"ref": str(t), "name": name, "label": f"Theme {t} – {name}", "actions": actions})
    return {
        "stem": "kingsmere-corporate-delivery-plan",
        "doc_type": "action_plan",
        "title": "Kingsmere Borough Council Corporate Delivery Plan 2009-2011",
        "landscape": True,
        # reportlab's splitInRow=1 prints a stray repeated header mid-page above a split row (an
        # artefact no real document has), so long rows move whole to the next page instead.
        "pdf_split_in_row": False,
        "plan_period": ["2009-04-01", "2011-03-31"],
        "front": ["April 2009 to March 2011", "Performance and Improvement Team"],
        "blocks": [
            {"heading": {"level": 2, "text": "Delivery plan"}},
            {"actions": {
                "theme_style": "row",
                "columns": [
                    {"header": "Ref", "role": "ref", "width": 0.5},
                    {"header": "Action", "role": "title", "width": 1.6},
                    {"header": "Key steps", "role": "steps", "width": 2.8},
                    {"header": "Target", "role": "targets", "width": 1.1},
                    {"header": "When", "role": "date", "width": 0.9},
                    {"header": "Lead", "role": "owner", "width": 1.2},
                    {"header": "Status", "role": "status", "width": 0.6},
                ],
                "themes": themes,
            }},
        ],
    }


SPEC = build_spec()
