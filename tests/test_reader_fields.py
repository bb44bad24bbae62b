"""Field-level tests of the cable reader on real cables, each chosen for an oddity.

Every expected value below was written by reading the cable file in seeds/,
never by running the reader.  Where the reader disagrees with what the cable
says, the expectation stays as the cable says and the test fails.

Each cable is a :class:`Case`; every field it names becomes its own test
(``test_field[09OTTAWA265-subject]``), so one wrong field does not hide the
others.  Fields a case leaves at ``SKIP`` are not checked for that cable.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from cables.index.reader import CASE_BLIND_LETTERS, read_cable
from tests.conftest import SEEDS, read_seed

SKIP: Any = object()  # "not checked for this cable" (None is a real expected value)

# (classification as published, level)
UNCLAS = ("UNCLASSIFIED", "UNCLASSIFIED")
FOUO = ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "UNCLASSIFIED")
CONF = ("CONFIDENTIAL", "CONFIDENTIAL")
CONF_NF = ("CONFIDENTIAL//NOFORN", "CONFIDENTIAL")
SECRET = ("SECRET", "SECRET")
SECRET_NF = ("SECRET//NOFORN", "SECRET")

# Transmission noise that must never reach any paragraph of any cable.
COMMON_NOISE = ("Share this cable", "pdf how-to read a cable", "VZCZC", "ZNY ")


def run(first: int, last: int, marking: str | None) -> list[tuple[int, str | None]]:
    """Paragraphs ``first``..``last`` all carrying ``marking``."""
    return [(number, marking) for number in range(first, last + 1)]


def marks(spec: str) -> list[tuple[int, str | None]]:
    """Parse ``"1:C 2:SBU 3:-"`` into (number, marking) pairs; ``-`` is no marking."""
    pairs = []
    for item in spec.split():
        number, marking = item.split(":")
        pairs.append((int(number), None if marking == "-" else marking))
    return pairs


@dataclass(frozen=True)
class Case:
    """What one cable file says, field by field (SKIP where not checked)."""

    id: str
    created: str
    classification: tuple[str, str]  # (published value, level)
    origin: str
    tags: str
    subject: Any = SKIP
    reference_ids: Any = SKIP  # tuple of ids (None for non-cable items)
    reference_texts: Any = SKIP
    classified_by: Any = SKIP
    reasons: Any = SKIP
    declassify_on: Any = SKIP
    numbered: Any = SKIP  # (number, marking) pairs of the numbered paragraphs, in order
    all_unnumbered: bool = False  # the cable has no numbered paragraphs at all
    phrases: dict = field(default_factory=dict)  # paragraph number -> phrases its text contains
    starts: dict = field(default_factory=dict)  # paragraph number -> how its text begins
    noise: tuple[str, ...] = ()  # strings no paragraph may contain
    summary: Any = SKIP  # exact text, or (prefix, suffix)
    signature: Any = SKIP  # text of the trailing unnumbered paragraph


CASES = [
    Case(
        # The seed: two sections, repeated header block, page marker, Q line, Canada,s.
        id="09OTTAWA265",
        created="2009-04-02 21:50:00",
        classification=CONF,
        origin="Embassy Ottawa",
        tags="PREL PGOV KCRM KJUS KCOR SNAR MX CA",
        subject="CANADA-MEXICO SECURITY DIALOGUE SHARES BEST PRACTICES",
        reference_ids=("09OTTAWA134", "09OTTAWA263"),
        reference_texts=("OTTAWA 134", "OTTAWA 263"),
        classified_by="PolMinCouns Scott Bellard",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2019, 4, 2),
        numbered=run(1, 6, "C"),
        phrases={
            1: ["Canada's and Mexico's bilateral security working group"],
            4: ["offshore crude oil and natural gas extraction platforms to determine the feasibility"],
            5: ["forty Mexican Customs officials", "container contraband examination"],
        },
        starts={1: "SUMMARY: Canada's and Mexico's", 6: "LAW ENFORCEMENT COOPERATION:"},
        noise=(
            "OTTAWA 00000265 002 OF 002",
            "C O N F I D E N T I A L",
            "SECTION 01 OF 02",
            "SIPDIS",
            "Qoil",
            "DHS FOR INTERNATIONAL AFFAIRS",
            "E.O. 12958",
            "TAGS:",
            "Classified By",
            "Canada,s",
        ),
        summary=(
            "Canada's and Mexico's bilateral security working group, established in February 2007, "
            "focuses on increasing cooperation and information exchange in the areas of migration, "
            "emergency management, marine security, and law enforcement. Public Safety Canada and "
            "Mexico's Center for Investigation and National Security (CISEN) lead the process for their "
            'respective governments. Canadian officials characterize the working group as a "modest '
            'initial step that is practical, focused, and results oriented."'
        ),
        signature="BREESE",
    ),
    Case(
        # Subject runs on into REF, Classified By and a dashed heading on one line;
        # "7.(SBU)" without a space; no paragraph 13; paragraph 28 starts mid-line.
        id="08PARIS750",
        created="2008-04-18 16:41:00",
        classification=SECRET,
        origin="Embassy Paris",
        tags="PARM PREL ETTC AS FR RS CBW",
        subject="AUSTRALIA GROUP: PLENARY MEETING, PARIS, APRIL 14-18, 2008",
        reference_ids=("07MOSCOW5535", "07PARIS2593"),
        classified_by="ESTH/NP COUNSELOR ROBERT W. DRY",
        reasons=("1.4(b)", "1.4(d)", "1.4(e)", "1.4(h)"),
        declassify_on=date(2033, 4, 16),
        numbered=marks(
            "1:C 2:SBU 3:C 4:C 5:SBU 6:SBU 7:SBU 8:SBU 9:SBU 10:SBU 11:U 12:U 14:SBU 15:SBU 16:S "
            "17:U 18:C 19:C 20:SBU 21:SBU 22:C 23:SBU 24:U 25:SBU 26:SBU 27:SBU 28:SBU 29:U 30:S 31:SBU"
        ),
        phrases={
            7: ["Suspicious Orders Checklist"],
            28: ["Strengthening and Maintaining the Australia Group"],
            31: ["Dawn Jones, Department of Defense"],
        },
        starts={7: "Suspicious Orders Checklist:"},
        noise=("SIPDIS", "REF: A. 07 MOSCOW"),
    ),
    Case(
        # Wrapped subject whose second line carries REF (with an email) and CLASSIFIED BY.
        id="08TRIPOLI119",
        created="2008-02-14 15:13:00",
        classification=SECRET,
        origin="Embassy Tripoli",
        tags="PARM PREL LY CWC UK",
        subject="GOL POSTPONES ISN VISIT TO LIBYA'S RABTA SITE, TRILATERAL U.S.-U.K.-LIBYA TALKS",
        reference_ids=("08STATE9463", None),
        classified_by="Chris Stevens, CDA, Embassy Tripoli, Department of State",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2018, 2, 14),
        numbered=marks("1:S 2:S 3:S 4:S 5:S//NF"),
        starts={1: "Per ref A, post has been working", 5: "Begin text of diplomatic note"},
        noise=("SIPDIS", "GODFREY-FERGUSON"),
    ),
    Case(
        # Partial extract, 2002: REF block broken by an old-style PAGE line, e-mails as a
        # reference, reasons under section 1.5, PAGE lines with content glued after them.
        id="02ROME1196",
        created="2002-03-07 10:10:00",
        classification=CONF,
        origin="Embassy Rome",
        tags="PHUM OPRC IT HUMAN RIGHTS",  # "ITPHUM" is IT and PHUM run together (issue 13 item 16)
        subject="AS PREDICTED, ITALY’S HUMAN RIGHTS REPORT GENERATES FODDER FOR DOMESTIC POLITICAL MILLS",
        reference_ids=("02STATE40721", "02ROME1098", "02ROME894", None, "02ROME348"),
        classified_by="POL MINCOUNS THOMAS COUNTRYMAN",
        reasons=("1.5(b)", "1.5(d)"),
        declassify_on=date(2007, 3, 5),
        phrases={
            1: ["AS POST PREDICTED, THE U.S. COUNTRY REPORT FOR ITALY"],
            3: ["THE ITALIAN PRESS HAD A FIELD DAY WITH THE REPORT"],
            8: ["MEDIA WARS ARE A CONTINUATION OF POLITICS BY OTHER MEANS"],
        },
        noise=("PAGE 02 ROME 01196", "PAGE 03 ROME", "PTQ7827", "LOG-00", "This record is a partial extract", "C O N F I D E N T I A L"),
    ),
    Case(
        # SUBJ: instead of SUBJECT:, mixed case; unmarked paragraphs; E.O. 12958: N/A.
        id="06SANJOSE2188",
        created="2006-10-03 18:31:00",
        classification=UNCLAS,
        origin="Embassy San Jose",
        tags="ETRD EINV ECIN CS",
        subject="Fake T-Shirts Prompt Rare IPR Conviction in Costa Rica",
        reference_ids=(),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        numbered=marks("1:- 2:- 3:-"),
        starts={1: "In a rare example of intellectual property rights enforcement"},
        noise=("SIPDIS", "SUBJ:", "TAGS:"),
    ),
    Case(
        # SUBJECT and a second SUBJ: line; reasons "1.5 b,d"; a Q-prefixed paragraph line;
        # comma-apostrophes (Maliki,s / Shi,a / camp,s).
        id="09BAGHDAD2569",
        created="2009-09-24 13:51:00",
        classification=SECRET,
        origin="Embassy Baghdad",
        tags="PREL ECON ENRG EPET IR IZ SY",
        subject="PRIME MINISTER ACCUSES IRAN OF TRYING TO DESTABILIZE IRAQ",
        reference_ids=(),
        classified_by="Ambassador Christopher Hill",
        reasons=("1.5(b)", "1.5(d)"),
        declassify_on=date(2029, 9, 24),
        numbered=run(1, 4, "S"),
        phrases={4: ["Maliki's comments regarding Iranian involvement", "Shi'a alliance", "camp's residents"]},
        starts={4: "Comment: Maliki's comments"},
        noise=("Q4.", "SUBJ:", "Prime Minister Accuses Iran", "Maliki,s"),
    ),
    Case(
        # REF with a suffixed year "PANAMA 00725/08"; NOFORN line; reasons wrapped;
        # the author numbered the comment paragraph 6 after paragraph 7.
        id="09PANAMA523",
        created="2009-06-30 21:12:00",
        classification=CONF_NF,
        origin="Embassy Panama",
        tags="PGOV PREL SNAR PM",
        subject="PANAMA: EARLY INDICATIONS ON SECURITY POLICY OF NEW GOVERNMENT",
        reference_ids=("08PANAMA725",),
        classified_by="Ambassador Barbara J. Stephenson",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2019, 6, 17),
        numbered=marks("1:C 2:C 3:C 4:C 5:C 6:C 7:C 6:C"),
        phrases={7: ["allowed drug shipments to get through"]},
        starts={1: "The incoming government of Panama will not/not"},
        noise=("SIPDIS", "NOFORN", "Classified By"),
    ),
    Case(
        # U+2028 inside lines: paragraph numbers and a page marker follow U+2028 mid-line.
        id="06MEXICO2220",
        created="2006-04-26 19:46:00",
        classification=FOUO,
        origin="Embassy Mexico",
        tags="ECON EFIN EINV PGOV PINR MX",
        subject="TEN ECONOMIC CHALLENGES FACING MEXICO'S NEXT PRESIDENT",
        reference_ids=(None,),
        reference_texts=("AS NOTED IN TEXT",),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        numbered=run(1, 32, "SBU"),
        phrases={
            9: ["Without meaningful reforms, successive administrations"],
            11: ["Investments during Fox's term will likely permit Pemex"],
            14: ["one of NAFTA's last remaining"],
        },
        noise=("MEXICO 00002220", "OF 008", "UNCLAS SECTION", "SIPDIS", "\u2028"),
        signature="GARZA",
    ),
    Case(
        # Truncated "¶1. (C) Su..." then the header again on one spaced-banner line;
        # Cyrillic "[Имя удалено]" in paragraph 8.
        id="07MOSCOW2981",
        created="2007-06-20 07:59:00",
        classification=CONF,
        origin="Embassy Moscow",
        tags="ECON PREL RS",
        subject="SMALL BUSINESSES REPORT SOME EASING IN CORRUPTION",
        reference_ids=(),
        classified_by="DCM Daniel A. Russell",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2017, 6, 13),
        phrases={
            1: ["Corruption is arguably the Russian economy's most pressing problem"],
            8: ["[Имя удалено] pizza and catering"],
            11: ["some small and medium-sized businesses clearly see the virtues"],
        },
        noise=("C O N F I D E N T I A L", "E.O. 12958", "TAGS: ECON", "SIPDIS"),
    ),
    Case(
        # No tags in the header (taken from the raw line "Tags: prel, pgov, sy"); the raw
        # header, banner ("C o n f i d e n t i a l") and page markers are in mixed case.
        id="07DAMASCUS389",
        created="2007-04-25 09:17:00",
        classification=CONF,
        origin="Embassy Damascus",
        tags="PREL PGOV SY",
        subject="codel pelosi meets syria's president asad",
        reference_ids=(),
        classified_by="Charge d'Affaires Michael H. Corbin",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2017, 4, 6),
        numbered=run(1, 11, "C") + run(12, 13, "U"),
        phrases={1: ["House Speaker Nancy Pelosi and 13 members"], 11: ["Nuclear Fuel Bank"]},
        noise=("Damascus 00000389", "002 of 003", "003 of 003", "Sipdis", "section 01 of 03", "Paris for waller"),
    ),
    Case(
        # Partial extract with an empty title and no SUBJECT line; the whole header is
        # glued onto one "Cable dated:" line; salutation before paragraph 1.
        id="05CAIRO8938",
        created="2005-11-29 14:02:00",
        classification=CONF,
        origin="Embassy Cairo",
        tags="PTER KCRM PREL EG OVIP",
        subject="",
        reference_ids=(),
        classified_by=None,
        reasons=(),
        declassify_on=date(2015, 11, 28),
        numbered=run(1, 7, "C"),
        starts={1: "Thank you for including Cairo in your travel"},
        noise=("Cable dated", "This record is a partial extract", "C O N F I D E N T I A L"),
        signature="RICCIARDONE",
    ),
    Case(
        # Malformed marking "¶1. C)"; reasons written "1.4 (b/d)".
        id="09ABIDJAN406",
        created="2009-07-02 14:30:00",
        classification=SECRET_NF,
        origin="Embassy Abidjan",
        tags="PGOV KDEM PREL EAID IV",
        subject="ELECTIONS IN COTE D'IVOIRE: THE MYTH AND THE REALITY",
        reference_ids=(),
        classified_by="Ambassador Wanda L. Nesbitt",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2019, 6, 29),
        numbered=marks("1:C 2:C 3:S 4:S 5:C 6:SBU 7:S 8:C"),
        starts={1: "Summary: Although key figures in the Ivorian government"},
        noise=("SIPDIS", "C) Summary"),
    ),
    Case(
        # REF items "STATE085363" (number glued) and "SIO-I-03-61" (not a cable);
        # malformed "¶2.  SBU)"; mixed-case signature after a blank line.
        id="09REYKJAVIK214",
        created="2009-12-04 15:44:00",
        classification=FOUO,
        origin="Embassy Reykjavik",
        tags="ASIG ASEC ABLD IC",
        subject="REYKJAVIK OIG COMPLIANCE UPDATE/REUEST FOR EXTENSION",
        reference_ids=("09STATE2995", "09STATE85363", None),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        numbered=run(1, 3, "SBU"),
        starts={2: "Post is still awaiting the appointment", 3: "POC is Marco A. Fernandez, RSO."},
        noise=("SIPDIS", "SBU)"),
        signature="Watson",
    ),
    Case(
        # "EO 12958 DECL:" and "TAGS PREL, PGOV" without punctuation; every marking "C)";
        # page markers "ROME 00000001 002.2 OF 003"; "Thorne. Reasons ...".
        id="10ROME1",
        created="2010-01-01 15:02:00",
        classification=CONF,
        origin="Embassy Rome",
        tags="PREL PGOV PINR IT",
        subject="VISITING WITH A RECUPERATING BERLUSCONI",
        reference_ids=(),
        classified_by="Ambassador David H. Thorne",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2020, 1, 1),
        numbered=run(1, 13, "C"),
        starts={1: "Summary: The Ambassador visited recuperating Prime Minister"},
        noise=("ROME 00000001", "OF 003", "SIPDIS", "C O N F I D E N T I A L"),
    ),
    Case(
        # Partial extract; (S//NF) markings; reasons "(b), (c), and (d)" wrapped over two lines.
        id="04BOGOTA8900",
        created="2004-09-02 11:11:00",
        classification=SECRET_NF,
        origin="Embassy Bogota",
        tags="CASC MOPS PGOV PINR PTER FARC",
        subject="US HOSTAGE STATUS: 18 MONTHS IN FARC CAPTIVITY",
        reference_ids=("04BOGOTA2239",),
        classified_by="Ambassador William B. Wood",
        reasons=("1.4(b)", "1.4(c)", "1.4(d)"),
        declassify_on=date(2014, 8, 24),
        numbered=run(1, 9, "S//NF"),
        starts={1: "August 13, 2004 marked the 18-month anniversary"},
        noise=("S E C R E T", "SECTION 01 OF 02", "SIPDIS"),
    ),
    Case(
        # (C/NF) and (S/NF) markings; "BUSH,S" in the wrapped subject; signature after a link.
        id="04OTTAWA3115",
        created="2004-11-18 19:07:00",
        classification=SECRET_NF,
        origin="Embassy Ottawa",
        tags="CA PGOV PREL",
        subject="SCENESETTER FOR PRESIDENT BUSH'S VISIT TO CANADA, NOVEMBER 30 - DECEMBER 1, 2004",
        reference_ids=(),
        classified_by="Ambassador Cellucci",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2009, 11, 17),
        numbered=marks(
            "1:C//NF 2:C//NF 3:C//NF 4:C 5:SBU 6:C//NF 7:SBU 8:SBU 9:S//NF 10:C 11:C 12:SBU 13:SBU "
            "14:SBU 15:SBU 16:U 17:U 18:U 19:U 20:U 21:U 22:C 23:C 24:U"
        ),
        phrases={19: ["Canada's northern territories contain large energy"]},
        noise=("S E C R E T", "SIPDIS", "NSC FOR NSA RICE", "Canada,s"),
        signature="CELLUCCI",
    ),
    Case(
        # "REF: A. REF: A. ..." and "Classified By: Classified By:" doubled on one line,
        # "Polit ical" broken; "3.(SBU)" without the pilcrow.
        id="09CAIRO2404",
        created="2009-12-30 15:36:00",
        classification=CONF,
        origin="Embassy Cairo",
        tags="AORC EG EU IAEA KNNP PREL RS TRGY UN",
        subject="EGYPT-U.S. JOINT STANDING COMMITTEE ON NUCLEAR ENERGY COOPERATION (JSCNEC): GOE AGENDA CONCERNS",
        reference_ids=("09STATE55370", "09CAIRO2361", "09CAIRO2348", None),
        classified_by="Minister Counselor for Economic and Polit ical Affairs Donald A. Blome",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2019, 12, 30),
        numbered=marks("1:C 2:SBU 3:SBU 4:C 5:C 6:C"),
        starts={1: "Main Points:", 3: "In contrast, Yasso said"},
        noise=("Classified By", "REF:", "SIPDIS"),
    ),
    Case(
        # No numbered paragraphs at all; "E F T O" banner; SECSTATE reference and an email.
        id="09EFTOLONDON2211",
        created="2009-09-23 15:12:00",
        classification=FOUO,
        origin="Embassy London",
        tags="PARM KTBT KNNP UK",
        subject="UK RESPONSE TO DEMARCHE REGARDING U.S.INVITATION O INFORMAL MEETING OF CTBT SUPPORTERS",
        reference_ids=("09STATE97170", None),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        all_unnumbered=True,
        phrases={None: ["PolOff shared U.S. objectives regarding the upcoming Comprehensive Nuclear Test-Ban Treaty"]},
        noise=("E F T O", "SIPDIS", "NOFORN", "JOFI-PALMER", "ALEXANDER LIEBOWITZ"),
    ),
    Case(
        # REF line carries a telcon, a zero-padded number and the Classified By line;
        # the reasons come after a blank line; an unnumbered SUMMARY before paragraph 2.
        id="08BRASILIA1226",
        created="2008-09-12 23:40:00",
        classification=CONF,
        origin="Embassy Brasilia",
        tags="PREL PGOV ECON ENGR EPET EINV BR BL",
        subject="WHAT TO DO ABOUT BOLIVIA? BRAZIL'S PRESIDENCY, FOREIGN MINISTRY WONDER",
        reference_ids=(None, "08BRASILIA1224", "08STATE97316"),
        classified_by="Deputy Chief of Mission Lisa Kubiske",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2018, 9, 12),
        numbered=run(2, 11, "C"),
        phrases={3: ["neither side is willing to negotiate with the other right now"]},
        noise=("BRASILIA 00001226", "OF 003", "Reasons: 1.4", "SIPDIS"),
        summary=(
            "Ambassador Marcel Biato, Chief of Staff to Brazilian presidential foreign policy advisor",
            "the GOB is for the time being coordinating behind the scenes with other regional actors.",
        ),
        signature="SOBEL",
    ),
    Case(
        # Empty title and no SUBJECT line; "E.O. 12958: N/A TAGS: ..." on one line; REF items
        # "A)".."E)" on their own lines, two of them telcons; summary spans paragraphs 1-2.
        id="06BRASILIA609",
        created="2006-03-28 16:08:00",
        classification=FOUO,
        origin="Embassy Brasilia",
        tags="ECON EFIN PGOV PREL BR",
        subject="",
        reference_ids=("06BRASILIA604", "06BRASILIA602", "06BRASILIA546", None, None),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        numbered=marks("1:SBU 2:SBU 3:SBU 4:SBU 5:U 6:SBU 7:SBU 8:SBU 9:SBU"),
        noise=("BRASILIA 00000609", "OF 003", "STATE PASS USAID", "TELCONS"),  # SIPDIS sits mid-line in 7
        summary=(
            "President Lula fired Finance Minister Palocci the night of March 27",
            "including Vice Minister Murilo Portugal and Treasury Secretary Levy.",
        ),
        signature="LINEHAN",
    ),
    Case(
        # REF items separated by semicolons, one an e-mail; CLASSIFIED BY wrapped over two
        # lines and REASON on a third; DECL date with a one-digit day.
        id="07TRIPOLI943",
        created="2007-11-07 09:14:00",
        classification=SECRET,
        origin="Embassy Tripoli",
        tags="PTER PREL PHUM PINS PINR LY",
        subject="REQUEST FOR EXPLANATION OF RETURNED DETAINEE ARM DISABILITY",
        reference_ids=("07STATE135205", "07STATE127608", None, "07TRIPOLI797", "07TRIPOLI723"),
        classified_by="J. Chris Stevens, DCM, U.S. Embassy Tripoli, Dept of State",
        reasons=("1.4(c)", "1.4(d)"),
        declassify_on=date(2032, 11, 6),
        numbered=run(1, 3, "S//NF"),
        starts={1: "Charge met November 1 with MFA Secretary"},
        noise=("SIPDIS", "REASON:", "DEPT FOR NEA DAS GRAY"),
        signature="MILAM",
    ),
    Case(
        # REF with a prefixed two-digit year ("03 BRASILIA 2156") in a 2004 cable.
        id="04BRASILIA795",
        created="2004-04-02 11:11:00",
        classification=FOUO,
        origin="Embassy Brasilia",
        tags="PREL PGOV ECON AF BR UNSC",
        subject="AFRICAN DIPLOMATS DESCRIBE BRAZIL'S AFRICA FOCUS AS MUCH RHETORIC, LITTLE SUBSTANCE",
        reference_ids=("03BRASILIA2156",),
        reference_texts=("03 BRASILIA 2156",),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        numbered=marks("1:SBU 2:U 3:SBU 4:SBU 5:SBU 6:SBU 7:SBU"),
        noise=("UNCLAS SECTION", "SIPDIS", "This record is a partial extract"),
        signature="HRINAK",
    ),
    Case(
        # DECL: TWENTY YEARS; the cable text appears twice, the second time after a site
        # metadata block ("id:", "refid:", "header ends"); reasons "1.4 (b&d)".
        id="09QUITO103",
        created="2009-02-10 23:25:00",
        classification=SECRET_NF,
        origin="Embassy Quito",
        tags="PREL MARR SMIG SNAR MOPS EC CO",
        subject="BACKGROUND TO CORREA'S ATTACKS ON U.S. COOPERATION WITH GOE POLICE: GOE OFFICIALS LINKED TO FARC",
        reference_ids=("09QUITO100",),
        classified_by="Ambassador Heather M. Hodges",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on="TWENTY YEARS",
        numbered=marks("1:S//NF 2:C 3:SBU 4:C 5:SBU 6:SBU 7:C 8:SBU 9:C 10:C 11:C 12:C 13:C 14:S//NF 15:SBU 16:S//NF"),
        noise=("refid:", "header ends", "RUEHQT", "SIPDIS", "CABLE ENDS"),
        summary=(
            "A PAIS provincial leader and former Under Secretary of Government under Minister Gustavo "
            "Larrea, Ignacio Chauvin, turned himself in February 4 to face charges of narco-trafficking. "
            "Calling himself a revolutionary, Chauvin admitted to meeting deceased FARC member Raul Reyes. "
            "As a result, Larrea's political career is at least on hold, if not torpedoed. Elements within "
            "the GOE appear to be trying to block effective prosecution, with key leaders of USG-vetted "
            "police units instrumental in the case transferred, the judge removed, and the case likely to "
            "be moved away from an effective prosecutor. After initially reacting critically towards "
            "Chauvin, President Correa softened his comments on the case during his February 7 radio address."
        ),
    ),
    Case(
        # DECL: MR; "Classified By: Derived from Multiple Sources"; FGI and REL TO markings;
        # "Al-Qa,ida".
        id="08STATE116943",
        created="2008-11-03 18:12:00",
        classification=SECRET_NF,
        origin="Secretary of State",
        tags="ASEC",
        subject="DIPLOMATIC SECURITY DAILY",
        reference_ids=(),
        classified_by="Derived from Multiple Sources",
        reasons=(),
        declassify_on="MR",
        numbered=marks(
            "1:U 2:U 3:U 4:U 5:U 6:U 7:U 8:SBU 9:SBU 10:S//NF 11:S//NF 12:S//NF 13:SBU 14:U "
            "15:S//FGI//NF 16:S//FGI//NF 17:S//FGI//NF 18:S//NF 19:U 20:S//NF 21:U 22:SBU 23:SBU "
            "24:S//NF 25:S//NF 26:S//NF 27:S//NF 28:S//NF 29:S//FGI//NF 30:S//NF 31:S//FGI//NF 32:U"
        )
        + [(33, "S//REL TO USA, FVEY")]
        + marks("34:U 35:U 36:C 37:S//NF 38:U 39:S//NF 40:S//NF")
        + [(41, "S//REL TO USA, FVEY"), (42, "S//NF"), (43, "S//REL TO USA, ACGU"), (44, "S//REL TO USA, FVEY")]
        + marks("45:S//NF 46:U 47:SBU 48:SBU 49:SBU"),
        phrases={15: ["Al-Qa'ida affiliate"], 2: ["Significant Events ) Paragraphs 7-13"]},
        noise=("Declassify on: Source marked", "SECRET//FGI//NOFORN//MR", "LOG-00"),
    ),
    Case(
        # 1990: E.O. 12356, DECL:OADR, no paragraph markings, "SECRET - ENTIRE TEXT";
        # a body line beginning "QUESTION." that is not a Q-duplicate.
        id="90BAGHDAD4237",
        created="1990-07-25 12:46:00",
        classification=SECRET,
        origin="Embassy Baghdad",
        tags="MOPS PREL US KU IZ",
        subject="SADDAM'S MESSAGE OF FRIENDSHIP TO PRESIDENT BUSH",
        reference_ids=(),
        classified_by=None,
        reasons=(),
        declassify_on="OADR",
        numbered=run(1, 32, None),
        phrases={25: ["QUESTION. HE ACKNOWLEDGED THAT WE SHOULD BE CONCERNED FOR REGIONAL PEACE"]},
        starts={1: "SECRET - ENTIRE TEXT."},
        noise=("S E C R E T", "SECTION 01 OF 05"),
        summary=(
            "SADDAM TOLD THE AMBASSADOR JULY 25 THAT MUBARAK HAS ARRANGED",
            "NEVER EXCUSE SETTLEMENT OF DISPUTES BY OTHER THAN PEACEFUL MEANS.",
        ),
        signature="GLASPIE",
    ),
    Case(
        # 2000 partial extract: DECL with a two-digit year, REF cut by a PAGE line,
        # content glued after PAGE lines and after "SIPDIS", "ZANU-PF" split by the site.
        id="00HARARE5461",
        created="2000-09-27 14:02:00",
        classification=CONF,
        origin="Embassy Harare",
        tags="PGOV PINS ZI MDC ZANU PF",
        subject="ZANU-PF REPORTEDLY INTERESTED IN DEAL WITH MDC THAT INVOLVES MUGABE’S DEPARTURE",
        reference_ids=("00HARARE5346",),
        classified_by="DCM EARL IRVING",
        reasons=("1.5(b)", "1.5(d)"),
        declassify_on=date(2010, 9, 21),
        numbered=run(1, 10, "C"),
        phrases={
            2: ["THAT THE MDC IS GAINING STRENGTH IN THE RURAL AREAS", "INTERESTS FOR THE MDC TO DO ALL IT CAN"],
            3: ["WORKED FOR MI6"],
            5: ["POLITICAL PARTIES. THE CHALLENGE", "WHO MISTRUST EACH OTHER IMMENSELY"],
        },
        noise=("PAGE 0", "271458Z", "271459Z", "PTQ2532", "LOG-00", "C O N F I D E N T I A L"),
    ),
    Case(
        # Subject starting with a "(U)" marking; sixteen REF items with "¶B." markers,
        # dates after them, intelligence reports (IIR) and a 1990 cable.
        id="10STATE369",
        created="2010-01-04 21:34:00",
        classification=SECRET,
        origin="Secretary of State",
        tags="CO ETTC KOMC PM SNAR TH",
        subject="BLUE LANTERN PRE-LICENSE END USE CHECK ON APPLICATION TAA 0361-04F AND TAA 4140-08D",
        reference_ids=(
            "06STATE92781",
            "06BOGOTA7094",
            "09STATE99488",
            "09BOGOTA3361",
            "90BOGOTA7550",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "96BOGOTA5708",
            None,
            None,
        ),
        classified_by="MULTIPLE SOURCES",
        reasons=(),
        declassify_on="25X1-HUMAN",
        numbered=marks("1:U 2:U 3:U 4:S//NF 5:U 6:S//NF 7:U 8:U 9:U 10:U 11:U"),
        phrases={6: ["SUBJ: AG INVESTIGATES ALLEGED COMMUNICATIONS"]},
        starts={1: "This is an action message."},
        noise=("SIPDIS", "FOR ECON MEGAN L. SELMON", "IIR 6 819 0285"),
    ),
    Case(
        # 1972: REF items separated by colons; "DECLASSIFIED JUNE 21, 2006" instead of a DECL;
        # unnumbered summary before paragraph 1; no markings.
        id="72TEHRAN1164",
        created="1972-02-25 09:30:00",
        classification=UNCLAS,
        origin="Embassy Tehran",
        tags="MASS MARR IR",
        subject="ACCELERATION OF F-4ES FOR IRAN",
        reference_ids=("72TEHRAN1091", "72TEHRAN263", "72MOSCOW1603"),
        classified_by=None,
        reasons=(),
        numbered=run(1, 8, None),
        starts={1: "ON FEB 24 CHARGE WAS CONVOKED BY MINSTER OF WAR"},
        noise=("UNCLASSIFIED SECTION 01 OF 01",),
        signature="HECK",
    ),
    Case(
        # Redactions written with Cyrillic Х letters; subject "MUNICIPALITY TO FUND..." as
        # published; a glued "14:25 UNCLAS SECTION ..." header line; first paragraph unmarked.
        id="05ISTANBUL329",
        created="2005-02-28 14:02:00",
        classification=FOUO,
        origin="Consulate Istanbul",
        tags="TU BO MD PHUM KCRM PGOV KJUS TIP IN TURKEY",
        subject="MUNICIPALITY TO FUND...",
        reference_ids=(),
        classified_by=None,
        reasons=(),
        declassify_on="N/A",
        numbered=[(1, None)] + run(2, 13, "SBU") + [(14, "U")],
        phrases={
            3: ["(ХХХХХХХХХХХХ commented that most of the"],
            4: ["ХХХХХХХХХХХХ noted that Turkey issues"],
            14: ["This cable has been cleared by Embassy Ankara."],
        },
        starts={1: "Summary and comment:"},
        noise=("UNCLAS SECTION", "SIPDIS", "14:25"),
        signature="ARNETT",
    ),
    Case(
        # Subject wrapped over three lines; REF item "¶B." on its own line (an IIR, not a
        # cable); reasons with "(D" and ")" split across lines.
        id="06MADRID2908",
        created="2006-11-17 17:13:00",
        classification=SECRET,
        origin="Embassy Madrid",
        tags="EAIR ETRD ETTC PARM PREL IT VE KTFN SP",
        subject="DEMARCHE ON IRAN AIR'S ATTEMPT TO ACQUIRE 30 CIVILIAN U.S. ORIGIN COMMERCIAL AIRCRAFT FROM IBERIA AIRLINES",
        reference_ids=("06STATE186533", None),
        classified_by="AMBASSADOR EDUARDO AGUIRRE",
        reasons=("1.4(b)", "1.4(c)", "1.4(d)"),
        declassify_on=date(2016, 11, 17),
        numbered=run(1, 2, "S//NF"),
        starts={1: "Ambassador raised reftel demarche"},
        noise=("SIPDIS", "NEA/IR", "IIR 7 730"),
    ),
    Case(
        # DECL written year-first (2019/07/29); REF "A) BELGRADE 725 B) BELGRADE743";
        # "CLASSIFIED BY: ...; REASON: 1.4(B), (D)"; four-section page markers.
        id="09BELGRADE765",
        created="2009-07-29 13:51:00",
        classification=CONF,
        origin="Embassy Belgrade",
        tags="ECON PREL SR MARR PGOV",
        subject="SERBIA IN THE WAKE OF VICE PRESIDENT BIDEN’S VISIT",
        reference_ids=("09BELGRADE725", "09BELGRADE743"),
        classified_by="Jennifer Brush, Charge, US Department of State, US Embassy Belgrade",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2019, 7, 29),
        numbered=run(1, 10, "C"),
        noise=("BELGRADE 00000765", "OF 004", "SIPDIS", "AMEMBASSY MOSCOW PASS"),
    ),
    Case(
        # No paragraph 2; redactions glued to words ("XXXXXXXXXXXXmade"); "Blake, Jr. for
        # Reasons 1.4 (B, D)"; a tag "Human Rights" split by the site.
        id="05NEWDELHI2606",
        created="2005-04-06 13:01:00",
        classification=SECRET,
        origin="Embassy New Delhi",
        tags="PHUM PREL PTER IN PK HUMAN RIGHTS",
        subject="ICRC FRUSTRATED WITH INDIAN GOVERNMENT",
        reference_ids=(),
        classified_by="DCM Robert O. Blake, Jr.",
        reasons=("1.4(b)", "1.4(d)"),
        declassify_on=date(2015, 4, 5),
        numbered=[(1, "S")] + run(3, 10, "S") + [(11, "C"), (12, "S")],
        phrases={7: ["XXXXXXXXXXXXmade a number of"]},
        noise=("S E C R E T", "SIPDIS", "This record is a partial extract"),
    ),
    Case(
        # Every paragraph on one long line: paragraphs 2-8 start mid-line after a sentence.
        id="08BUDAPEST821",
        created="2008-08-14 16:47:00",
        classification=CONF,
        origin="Embassy Budapest",
        tags="MOPS PREL PHUM OSCE UN GG RS HU",
        numbered=marks("1:U 2:C 3:C 4:C 5:C 6:U 7:U 8:U"),
        starts={
            1: "This is an action request. See Paragraph 6.",
            2: "SUMMARY: Ref points were delivered on 14 August",
            5: "COMMENT: Hungary believes it is in the same camp",
        },
    ),
    Case(
        # A "Summary" heading line (no colon) before paragraph 1, which ends "End Summary."
        id="04MADRID1187",
        created="2004-04-07 18:06:00",
        classification=CONF,
        origin="Embassy Madrid",
        tags="PTER PREL PGOV SP",
        subject="ZAPATERO AND SPANISH TROOPS IN IRAQ: POLITICAL PRESSURES FOR WITHDRAWAL",
        numbered=run(1, 6, "C"),
        summary=(
            "Political pressure is high on incoming Socialist President Rodriguez Zapatero",
            "Significant Spanish losses there could clinch the decision to pull out.",
        ),
        signature="MANZANARES",
    ),
    Case(
        # The SBU handling notice runs on after the last REF item on the same line.
        id="09SAOPAULO309",
        created="2009-05-21 17:05:00",
        classification=FOUO,
        origin="Consulate Sao Paulo",
        tags="PGOV PINR PHUM KPAO BR",
        subject='"Land is Life": Indians vs. Agro-Industry in Mato Grosso do Sul',
        reference_ids=("09BRASILIA1", "09BRASILIA349"),
        reference_texts=("BRASILIA 1", "BRASILIA 349"),
        declassify_on="N/A",
    ),
]

FIELDS = (
    "id",
    "created",
    "classification",
    "level",
    "origin",
    "tags",
    "subject",
    "reference_ids",
    "reference_texts",
    "classified_by",
    "reasons",
    "declassify_on",
    "numbered",
    "all_unnumbered",
    "phrases",
    "starts",
    "noise",
    "summary",
    "signature",
)
ALWAYS = {"id", "created", "classification", "level", "origin", "tags", "noise"}


def _checks() -> list:
    """One pytest param per (cable, field) the case specifies."""
    params = []
    for case in CASES:
        for name in FIELDS:
            specified = name in ALWAYS or (getattr(case, name, SKIP) is not SKIP and getattr(case, name) not in ({}, False))
            if specified:
                params.append(pytest.param(case, name, id=f"{case.id}-{name}"))
    return params


def _paragraph_texts(cable, number) -> list[str]:
    """Texts of the paragraphs carrying ``number`` (None: the unnumbered ones)."""
    return [paragraph.text for paragraph in cable.paragraphs if paragraph.number == number]


def _check(case: Case, name: str) -> None:
    """Compare one field of the parsed cable with what the cable file says."""
    cable = read_seed(case.id)
    if name == "id":
        assert cable.id == case.id
    elif name == "created":
        assert cable.created == datetime.strptime(case.created, "%Y-%m-%d %H:%M:%S")
    elif name == "classification":
        assert cable.classification == case.classification[0]
    elif name == "level":
        assert cable.level == case.classification[1]
    elif name == "origin":
        assert cable.origin == case.origin
    elif name == "tags":
        assert cable.tags == tuple(case.tags.split())
    elif name == "reference_ids":
        assert tuple(reference.id for reference in cable.references) == case.reference_ids
    elif name == "reference_texts":
        assert tuple(reference.text for reference in cable.references) == case.reference_texts
    elif name == "numbered":
        pairs = [(p.number, p.marking) for p in cable.paragraphs if p.number is not None]
        assert pairs == case.numbered
    elif name == "all_unnumbered":
        assert cable.paragraphs and all(p.number is None and p.marking is None for p in cable.paragraphs)
    elif name == "phrases":
        for number, phrases in case.phrases.items():
            texts = _paragraph_texts(cable, number)
            assert texts, f"no paragraph numbered {number}"
            for phrase in phrases:
                assert any(phrase in text for text in texts), f"paragraph {number} lacks {phrase!r}"
    elif name == "starts":
        for number, start in case.starts.items():
            texts = _paragraph_texts(cable, number)
            assert texts, f"no paragraph numbered {number}"
            assert texts[0].startswith(start), f"paragraph {number} starts {texts[0][:60]!r}"
    elif name == "noise":
        for paragraph in cable.paragraphs:
            for noise in COMMON_NOISE + case.noise:
                assert noise not in paragraph.text, f"paragraph {paragraph.number} contains {noise!r}"
    elif name == "summary":
        if isinstance(case.summary, tuple):
            assert cable.summary is not None
            assert cable.summary.startswith(case.summary[0]), cable.summary[:80]
            assert cable.summary.endswith(case.summary[1]), cable.summary[-80:]
        else:
            assert cable.summary == case.summary
    elif name == "signature":
        last = cable.paragraphs[-1]
        assert (last.number, last.marking, last.text) == (None, None, case.signature)
    else:
        assert getattr(cable, name) == getattr(case, name)


@pytest.mark.parametrize(("case", "name"), _checks())
def test_field(case: Case, name: str) -> None:
    _check(case, name)


def test_cases_cover_enough_cables_and_are_bundled() -> None:
    """At least 32 distinct real cables, each present in seeds/."""
    from tests.conftest import SEEDS

    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)) >= 32
    for cable_id in ids:
        assert (SEEDS / f"{cable_id}.txt").is_file(), cable_id


def test_paragraph_text_is_clean_in_every_case() -> None:
    """Paragraph text never starts with its own number or marking, nor has runs of spaces."""
    for case in CASES:
        for paragraph in read_seed(case.id).paragraphs:
            assert paragraph.text == paragraph.text.strip(), (case.id, paragraph.number)
            assert "  " not in paragraph.text, (case.id, paragraph.number)
            assert not paragraph.text.startswith(("¶", "(C)", "(S)", "(SBU)", "(U)")), (case.id, paragraph.number)


def test_case_blind_letters_are_every_letter_beyond_ascii_a_case_blind_pattern_takes_for_ascii() -> None:
    """The reader skips a case-blind search in a line whose lower-cased text lacks the word, unless the line
    holds one of these letters: a missing one would make it skip lines the pattern matches."""
    beyond_ascii = "".join(map(chr, range(128, sys.maxunicode + 1)))
    assert frozenset(re.findall("[a-z]", beyond_ascii, re.IGNORECASE)) == CASE_BLIND_LETTERS


def test_classified_by_spelt_with_a_long_s_is_still_read() -> None:
    """A real cable's Classified By line written with long s letters (``Claſſified``) is read as the plain one:
    the skipped searches never skip a line the case-blind pattern matches."""
    text = (SEEDS / "09OTTAWA265.txt").read_text(encoding="utf-8")
    assert "Classified By:" in text
    plain = read_cable(text)
    spelt = read_cable(text.replace("Classified By:", "Claſſified By:"))
    assert plain.classified_by and spelt.classified_by == plain.classified_by
    assert spelt.reasons == plain.reasons
