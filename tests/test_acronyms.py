"""Acronyms the cables define, learned at build time: a name typed in full finds the cables writing its initials."""

from __future__ import annotations

from cables.index.acronyms import definitions, learn_acronyms, written_as_words


def test_a_name_before_its_initials_in_parentheses_is_a_definition():
    text = (
        "Costa Rica has not endorsed the Proliferation Security Initiative (PSI). The Ministry of Foreign Affairs (MFA) "
        "and Pakistan's Inter-Services Intelligence (ISI) agreed. 1. (C) Summary: the Embassy (SBU) said little."
    )
    assert list(definitions(text)) == [
        ("PSI", "Proliferation Security Initiative"),
        ("MFA", "Ministry of Foreign Affairs"),
        ("ISI", "Inter-Services Intelligence"),
    ]


def test_a_parenthesis_whose_letters_are_no_initials_defines_nothing():
    """Markings, initials that do not match and one capitalised word are not definitions."""
    for text in ("1. (C) The minister said (U) nothing.", "the Foreign Minister (PM) spoke", "Reuters (AFP) reported", "talks (SBU)"):
        assert list(definitions(text)) == [], text


def test_only_an_acronym_most_cables_define_one_way_is_learned():
    """GOB is the Government of Bolivia in some cables and of Brazil in others: neither is joined.  An acronym one
    cable defines, or one of two capitals, is not joined either; the name kept is the form most often written."""
    cables = [
        ["the Financial Action Task Force (FATF) met", "Government of Bolivia (GOB)"],
        ["the Financial Action Task Force (FATF) will review", "the Government of Brazil (GOB)", "Arab League (AL)"],
        ["the Financial Action Task force (FATF)", "Arab League (AL)", "Nuclear Suppliers Group (NSG)"],
    ]
    assert learn_acronyms(cables) == [("FATF", "Financial Action Task Force")]


def test_an_acronym_the_cables_mostly_write_as_a_word_is_not_joined():
    """SAO, the Security Assistance Officer, joined `Sao` to it: a searcher typing Sao (Sao Paulo) got 9 cables on
    military aid.  Capitalised words count in text not wholly in capitals, a plural (IEDs) is no word, and an acronym
    written as a word less often than in capitals stays."""
    cables = [
        ["the Security Assistance Officer (SAO) met", "IEDs (IED) and FATA"],
        ["the SAO said", "Consul General in Sao Paulo", "the FATA"],
        ["the São Paulo state", "SAO PAULO 00001 001 OF 002 IN CAPITALS"],
        ["Sao Tome", "the FATA and IEDs"],
        ["UK officials call it Fata"],
    ]
    assert written_as_words(cables, ["SAO", "IED", "FATA", "PSI"]) == {"sao"}
