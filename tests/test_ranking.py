"""Ranking you can trust: ordering invariants on real seed cables, and effectiveness pins.

The invariants check that each part of the score (subject, tags, words
together in a paragraph) pushes the right cables up.  The pins run the engine
on the bench topics (``bench/topics``) and fail when MRR@10 or nDCG@10 drop
more than 0.02 below the values measured for the shipped settings; the last
test shows that broken settings do fall below those floors, so the pins can
fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import read_qrels, read_topics, summarise
from cables.index.analysis import SnowballStem, analyse
from cables.search.engine import Engine, SearchRequest
from cables.search.ranking import RankingSettings

TOPICS = Path(__file__).resolve().parent.parent / "bench" / "topics"
KNOWN_ITEMS = 60  # the first 60 topics of each known-item kind keep the test fast
TOLERANCE = 0.02

# Measured 2026-12-01 with the shipped RankingSettings() on an index of the
# 1,400 seed cables, via pinned_scores() below (first 60 subject and body
# known-item topics, all 48 written needs).  Re-measure and update these when
# seeds/, the topics or the ranking change on purpose.  Header words counted
# in the whole-cable score (header_in_whole) left subject and body as they
# were and moved needs nDCG@10 from 0.899 to 0.898 on these seeds topics.
# Completing the needs' judging pools to every system's top 10 (109 more
# judgments) left all four values as they were.  Promoting partial matches
# whose subject holds the other words (promote_words 3, promoted_power 1)
# moved needs nDCG@10 from 0.898 to 0.901 and left the others as they were.
# Promoting them when the subject holds all but one of the words the cable
# holds (promote_slack 1) moved needs nDCG@10 from 0.9008 to 0.9011 (0.901 to
# three places) and left the others as they were.  The same-post part
# (post_weight 0.5) moved needs nDCG@10 from 0.9011 to 0.9035 and left the
# others as they were.  The whole-cable score's own k1 1.6 and b 0.9, with
# subject_weight 0.6 and coverage_weight 1.5 (2026-12-03), moved body MRR@10
# from 0.944 to 0.953 and needs nDCG@10 from 0.904 to 0.906.
PINNED = {
    "subject mrr@10": 0.975,
    "body mrr@10": 0.953,
    "needs ndcg@10": 0.906,
    "needs mrr@10": 0.990,
}


def ranked_ids(engine: Engine, query: str, limit: int = 10) -> list[str]:
    """The ids of the engine's top ``limit`` cables for a query."""
    return [hit.id for hit in engine.search(SearchRequest(query=query, limit=limit)).hits]


def cable_text(engine: Engine, cable_id: str) -> tuple[str, str]:
    """A cable's stored subject and its paragraphs joined, as the index holds them."""
    record = engine.cable(cable_id)
    assert record is not None, f"{cable_id} is not in the seed index"
    return record["subject"], "\n".join(paragraph["text"] for paragraph in record["paragraphs"])


STEM = SnowballStem()


def holds_words(text: str, words: list[str]) -> bool:
    """Whether every word occurs in the text, compared as the index compares them (stems)."""
    return set(analyse(" ".join(words), STEM)) <= set(analyse(text, STEM))


def holds_phrase(text: str, phrase: str) -> bool:
    """Whether the text holds the phrase's words next to each other."""
    pattern = r"\b" + r"\W+".join(re.escape(word) for word in phrase.split()) + r"\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


# (query, the one cable whose subject holds both words, cables holding them only in paragraphs)
SUBJECT_CASES = [
    ("tsvangirai asks", "09HARARE1004", ["00HARARE5461", "00HARARE6677"]),
    ("demarche piracy", "08SANJOSE360", ["09LONDON1701", "09TRIPOLI562"]),
    ("dirceu cabinet", "05BRASILIA1631", ["04BRASILIA458", "05BRASILIA1622", "05BRASILIA1979", "05BRASILIA2025"]),
    ("exxonmobil offshore", "07TRIPOLI978", ["10ASTANA251"]),
    ("caribbean biofuels", "06SANJOSE2259", ["09BRASILIA1321", "09BRASILIA95"]),
    ("fighter advocacy", "08OSLO522", ["09KABUL2658"]),
]


@pytest.mark.parametrize("query, holder, body_only", SUBJECT_CASES)
def test_subject_holder_outranks_body_only_cables(engine, query, holder, body_only):
    """The cable whose subject holds the query words must rank first, above cables with the words only in paragraphs.

    A subject names what a cable is about; a cable that merely mentions the
    words in passing is a weaker answer.  The cases were found by searching
    the seeds for word pairs that exactly one subject holds while other
    cables hold them only in their text; the test re-checks that setup.
    """
    words = query.split()
    subject, _ = cable_text(engine, holder)
    assert holds_words(subject, words)
    for other in body_only:
        other_subject, other_body = cable_text(engine, other)
        assert holds_words(other_body, words) and not any(holds_words(other_subject, [w]) for w in words)
    ranking = ranked_ids(engine, query, limit=50)
    assert ranking[0] == holder
    assert all(ranking.index(other) > 0 for other in body_only if other in ranking)


@pytest.mark.parametrize("tag", ["IAEA", "UNSC", "NATO"])
def test_tag_word_ranks_tagged_cables_first(engine, tag):
    """A query word that is also a tag must put cables carrying the tag first and fill most of the top 10 with them.

    These words also occur in the text of many untagged cables, so this is a
    real contest: the tag part of the score (tag weight times the tag's
    inverse cable frequency) must lift the cables that were filed under the
    subject above those that only mention it.
    """
    result = engine.search(SearchRequest(query=tag.lower(), limit=10))
    tagged = [tag in hit.tags for hit in result.hits]
    all_tagged = engine.search(SearchRequest(query=f"tag:{tag}", limit=1)).total
    assert tagged[0], f"first hit for {tag!r} is not tagged {tag}"
    assert sum(tagged) / len(tagged) > 2 * all_tagged / result.total
    assert sum(tagged) >= 8


def test_tag_query_returns_only_tagged_cables(engine):
    """``tag:X`` must return cables carrying X and nothing else, so tagged cables come first by construction."""
    result = engine.search(SearchRequest(query="tag:KTIP", limit=50))
    assert result.total > 0
    assert all("KTIP" in hit.tags for hit in result.hits)


@pytest.mark.parametrize("phrase", ["humanitarian exchange", "human rights council", "security dialogue", "organized crime"])
def test_phrase_holders_rank_above_scattered_words(engine, phrase):
    """A quoted phrase must rank only cables holding the words side by side; the same words unquoted must still put a phrase-holder first.

    Quoted, the phrase is a requirement: cables with the words scattered over
    paragraphs (which exist: the unquoted query matches more cables) must
    not appear above, or at all.  Unquoted, the best-paragraph part of the
    score rewards words that sit together, so a phrase-holder leads.
    """
    quoted = engine.search(SearchRequest(query=f'"{phrase}"', limit=50))
    unquoted = engine.search(SearchRequest(query=phrase, limit=50))
    assert 0 < quoted.total < unquoted.total
    for hit in quoted.hits:
        subject, body = cable_text(engine, hit.id)
        assert holds_phrase(subject + "\n" + body, phrase), f"{hit.id} lacks {phrase!r}"
    first_subject, first_body = cable_text(engine, unquoted.hits[0].id)
    assert holds_phrase(first_subject + "\n" + first_body, phrase)


def pinned_scores(engine: Engine, parts: tuple[str, ...] = ("subject", "body", "needs")) -> dict[str, float]:
    """The pinned measures of an engine on the bench topics (library calls, as ``cables batch`` makes them)."""
    known = read_qrels(TOPICS / "known.qrels")
    scores = {}
    for kind in ("subject", "body"):
        if kind in parts:
            topics = read_topics(TOPICS / f"known_{kind}.tsv")[:KNOWN_ITEMS]
            run = {qid: ranked_ids(engine, query) for qid, query in topics}
            scores[f"{kind} mrr@10"] = summarise(run, {qid: known[qid] for qid, _ in topics})["mrr@10"]
    if "needs" in parts:
        run = {qid: ranked_ids(engine, query) for qid, query in read_topics(TOPICS / "needs.tsv")}
        measured = summarise(run, read_qrels(TOPICS / "needs.qrels"))
        scores["needs ndcg@10"] = measured["ndcg@10"]
        scores["needs mrr@10"] = measured["mrr@10"]
    return scores


def below_floor(scores: dict[str, float]) -> list[str]:
    """The pinned measures that fell more than the tolerance below their recorded values."""
    return [name for name, value in PINNED.items() if name in scores and scores[name] < value - TOLERANCE]


def test_shipped_ranking_keeps_pinned_effectiveness(engine):
    """The shipped settings must keep MRR@10 (known items, both kinds) and nDCG@10 (needs) within 0.02 of the recorded values.

    A change that trades one kind of search for another (say, subject topics
    for body topics) shows up here as a drop in one of the four numbers.
    """
    scores = pinned_scores(engine)
    assert below_floor(scores) == [], scores


@pytest.mark.parametrize(
    "settings, part",
    [
        (RankingSettings(subject_weight=0.0, coverage_weight=0.0), "subject"),
        (RankingSettings(subject_weight=50.0), "needs"),
        (RankingSettings(b=0.0, whole_b=0.0), "body"),
    ],
    ids=["subject ignored", "huge subject boost", "no length normalisation"],
)
def test_broken_settings_fall_below_the_pins(seed_index, settings, part):
    """Broken weights must score below a pinned floor, proving the pins can fail.

    Measured with the shipped settings otherwise: ignoring the subject loses
    subject-remembered cables (subject MRR@10 0.975 to 0.856); a subject
    boost of 50 lets cables that merely mention a need's word in their
    subject crowd out the cables about it (needs nDCG@10 0.906 to 0.871);
    BM25 without length normalisation, in paragraphs and whole cables,
    favours long cables over the body-remembered target (body MRR@10 0.953
    to 0.898).  Only the topic
    kind each setting harms is run, to keep the test fast.
    """
    broken = Engine(seed_index, settings=settings)
    try:
        failed = below_floor(pinned_scores(broken, (part,)))
    finally:
        broken.close()
    assert failed, f"{settings} stayed above every pinned floor"


def classified_by(engine: Engine, surname: str) -> set[str]:
    """The seed cables whose classifying official's name holds this surname, read from the stored records."""
    return {
        record["id"]
        for _, record, _ in engine.records.records()
        if surname.lower() in (record.get("classified_by_name") or "").lower().replace(",", " ").split()
    }


def test_by_field_finds_the_cables_an_official_classified(engine):
    """``by:SURNAME`` must return exactly the cables that official classified, and nothing that merely mentions the name.

    Thomas Countryman classified two Rome cables in the seeds; a Tripoli
    cable names him in a paragraph (he later ran the ISN bureau), so it holds
    the word but was not classified by him.
    """
    expected = classified_by(engine, "countryman")
    assert {"02ROME1196", "02ROME1725"} <= expected
    result = engine.search(SearchRequest(query="by:countryman", limit=50))
    assert {hit.id for hit in result.hits} == expected
    assert {hit.id for hit in engine.search(SearchRequest(query='by:"thomas countryman"', limit=50)).hits} == expected
    mentions = engine.search(SearchRequest(query="body:countryman", limit=50))
    assert mentions.total > 0 and not {hit.id for hit in mentions.hits} & expected


def test_header_words_count_for_matching(engine):
    """A word only in a cable's header (the classifying officer's surname) must match the cable like any other word.

    The Rome cables do not hold "countryman" in subject or paragraphs, yet a
    searcher who remembers who signed off a cable should find it: with a
    word of its subject, the cable is a complete match and ranks first.
    """
    for cable_id in ("02ROME1196", "02ROME1725"):
        subject, body = cable_text(engine, cable_id)
        assert not holds_words(subject + "\n" + body, ["countryman"])
    assert {"02ROME1196", "02ROME1725"} <= set(ranked_ids(engine, "countryman", limit=50))
    result = engine.search(SearchRequest(query="countryman berlusconi putin", limit=10, explain=True))
    first = result.hits[0]
    assert first.id == "02ROME1725"
    assert first.explanation["tier"]["tier"] == 0
    found = {word["word"]: word["found in"] for word in first.explanation["words"]}
    assert found["countryman"] == ["header"]


def test_a_header_word_counts_in_the_whole_cable_not_on_its_own(engine, seed_index):
    """A query word in an addressee line must not lift a cable above one that discusses the words in its paragraphs.

    For "child labor" (need N26), 10SANTIAGO254 (Chile's trafficking report,
    judged not relevant) holds "labor" in its header as well as its
    paragraphs (it is addressed to the Department of Labor), while
    05SANJOSE2658 (Costa Rica's answer to USTR on child labor, judged partly
    relevant) holds both words only in its paragraphs.  Scored as a header
    part of its own without length normalisation, the addressee line put the
    trafficking report first; counted in the whole-cable score (at half a
    paragraph word's weight, normalised by the cable's length), it does not.
    Since the whole-cable score's firmer length normalisation (2026-12-03)
    the separate part no longer reverses the pair, but it still narrows the
    Costa Rican cable's lead by over half a point.
    """
    hits = explained(engine, "child labor", limit=10)
    report = hits["10SANTIAGO254"]
    found = {cable: {word["word"]: word["found in"] for word in hits[cable]["words"]} for cable in ("10SANTIAGO254", "05SANJOSE2658")}
    assert "header" in found["10SANTIAGO254"]["labor"] and "header" not in found["05SANJOSE2658"]["labor"]
    assert report["parts"]["header"] == 0.0
    order = list(hits)
    assert order.index("05SANJOSE2658") < order.index("10SANTIAGO254")
    separate = Engine(seed_index, settings=RankingSettings(header_in_whole=0.0))
    try:
        assert explained(separate, "child labor")["10SANTIAGO254"]["parts"]["header"] > 0
        apart = lead(separate, "child labor", "05SANJOSE2658", "10SANTIAGO254")
    finally:
        separate.close()
    assert apart < lead(engine, "child labor", "05SANJOSE2658", "10SANTIAGO254") - 0.5


def lead(engine: Engine, query: str, first: str, second: str) -> float:
    """How far ``first``'s score is above ``second``'s for a query (both among the top ten)."""
    scores = {hit.id: hit.score for hit in engine.search(SearchRequest(query=query, limit=10)).hits}
    return scores[first] - scores[second]


def explained(engine: Engine, query: str, limit: int = 10) -> dict[str, dict]:
    """The explanations of the engine's top hits for a query, by cable id, in rank order."""
    hits = engine.search(SearchRequest(query=query, limit=limit, explain=True)).hits
    return {hit.id: hit.explanation for hit in hits if hit.explanation is not None}


def test_cable_about_the_need_outranks_complete_match_in_passing(engine):
    """A cable saying one query word only through its tag must outrank weak complete matches.

    For "Ecuador Colombia relations Correa", 09QUITO103 (the background to
    Correa's attacks on US cooperation, judged partly about the need) has
    "relations" only as its PREL tag (external political relations), so
    under strict tiers it sat below every cable holding all four words, such
    as 09QUITO391 (legislators visiting the Manta base) and 05BRASILIA1974 (a
    scenesetter for a Treasury visit), which name them in passing (both
    judged not relevant).  With the tiers folded into the score (a word held
    through a tag's meaning counts as held), the stronger cable wins.
    """
    hits = explained(engine, "Ecuador Colombia relations Correa", limit=20)
    about = hits["09QUITO103"]
    found = {word["word"]: word["found in"] for word in about["words"]}
    assert found["relations"] == ["tag meaning"]
    assert about["tier"]["tier"] == 1 and about["tier"]["factor"] == 1.0
    order = list(hits)
    for passing in ("09QUITO391", "05BRASILIA1974"):
        assert passing not in hits or hits[passing]["tier"]["tier"] == 0
        assert passing not in hits or order.index("09QUITO103") < order.index(passing)
    assert "05BRASILIA1974" not in order[:10]


def test_strict_tiers_put_every_complete_match_first(seed_index):
    """With ``partial_power`` 0 the cables holding every word come first, whatever their scores (the measured alternative)."""
    strict = Engine(seed_index, settings=RankingSettings(partial_power=0.0))
    try:
        order = ranked_ids(strict, "Ecuador Colombia relations Correa", limit=30)
    finally:
        strict.close()
    assert order.index("09QUITO391") < order.index("05BRASILIA1974") < order.index("09QUITO103")


def test_partial_matches_rank_by_how_many_words_they_hold(engine):
    """Among cables missing words, one holding two of three words must outrank one holding a single word.

    "Brazil Haiti MINUSTAH": only four cables hold all three words.
    09BRASILIA1321 (a US-Brazil joint commission scenesetter, judged
    partly relevant) holds two; 09SANSALVADOR971 (El Salvador watching
    Haiti-bound Chinese travellers, judged not relevant) holds only
    "Haiti".  Strict tiers ranked all partial matches by score alone, and the
    one-word cable was in the top 10; now its score is multiplied by
    (1/3)^3 against (2/3)^3, and the complete matches still lead.
    """
    hits = explained(engine, "Brazil Haiti MINUSTAH", limit=50)
    order = list(hits)
    held = {cable: sum(bool(word["found in"]) for word in hits[cable]["words"]) for cable in ("09BRASILIA1321", "09SANSALVADOR971")}
    assert held == {"09BRASILIA1321": 2, "09SANSALVADOR971": 1}
    assert order.index("09BRASILIA1321") < order.index("09SANSALVADOR971")
    assert "09SANSALVADOR971" not in order[:10]
    complete = [cable for cable, explanation in hits.items() if explanation["tier"]["tier"] == 0]
    assert order[: len(complete)] == complete


def test_a_subject_holding_one_of_scattered_words_is_weak_evidence(engine, seed_index):
    """For three words that no subject holds two of, the cable holding them in its text must outrank a subject naming one.

    "prices hike economic" (topic KB238) was remembered from the paragraphs
    of 08CAIRO2098 (Egypt's prime minister on economic reform and the price
    rises).  08LONDON2029 ("Energy's economic and political impact on the
    UK") holds the three words too, and "economic" in its subject; that
    single subject word would put it first.  When no matching cable's
    subject holds two of three or more query words, the query was not
    remembered from a subject, so the subject score is divided by the
    number of words and the target leads; with ``scattered_subject`` off the
    subject word wins again.
    """
    query = "prices hike economic"
    hits = explained(engine, query, limit=50)
    assert max(explanation["coverage"]["in subject"] for explanation in hits.values()) < 2
    assert hits["08CAIRO2098"]["coverage"]["in subject"] == 0
    assert hits["08LONDON2029"]["coverage"]["in subject"] == 1
    assert next(iter(hits)) == "08CAIRO2098"
    plain = Engine(seed_index, settings=RankingSettings(scattered_subject=False))
    try:
        order = ranked_ids(plain, query)
    finally:
        plain.close()
    assert order.index("08LONDON2029") < order.index("08CAIRO2098")


def test_tied_cables_keep_one_order_whatever_the_page_size(engine):
    """Of two cables with equal scores, the same one must rank first on every page size, and each must show once.

    For "risks leu bog fuel complementary" 09UNVIEVIENNA218 and
    09UNVIEVIENNA220 (two IAEA cables holding the same words) tie at ranks
    5 and 6.  Only the page asked for is sorted, and the cables that make it
    used to be picked by a partial sort that keeps an arbitrary one of equal
    scores: five a page showed 218 on page 1 and again on page 2, and 220 on
    neither.  Now every cable tied with the page's last one is sorted too
    (ties: newest first, then index order), so pages of 5 read as one page of
    10, whatever order the tie takes.
    """
    query = "risks leu bog fuel complementary"
    one_page = engine.search(SearchRequest(query=query, limit=10)).hits
    scores = {hit.id: hit.score for hit in one_page}
    assert scores["09UNVIEVIENNA218"] == scores["09UNVIEVIENNA220"]
    pages = [hit.id for page in (1, 2) for hit in engine.search(SearchRequest(query=query, limit=5, page=page)).hits]
    assert pages == [hit.id for hit in one_page]
    tied = [cable_id for cable_id in pages if cable_id in ("09UNVIEVIENNA218", "09UNVIEVIENNA220")]
    for limit in (3, 4, 6):
        shown = [hit.id for page in (1, 2, 3) for hit in engine.search(SearchRequest(query=query, limit=limit, page=page)).hits]
        assert [cable_id for cable_id in shown if cable_id in tied] == tied


def test_a_partial_match_whose_subject_holds_the_other_words_joins_the_complete_matches(engine, seed_index):
    """A cable missing one word, its subject holding all the others, must outrank complete matches in passing.

    For "Saif al-Islam succession", 09TRIPOLI805 ("Unconfirmed report that
    Qadhafi promotes Saif al-Islam in 'secret' meeting", judged about the
    need) never says "succession"; 07TRIPOLI943 (a returned detainee's arm)
    and 09TRIPOLI764 (Libya's economic reform agency) hold all four words in
    passing (both judged not relevant).  Missing one of four words cost it
    (3/4)^3 of its score and put it below both; a subject that holds the
    rest of the query is evidence the cable is about it in other words, so
    its factor is (3/4)^1 (``promoted_power``).  A partial match without
    that subject evidence (09TRIPOLI860, Libya's political ferment) keeps
    the full cost, and with ``promote_words`` 0 the old order returns.
    """
    query = "Saif al-Islam succession"
    hits = explained(engine, query, limit=20)
    promoted, weak = hits["09TRIPOLI805"], hits["09TRIPOLI860"]
    assert [word["word"] for word in promoted["words"] if not word["found in"]] == ["succession"]
    assert promoted["coverage"]["in subject"] == 3
    assert promoted["tier"]["factor"] == pytest.approx(0.75, abs=1e-3)
    assert weak["tier"]["factor"] == pytest.approx(0.75**3, abs=1e-3)
    order = list(hits)
    for passing in ("07TRIPOLI943", "09TRIPOLI764"):
        assert hits[passing]["tier"]["factor"] == 1.0
        assert order.index("09TRIPOLI805") < order.index(passing)
    unpromoted = Engine(seed_index, settings=RankingSettings(promote_words=0))
    try:
        before = ranked_ids(unpromoted, query, limit=20)
    finally:
        unpromoted.close()
    assert all(before.index(passing) < before.index("09TRIPOLI805") for passing in ("07TRIPOLI943", "09TRIPOLI764"))


def test_a_partial_match_whose_subject_holds_all_but_one_of_its_words_is_promoted(engine, seed_index):
    """A cable missing one word, its subject holding all but one of the others, must outrank weak complete matches.

    For "arms export end use checks", 10SANJOSE154 and 08STATE58722 are
    Blue Lantern post-shipment end-use checks on export licences: they never
    say "arms", and their subjects hold "end", "use" and "check" but not
    "export" (three of the four words they hold).  At (4/5)^3 of their score
    they ranked below 09BERLIN992 (the Australia Group's plenary) and
    09AITTAIPEI975 (Taiwan's monthly export control report), which name the
    words in passing.  A subject holding all but one of a cable's words (and
    at least two) is evidence the cable is about the need (``promote_slack``
    1), so their factor is 4/5.  A partial match whose subject holds one word
    (07MOSCOW5154, "Addressing Russian arms sales") is not promoted, so it
    does not even join (enough cables hold every word), and with
    ``promote_slack`` 0 (the fifth round's rule) the old order returns against
    09BERLIN992.  (09AITTAIPEI975 then falls just below the two, 11.42 against
    11.56 and 11.45: since tag meanings are named in the singular and the
    plural, their KOMC and EINT meanings count for "use" too.)
    The words are typed apart: typed "end-use", they must stand together,
    and the cables naming them in passing no longer match at all.
    """
    query = "arms export end use checks"
    hits = explained(engine, query, limit=25)
    order = list(hits)
    for promoted in ("10SANJOSE154", "08STATE58722"):
        assert [word["word"] for word in hits[promoted]["words"] if not word["found in"]] == ["arms"]
        assert hits[promoted]["coverage"]["in subject"] == 3
        assert hits[promoted]["tier"]["factor"] == pytest.approx(0.8, abs=1e-3)
        for passing in ("09BERLIN992", "09AITTAIPEI975"):
            assert order.index(promoted) < order.index(passing)
    assert "07MOSCOW5154" not in hits
    strict_subject = Engine(seed_index, settings=RankingSettings(promote_slack=0))
    try:
        before = ranked_ids(strict_subject, query, limit=25)
    finally:
        strict_subject.close()
    assert all(before.index("09BERLIN992") < before.index(promoted) for promoted in ("10SANJOSE154", "08STATE58722"))


def test_a_cable_from_the_post_of_the_leading_results_gains_on_one_from_elsewhere(engine, seed_index):
    """Of two close cables, the one sent by the office that sent most of the leading results must gain on the other.

    For "Muslim Brotherhood arrests", eight of the ten leading results come
    from Embassy Cairo, which follows the Brotherhood.  07CAIRO2871 ("Egypt
    in transition: Sadat and Mubarak", judged partly about the need) scored
    a little below 06BERN141 (a Swiss counterterrorism scenesetter for the
    FBI director, judged not relevant), which names the words in passing.
    The same-post part (``post_weight`` times the share of the ten leading
    results sent by the cable's own office) gives the Cairo cable 0.4 and
    the Bern cable 0.05, which put the Cairo cable first; with
    ``post_weight`` 0 the old order returned.  Since the whole-cable score's
    firmer length normalisation (2026-12-03) the Bern cable leads by 0.49
    before the part and still by 0.14 after it: the part narrows the gap by
    its 0.35 and no longer reverses this pair (a loss the measured gain on
    the body-remembered topics was weighed against; see bench/RANKING.md).
    """
    query = "Muslim Brotherhood arrests"
    hits = explained(engine, query)
    order = list(hits)
    assert hits["07CAIRO2871"]["parts"]["same post"] == pytest.approx(0.4, abs=1e-3)
    assert hits["06BERN141"]["parts"]["same post"] == pytest.approx(0.05, abs=1e-3)
    assert order.index("07CAIRO2871") - order.index("06BERN141") <= 1
    without = Engine(seed_index, settings=RankingSettings(post_weight=0.0))
    try:
        before = lead(without, query, "06BERN141", "07CAIRO2871")
    finally:
        without.close()
    assert lead(engine, query, "06BERN141", "07CAIRO2871") == pytest.approx(before - 0.35, abs=1e-3)


def test_the_settings_grid_holds_the_shipped_settings():
    """`python -m bench.evaluate --grid` reports its rows against the shipped settings' row, so the grid must hold them:
    each weight list holds its shipped value, and the first BM25 set is the shipped one."""
    from dataclasses import asdict, replace

    from bench.evaluate import grid_settings
    from cables.search.ranking import DEFAULT_SETTINGS

    bm25_sets, weights = grid_settings()
    shipped = asdict(DEFAULT_SETTINGS)
    assert all(shipped[name] in values for name, values in weights.items())
    assert replace(bm25_sets[0], **{name: shipped[name] for name in weights}) == DEFAULT_SETTINGS
