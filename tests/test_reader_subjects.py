"""Subjects and REF lines that lost their labels or their spacing (issue 13, item 17).

Expected values were read from the seed files (line numbers in each docstring).
"""

from __future__ import annotations

import pytest

from tests.conftest import read_seed


@pytest.mark.parametrize(
    ("cable_id", "subject"),
    [
        # line 62, after "TAGS: EAIR OTRA CASC BR" and a blank line; the title in the header is empty
        ("06BRASILIA2315", "BRAZIL: CHAOS IN AIRPORTS NATIONWIDE AS AIR TRAFFIC CONTROLLERS ENGAGE IN WORK SLOWDOWN"),
        # line 58
        ("06SAOPAULO910", "BRAZIL'S NATIONAL PLAN TO COMBAT PIRACY: AN UPDATE ON IMPLEMENTATION EFFORTS"),
        # line 31, a REF line after it
        ("09CAIRO544", "BLOGGERS MOVING FROM ACTIVISM TO BROADENING DISCOURSE AND SELF-EXPRESSION"),
    ],
)
def test_unlabelled_subject_line_after_tags(cable_id: str, subject: str) -> None:
    cable = read_seed(cable_id)
    assert cable.subject == subject
    assert all(subject not in paragraph.text for paragraph in cable.paragraphs)


def test_unlabelled_subject_keeps_the_ref_line_after_it() -> None:
    """09CAIRO544 line 33: 'REF: A. CAIRO 468 B. CAIRO 243 ...' right after the unlabelled subject."""
    ids = [reference.id for reference in read_seed("09CAIRO544").references]
    assert ids[:4] == ["09CAIRO468", "09CAIRO243", "09CAIRO229", "09CAIRO152"]


def test_subject_label_missing_its_first_letter() -> None:
    """08MANAMA117 line 37: 'UBJECT: BAHRAIN WILL ... AL SUBAIE REF: A. A) MANAMA 20', then '¶B. B) 2/22/08 GRAY-ERELI E-MAIL'."""
    cable = read_seed("08MANAMA117")
    assert cable.subject == "BAHRAIN WILL FORMALLY REQUEST QATAR TO EXECUTE LEGAL JUDGMENT AGAINST KHALIFA AL SUBAIE"
    assert next(reference.id for reference in cable.references) == "08MANAMA20"


def test_subject_label_missing_its_first_letter_with_ref_and_page_marker() -> None:
    """09TRIPOLI925: 'UBJECT: 110 LIBYAN COMPANIES PRIVATIZED: ... PROGRESS REF: TRIPOLI 869 TRIPOLI 00000925 001.2 OF 002'."""
    cable = read_seed("09TRIPOLI925")
    assert cable.subject.startswith("110 LIBYAN COMPANIES PRIVATIZED: HEAD OF LIBYAN PRIVATIZATION AUTHORITY")
    assert cable.reference_text == "TRIPOLI 869"
    assert [reference.id for reference in cable.references] == ["09TRIPOLI869"]


@pytest.mark.parametrize(
    ("cable_id", "subject", "ref_id"),
    [
        # line 20: "SUBJECT: FBI DIRECTOR MUELLER’S VISIT TO EGYPTREF: CAIRO 493"
        ("06CAIRO941", "FBI DIRECTOR MUELLER’S VISIT TO EGYPT", "06CAIRO493"),
        # line 39: "... VISIT TO BAHRAINREF: MANAMA 510Classified By: CDA CHRISTOPHER HENZEL FOR REASONS ..."
        ("08MANAMA541", "GENERAL PETRAEUS’ VISIT TO BAHRAIN", "08MANAMA510"),
    ],
)
def test_subject_cut_at_a_glued_ref(cable_id: str, subject: str, ref_id: str) -> None:
    cable = read_seed(cable_id)
    assert cable.subject == subject
    assert [reference.id for reference in cable.references] == [ref_id]


def test_classified_by_glued_to_a_ref_number() -> None:
    """08MANAMA541: '510Classified By: CDA CHRISTOPHER HENZEL FOR REASONS 1.4 (b) and (d)'."""
    cable = read_seed("08MANAMA541")
    assert cable.classified_by_name == "CHRISTOPHER HENZEL"
    assert cable.reasons == ("1.4(b)", "1.4(d)")


def test_body_text_run_on_after_a_ref_is_body() -> None:
    """08LONDON2008 line 38: 'REF: SECSTATE 72078  (U) Embassy London has received ...' on one line."""
    cable = read_seed("08LONDON2008")
    assert cable.reference_text == "SECSTATE 72078"
    assert cable.paragraphs[0].text.startswith("(U) Embassy London has received the following information")


@pytest.mark.parametrize(
    ("cable_id", "subject"),
    [
        # line 47: "SUBJECT: AU SUMMIT: ... LEADERSHIP TRIPOLI 00000562 001.2 OF 002", the next page's marker
        ("09TRIPOLI562", "AU SUMMIT: A/S CARSON'S MEETING WITH AU COMMISSION LEADERSHIP"),
        # line 18, a forwarded message: "Subject: TRIPOLI 00000230 R CO 17-MAR-08 LIBYA MAKES ... BANKING", "REFORM [7168207]"
        ("08TRIPOLI230", "LIBYA MAKES PROGRESS ON BANKING REFORM"),
    ],
)
def test_a_subject_keeps_no_transmission_text(cable_id: str, subject: str) -> None:
    """The serials, page numbers and routing letters a wrapped subject took in were searched and shown as its words."""
    assert read_seed(cable_id).subject == subject


def test_a_ref_glued_to_a_date_ends_the_subject() -> None:
    """08CAIRO524: '... VISIT TO THE U.S. MARCH 24-28REF: A. CAIRO 452 B. CAIRO 488 C. CAIRO 507CAIRO 00000524 001.2 OF 002'
    kept the REF block, and the page marker glued to the last number, in the subject, and found no reference."""
    cable = read_seed("08CAIRO524")
    assert cable.subject == "SCENESETTER FOR MINDEF TANTAWI’S VISIT TO THE U.S. MARCH 24-28"
    assert [reference.id for reference in cable.references] == ["08CAIRO452", "08CAIRO488", "08CAIRO507"]
