"""The header words people search by, read as fields (issue 16): who classified the cable,
the REF block as written, TO and INFO addressees, distribution lines and the subject's tail.

Every expected value was written by reading the cable file in seeds/ (the line numbers
say where), never by running the reader.
"""

from __future__ import annotations

import pytest

from cables.index.cable import record_json
from tests.conftest import read_seed


@pytest.mark.parametrize(
    ("cable_id", "name", "title"),
    [
        # line 42: "Classified By: PolMinCouns Scott Bellard, reasons 1.4 (b) and (d)"
        ("09OTTAWA265", "Scott Bellard", "PolMinCouns"),
        # line 46: "CLASSIFIED BY: Gene A. Cretz, Ambassador, US Embassy Tripoli, Department of State. REASON: ..."
        ("09TRIPOLI555", "Gene A. Cretz", "Ambassador, US Embassy Tripoli, Department of State"),
        # "Classified By: Ambassador Adam Ereli, reasons 1.4(b) and (d)."
        ("08MANAMA47", "Adam Ereli", "Ambassador"),
        # "CLASSIFIED BY: POL MINCOUNS THOMAS COUNTRYMAN, REASONS 1.5 (B) AND (D)."
        ("02ROME1196", "THOMAS COUNTRYMAN", "POL MINCOUNS"),
        # "Classified By: ESTH/NP COUNSELOR ROBERT W. DRY ..." (an office path before the title)
        ("08PARIS750", "ROBERT W. DRY", "ESTH/NP COUNSELOR"),
        # "... Chris Stevens, CDA, Embassy Tripoli, Department of State ..."
        ("08TRIPOLI119", "Chris Stevens", "CDA, Embassy Tripoli, Department of State"),
    ],
)
def test_classifying_official_name_and_title(cable_id: str, name: str, title: str) -> None:
    cable = read_seed(cable_id)
    assert (cable.classified_by_name, cable.classified_by_title) == (name, title)


def test_unclassified_cable_has_no_classifying_official() -> None:
    """06SAOPAULO1038 is UNCLAS and has no Classified By line."""
    cable = read_seed("06SAOPAULO1038")
    assert (cable.classified_by, cable.classified_by_name, cable.classified_by_title) == (None, None, None)


@pytest.mark.parametrize(
    ("cable_id", "text"),
    [
        ("09OTTAWA265", "A. OTTAWA 134 B. OTTAWA 263"),  # lines 38 and 40, a blank line between
        ("08MANAMA47", "A. 07 MANAMA 408 ¶B. 07 MANAMA 338"),
        # REF items wrapped onto the subject's second line; the e-mail item is kept as text
        ("08TRIPOLI119", "A) STATE 9463, B) GODFREY-FERGUSON EMAIL 02/12/08"),
        ("06SAOPAULO1038", "BRASILIA 1996"),  # REF run on into the SUBJECT line
        ("09TRIPOLI555", ""),  # no REF line
    ],
)
def test_reference_text_as_written(cable_id: str, text: str) -> None:
    assert read_seed(cable_id).reference_text == text


def test_addressees_drop_routing_codes_precedence_and_serials() -> None:
    """09OTTAWA265 lines 21-26: TO RUEHC/SECSTATE WASHDC PRIORITY 9296, then five INFO addressees."""
    cable = read_seed("09OTTAWA265")
    assert cable.addressees == ("SECSTATE WASHDC",)
    assert cable.info_addressees == (
        "ALL CANADIAN POSTS COLLECTIVE",
        "AMEMBASSY MEXICO",
        "DEPT OF HOMELAND SECURITY WASHINGTON DC",
        "FBI WASHINGTON DC",
        "FEMA HQ WASHDC",
    )


def test_info_addressees_in_order_through_the_last_routing_line() -> None:
    """08MANAMA47 lines 21-27: the INFO block ends at the banner; COMUSNAVCENT has two spaces before PRIORITY."""
    cable = read_seed("08MANAMA47")
    assert cable.addressees == ("SECSTATE WASHDC",)
    assert cable.info_addressees == (
        "GULF COOPERATION COUNCIL COLLECTIVE",
        "AMEMBASSY LONDON",
        "AMEMBASSY PARIS",
        "USDOC WASHDC",
        "HQ USCENTCOM MACDILL AFB FL",
        "COMUSNAVCENT",
    )


def test_partial_extract_has_no_routing_block() -> None:
    """02ROME1196 begins 'This record is a partial extract': no TO or INFO lines before the banner."""
    cable = read_seed("02ROME1196")
    assert (cable.addressees, cable.info_addressees) == ((), ())


@pytest.mark.parametrize(
    ("cable_id", "notes"),
    [
        # "DHS FOR INTERNATIONAL AFFAIRS", repeated after the section break: kept once
        ("09OTTAWA265", ("DHS FOR INTERNATIONAL AFFAIRS",)),
        ("08MANAMA47", ("COMMERCE FOR 4520/ITA/MAC/ONE/HOFFMAN",)),
        ("09TRIPOLI555", ("STATE FOR NEA/MAG, AF/FO, AF/E AND AF/RSA",)),
        ("08TRIPOLI119", ("DEPT FOR ISN/CBC (MAHLEY, FERGUSON), NEA/MAG",)),
        # the subject's second line "GENERATES FODDER FOR DOMESTIC POLITICAL MILLS" is not a note
        ("02ROME1196", ("DEPARTMENT FOR EUR/WE, EUR/PPD AND DRL",)),
        (
            "05PARIS1142",
            (
                "STATE FOR EUR/WE, EUR/ERA, EB/TPP",
                "STATE PASS TO USTR (VERONEAU, NOVELLI, SANFORD)",
                "COMMERCE FOR GRANT ALDONAS AND FRED ELLIOTT",
            ),
        ),
    ],
)
def test_distribution_lines(cable_id: str, notes: tuple[str, ...]) -> None:
    assert read_seed(cable_id).distribution == notes


def test_distribution_lines_of_a_long_list() -> None:
    """06SAOPAULO1038 lines 41-44: four STATE PASS / NSC FOR lines, each its own note."""
    notes = read_seed("06SAOPAULO1038").distribution
    assert notes[:4] == (
        "STATE PASS USTR FOR SCRONIN/MSULLIVAN",
        "STATE PASS EXIMBANK",
        "STATE PASS OPIC FOR MORONESE, RIVERA, MERVENNE",
        "NSC FOR FEARS",
    )


def test_subject_tail_keeps_the_handling_notice() -> None:
    """06SAOPAULO1038 line 49: 'SUBJECT: ... SAO PAULO REF: BRASILIA 1996 SENSITIVE BUT UNCLASSIFIED - PLEASE PROTECT ACCORDINGLY'."""
    cable = read_seed("06SAOPAULO1038")
    assert cable.subject == "WHA PDAS SHAPIRO'S MEETINGS IN SAO PAULO"
    assert cable.subject_tail == "SENSITIVE BUT UNCLASSIFIED - PLEASE PROTECT ACCORDINGLY"


def test_subject_tail_is_empty_when_nothing_is_cut_but_fields() -> None:
    """08PARIS750's subject runs on into REF and Classified By, which their own fields keep."""
    cable = read_seed("08PARIS750")
    assert cable.subject == "AUSTRALIA GROUP: PLENARY MEETING, PARIS, APRIL 14-18, 2008"
    assert cable.subject_tail == ""


def test_header_text_holds_every_header_field() -> None:
    """The one text a header search field indexes: a surname, a REF item, an addressee, a note."""
    text = read_seed("09TRIPOLI555").header_text()
    for words in ("Cretz", "AMEMBASSY LONDON", "CJTF HOA", "STATE FOR NEA/MAG"):
        assert words in text


def test_record_json_adds_the_header_keys() -> None:
    """The JSON shape only grows: the new keys sit beside every key it had."""
    record = record_json(read_seed("08MANAMA47"))
    assert record["classified_by"] == "Ambassador Adam Ereli"
    assert record["classified_by_name"] == "Adam Ereli"
    assert record["classified_by_title"] == "Ambassador"
    assert record["reference_text"] == "A. 07 MANAMA 408 ¶B. 07 MANAMA 338"
    assert record["addressees"] == ["SECSTATE WASHDC"]
    assert "AMEMBASSY LONDON" in record["info_addressees"]
    assert record["distribution"] == ["COMMERCE FOR 4520/ITA/MAC/ONE/HOFFMAN"]
    assert record["subject_tail"] == ""
