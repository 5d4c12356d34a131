"""The evaluation corpus as data: each document once, rendered to .md/.docx/.pdf and to its gold.

Invented councils, people and topics in the shapes real plans take (see tests/corpus/README.md).
Each value says what is printed and, where it differs, what a careful reader takes from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Step:
    text: str
    date: str = ""  # printed in the date column (or inside the text when date_in_text)
    due: list[str] = field(default_factory=list)  # YYYY-MM of the date's last day
    optional: list[str] = field(default_factory=list)


@dataclass
class Act:
    ref: str
    title: str
    steps: list[Step]
    owners: str  # as printed
    gold_owners: list[str]
    targets: list[str] = field(default_factory=list)
    codes: str = ""  # as printed in the title
    gold_codes: list[str] = field(default_factory=list)
    status: str = ""  # as printed
    fill: str = ""  # cell colour
    gold_status: str | None = None
    continuation: bool = False  # render the last step as a separate row without a ref


@dataclass
class Theme:
    ref: str | None
    name: str
    actions: list[Act]


@dataclass
class Rec:
    text: str
    codes: str  # as printed
    gold_codes: list[str]
    sections: list[str]  # headings it is printed under (a repeat per extra section)
    outcomes_printed: str = ""  # "(1,3)" markers or an outcome column value
    gold_outcomes: list[str] = field(default_factory=list)
    slip: str = ""  # a misspelt printing used for the second section
    status: str = ""
    gold_status: str | None = None


@dataclass
class Plan:
    stem: str
    title: str
    front: list[str]  # lines under the title (period, version, legend)
    doc_type: str
    period: tuple[str, str] | None = None
    columns: list[str] = field(default_factory=list)  # header texts, in printed order, by role key
    roles: list[str] = field(default_factory=list)  # role per column: ref theme title steps target date owner status
    theme_style: str = "row"  # row | merged | heading
    themes: list[Theme] = field(default_factory=list)
    recs: list[Rec] = field(default_factory=list)
    rec_style: str = "list"  # list | table
    rec_columns: list[str] = field(default_factory=list)
    outcome_list: list[str] = field(default_factory=list)
    appendix_title: str = ""
    paragraphs: list[str] = field(default_factory=list)  # prose for non-plans
    other_table: list[list[str]] = field(default_factory=list)
    landscape: bool = True


PLANS: list[Plan] = [
    Plan(
        stem="northshire-youth-improvement-plan",
        title="Northshire Youth Service Improvement Plan",
        front=["April 2008 – March 2010", "Owner: Head of Youth Service"],
        doc_type="action_plan",
        period=("2008-04-01", "2010-03-31"),
        columns=["Action No", "Lead Officer", "Key Tasks", "Timescale", "Success Criteria", "RAG"],
        roles=["ref", "owner", "steps", "date", "target", "status"],
        theme_style="row",
        themes=[
            Theme("A", "Improving attendance at youth centres", [
                Act("A1", "Launch a termly programme of open evenings",
                    [Step("Agree the programme with centre managers", "31/05/2008", ["2008-05"]),
                     Step("Publish the programme to schools", "Autumn term 2008", ["2008-12"])],
                    "Priya Natarajan", ["Priya Natarajan"], targets=["Attendance up 10%"], status="Green", gold_status="green"),
                Act("A2", "Review opening hours in rural areas",
                    [Step("Survey young people in the three rural wards", "Q3 2008/09", ["2008-12"]),
                     Step("Report options to the Youth Board", "Jan 2009", ["2009-01"])],
                    "Priya Natarajan / Marcus Bell", ["Priya Natarajan", "Marcus Bell"], status="Amber", gold_status="amber"),
                Act("A3", "Train volunteers in safeguarding",
                    [Step("Run four training sessions", "Ongoing")],
                    "Safeguarding Lead", ["Safeguarding Lead"], status="Red", gold_status="red"),
            ]),
            Theme("B", "Young people's voice", [
                Act("B1", "Set up a youth council for each district",
                    [Step("Elect members in every district", "Spring 2009", ["2009-05"]),
                     Step("Hold the first joint meeting", "w/c 14 Sept 2009", ["2009-09"])],
                    "Marcus Bell", ["Marcus Bell"], status="Complete", gold_status="green"),
                Act("B2", "Publish an annual report written by young people",
                    [Step("Commission the editorial group", "30.06.09", ["2009-06"])],
                    "Mark Bell, Priya Natarajan", ["Marcus Bell", "Priya Natarajan"], status="Green", gold_status="green"),
            ]),
        ],
    ),
    Plan(
        stem="eastvale-adult-care-action-plan",
        title="Eastvale Council Adult Social Care Action Plan 2007/08",
        front=["Version 2 – agreed by the Cabinet"],
        doc_type="action_plan",
        period=("2007-04-01", "2008-03-31"),
        columns=["Priority", "Ref", "Action", "Lead", "Deadline", "Progress"],
        roles=["theme", "ref", "steps", "owner", "date", "status"],
        theme_style="merged",
        themes=[
            Theme(None, "Personalised support", [
                Act("1.1", "Offer personal budgets to all new service users",
                    [Step("Pilot personal budgets in the north locality", "September 2007", ["2007-09"]),
                     Step("Extend to all localities", "March 2008", ["2008-03"])],
                    "Lead: Amira Shah (Head of Adult Learning), Support: Tom Reid", ["Amira Shah", "Tom Reid"],
                    codes="(CSCI)", gold_codes=["CSCI"], status="On track", gold_status="green"),
                Act("1.2", "Reduce delayed transfers of care",
                    [Step("Agree a joint protocol with the hospital trust", "31st October", ["2007-10"])],
                    "Tom Reid & Helen Okafor", ["Tom Reid", "Helen Okafor"], status="Behind schedule", gold_status="red"),
            ]),
            Theme(None, "Carers", [
                Act("1.10", "Publish a carers' strategy",
                    [Step("Consult carers' groups", "Summer 2007", ["2007-08"]),
                     Step("Adopt the strategy", "Dec 07 – Feb 08", ["2008-02"])],
                    "Helen Okafor (Carers Lead)", ["Helen Okafor"], codes="(BVPI 201)", gold_codes=["BVPI-201"],
                    status="Not started", gold_status="blue"),
                Act("2.1", "Provide breaks for young carers",
                    [Step("Commission a short-breaks service", "2007/08", ["2008-03"]),
                     Step("Review take-up", "Ongoing")],
                    "See 1.10", ["Helen Okafor"], status="On track", gold_status="green"),
            ]),
        ],
    ),
    Plan(
        stem="westbrook-housing-delivery-plan",
        title="Westbrook Borough Housing Strategy Delivery Plan",
        front=["2009 – 2011", "Status key: Red – not started; Amber – in progress; Green – complete"],
        doc_type="action_plan",
        period=("2009-01-01", "2011-12-31"),
        columns=["Ref", "What we will do", "By when", "Who", "Status"],
        roles=["ref", "steps", "date", "owner", "status"],
        theme_style="heading",
        themes=[
            Theme("1", "Objective 1: More affordable homes", [
                Act("R1", "Deliver 200 affordable homes a year",
                    [Step("Agree the sites programme", "June 2009", ["2009-06"]),
                     Step("Start on site at Mill Lane", "Autumn 2009", ["2009-11"])],
                    "Jo Whitfield", ["Jo Whitfield"], fill="#FF0000", gold_status="red"),
                Act("R2", "Bring empty homes back into use",
                    [Step("Contact every owner of a long-term empty home", "Q1 2010/11", ["2010-06"])],
                    "Sam Adeyemi", ["Sam Adeyemi"], fill="#FFC000", gold_status="amber"),
            ]),
            Theme("2", "Objective 2: Preventing homelessness", [
                Act("R3", "Open a housing options hub",
                    [Step("Fit out the hub", "Winter 2009/10", ["2010-02"]),
                     Step("Open to the public", "April 2010", ["2010-04"])],
                    "See R2", ["Sam Adeyemi"], fill="#00B050", gold_status="green"),
                Act("R4", "Reduce use of bed and breakfast",
                    [Step("No families in B&B for more than six weeks", "end of Summer term 2010", ["2010-07"])],
                    "Jo Whitfield / All HMT", ["Jo Whitfield", "HMT"], fill="#FF0000", gold_status="red"),
                Act("R5", "Review allocations policy with the HMT",
                    [Step("Consult on changes", "2010/11", ["2011-03"])],
                    "HMT", ["HMT"], fill="#00B050", gold_status="green"),
            ]),
        ],
    ),
    Plan(
        stem="riverside-probation-response-matrix",
        title="Riverside Probation Area: Response to the Inspection",
        front=["Key: HMIP – HM Inspectorate of Probation recommendation; LAA – Local Area Agreement target",
               "Outcomes:", "1. Safer communities", "2. Fewer people reoffending", "3. Victims supported"],
        doc_type="recommendation_matrix",
        rec_style="table",
        rec_columns=["Recommendation", "Code", "Outcome", "Lead", "Status"],
        outcome_list=["Safer communities", "Fewer people reoffending", "Victims supported"],
        recs=[
            Rec("Risk of harm assessments should be completed within five working days", "HMIP-3", ["HMIP-3"],
                ["Public protection"], "1", ["Safer communities"], status="Amber", gold_status="amber"),
            Rec("Offender managers should review sentence plans every sixteen weeks", "HMIP-4a/b", ["HMIP-4a", "HMIP-4b"],
                ["Public protection"], "1, 2", ["Safer communities", "Fewer people reoffending"], status="Green", gold_status="green"),
            Rec("Victim contact should be offered in every eligible case", "HMIPP-5", ["HMIP-5"],
                ["Victims"], "3", ["Victims supported"], status="Red", gold_status="red"),
            Rec("Unpaid work placements should match the needs of the local community", "LAA-12", ["LAA-12"],
                ["Reducing reoffending"], "All", ["Safer communities", "Fewer people reoffending", "Victims supported"],
                status="Green", gold_status="green"),
        ],
    ),
    Plan(
        stem="lakeside-early-years-recommendations",
        title="Lakeside Early Years Inspection Recommendations",
        front=["Outcome key: 1 Healthy start; 2 Safe at home; 3 Ready for school"],
        doc_type="recommendation_matrix",
        rec_style="list",
        outcome_list=["Healthy start", "Safe at home", "Ready for school"],
        recs=[
            Rec("Health visitors should contact every family within ten days of a birth", "(OFSTED-2a/c)",
                ["OFSTED-2a", "OFSTED-2c"], ["Health", "Safeguarding"], "(1,2)", ["Healthy start", "Safe at home"],
                slip="Health vistors should contact every family within ten days of a birth"),
            Rec("Children's centres should track the progress of the most disadvantaged children", "(OFSTED-4)",
                ["OFSTED-4"], ["School readiness"], "(3)", ["Ready for school"]),
            Rec("Partners should share information on children at risk through one agreed protocol", "(CSCI)",
                ["CSCI"], ["Safeguarding"], "(All)", ["Healthy start", "Safe at home", "Ready for school"]),
        ],
    ),
    Plan(
        stem="hillford-libraries-plan-with-appendix",
        title="Hillford Libraries Service Plan 2010-2012",
        front=["Key: OFSTED – Office for Standards in Education inspection recommendation"],
        doc_type="mixed",
        period=("2010-04-01", "2012-03-31"),
        columns=["No.", "Objective", "Actions", "Target date", "Responsible officer"],
        roles=["ref", "title", "steps", "date", "owner"],
        theme_style="none",
        themes=[Theme(None, "", [
            Act("1a", "Extend opening hours at the central library",
                [Step("Consult library users", "Summer 2010", ["2010-08"]),
                 Step("Introduce Sunday opening", "January 2011", ["2011-01"])],
                "Grace Liu", ["Grace Liu"]),
            Act("1b", "Refurbish the children's library",
                [Step("Appoint a designer", "30/09/2010", ["2010-09"]),
                 Step("Reopen the children's library", "Spring 2011", ["2011-05"])],
                "Grace Liu, Dev Patel", ["Grace Liu", "Dev Patel"], continuation=True),
            Act("2a", "Launch an e-book lending service",
                [Step("Procure a platform", "Q2 2010/11", ["2010-09"])],
                "Dev Patel", ["Dev Patel"]),
        ])],
        appendix_title="Appendix A: Inspection recommendations",
        rec_style="list",
        recs=[
            Rec("The library service should improve reading support for looked after children", "(OFSTED-7)",
                ["OFSTED-7"], ["Appendix A: Inspection recommendations"]),
            Rec("Homework clubs should be offered in every branch library", "(OFSTED-8b)",
                ["OFSTED-8b"], ["Appendix A: Inspection recommendations"]),
        ],
    ),
    Plan(
        stem="oakmere-cabinet-minutes",
        title="Minutes of the Oakmere Cabinet meeting held on 12 March 2008",
        front=["Present: Councillor Ruth Hale (Chair), Councillor Ian Ford"],
        doc_type="other",
        paragraphs=["1. Apologies for absence were received from Councillor Joan Pike.",
                    "2. Declarations of interest: none.",
                    "2.1 The Cabinet noted the quarterly performance report (BVPI 12).",
                    "3. Housing Strategy: the Cabinet agreed the draft strategy for consultation by 30 June 2008.",
                    "3.1 Action: Director of Housing to report back in September 2008."],
    ),
    Plan(
        stem="oakmere-budget-monitoring-report",
        title="Oakmere Council Revenue Budget Monitoring Report, Quarter 3 2007/08",
        front=["Report of the Director of Finance"],
        doc_type="other",
        paragraphs=["This report sets out the forecast outturn for each service against its budget."],
        other_table=[["Service", "Budget 2007/08 £000", "Forecast outturn £000", "Variance £000", "Responsible officer"],
                     ["Adult social care", "45,210", "46,020", "810", "Director of Adult Services"],
                     ["Children's services", "38,400", "38,150", "-250", "Director of Children's Services"],
                     ["Highways", "12,100", "12,480", "380", "Head of Highways"]],
    ),
]
