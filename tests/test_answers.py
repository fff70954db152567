"""Reading typed answers (`bot.dialogue.answers`), with what people actually type: every-day
yeses and nos, labels with typos and in capitals, numbers in words, "rather not say", and
the question a re-ask repeats. The shipped flows' buttons are read as they ship."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import load_library
from bot.coach.commands import likely_command
from bot.config import Settings
from bot.dialogue import ChoiceDef, Library
from bot.dialogue.answers import (
    by_polarity,
    by_words,
    choice_polarity,
    closest,
    lead_polarity,
    minutes,
    names,
    polarity,
    question_of,
    scale_value,
    wants_skip,
)

YES = [
    "yes", "Yes", "YES", "yes!", "Yes.", "yes!!", "yeah", "Yeah.", "yep", "Yep!", "yup", "ya", "y", "Y",
    "sure", "Sure!", "ok", "OK", "Ok.", "okay", "Okay!", "k", "K", "kk", "yes please", "Yes please!",
    "correct", "I am", "i am", "yes I am", "alright", "👍", "👍🏽", "👌", "yes 👍", "ok 👍", "sure thing",
    "sounds good", "Of course", "yeah sure", "yes, please", "Yes, thanks", "go ahead", "absolutely",
]  # fmt: skip
NO = [
    "nah not like that", "not what I meant",
    "no", "No", "NO", "no.", "No!", "nope", "Nope.", "nah", "Nah", "n", "N", "not really", "Not really.",
    "no thanks", "No thanks!", "no thank you", "No, thank you.", "👎", "👎🏻", "no 👎", "nah thanks",
    "i'm not", "I'm not", "not now", "Not yet", "no way", "definitely not", "rather not",
    "not really no", "Not really, no.", "no no not at all", "nope, not now thanks",
]  # fmt: skip
NEITHER = [
    "", "   ", "maybe", "not sure", "I'm not sure", "idk", "no idea", "yes and no", "I don't know",
    "yesterday", "okayish i guess", "nothing", "know", "noon", "yesss but actually no", "🙂‍↔️", "?",
    "I want to text him like 10 times", "not really yes", "no but yes", "not like that one, the other one",
]  # fmt: skip


@pytest.mark.parametrize("typed", YES)
def test_everyday_yeses_read_as_yes(typed: str) -> None:
    assert polarity(typed) == "yes"


@pytest.mark.parametrize("typed", NO)
def test_everyday_nos_read_as_no(typed: str) -> None:
    assert polarity(typed) == "no"


@pytest.mark.parametrize("typed", NEITHER)
def test_what_is_neither_is_not_guessed(typed: str) -> None:
    assert polarity(typed) is None


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(Settings.load(environ={}, dotenv=Path("/nonexistent")))


def step_choices(library: Library, flow: str, step: str) -> tuple[ChoiceDef, ...]:
    return library[flow].steps[step].choices


@pytest.mark.parametrize(
    ("flow", "step", "said", "meant"),
    [
        ("onboarding", "age", "yes", "adult"),
        ("onboarding", "age", "no", "minor"),
        ("onboarding", "data", "yes", "agree"),
        ("onboarding", "data", "no", "decline"),
        ("onboarding", "welcome", "yes", "go"),
        ("onboarding", "safety", "yes", "unsafe"),  # "do you ever feel afraid of your partner?"
        ("onboarding", "safety", "no", "safe"),
        ("onboarding", "done", "yes", "checkin"),  # of two, the one that isn't "Not now"
        ("onboarding", "done", "no", "later"),
        ("delete", "confirm", "no", "keep"),
        (
            "delete",
            "confirm",
            "yes",
            "erase",
        ),  # "Delete everything?" asked plainly, with a "Yes, delete everything" button
        ("follow-up", "tried", "yes", "yes"),
        ("follow-up", "tried", "no", "not-yet"),
        ("checkin", "urge", "yes", None),  # "toward or away?" has no yes
        ("turn-toward", "welcome", "no", "not-safe"),
        ("set-it-free", "kind-line", "yes", "use-example"),  # the only button: "Use this one"
        ("set-it-free", "kind-line", "no", None),
        ("break", "rehearse", "yes", "ok"),  # "I'll try"  # "only for times you feel safe with them. Do you?"
    ],
)
def test_the_button_a_yes_or_a_no_means(library: Library, flow: str, step: str, said: str, meant: str | None) -> None:
    choices = step_choices(library, flow, step)
    found = by_polarity(choices, "yes" if said == "yes" else "no")
    assert (found.id if found else None) == meant


def test_not_sure_is_not_a_no(library: Library) -> None:
    unsure = next(c for c in step_choices(library, "checkin", "urge") if c.id == "unsure")
    assert choice_polarity(unsure) is None


TYPOS = [
    ("text or call agian", "text"),
    ("TEXT OR CALL AGAIN", "text"),
    ("Text or call again.", "text"),
    ("text or cal again", "text"),
    ("push for a talk", "talk"),
    ("keep checking my phnoe", "check"),
    ("go after htem", "follow"),
]


@pytest.mark.parametrize(("typed", "meant"), TYPOS)
def test_a_label_with_a_typo_is_taken_when_it_is_clearly_closest(library: Library, typed: str, meant: str) -> None:
    choices = step_choices(library, "set-it-free", "pull")
    found = closest(typed, [names(c) for c in choices])
    assert found is not None and choices[found].id == meant


@pytest.mark.parametrize("typed", ["I want to text him like 10 times", "go", "phone", "again", "talk"])
def test_words_that_are_not_a_label_are_no_typo_of_one(library: Library, typed: str) -> None:
    choices = step_choices(library, "set-it-free", "pull")
    assert closest(typed, [names(c) for c in choices]) is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("TURN TOWARD", "Turn toward"), ("turn towrad", "Turn toward"), ("Set it free!", "Set it free")],
)
def test_exercise_offer_labels_in_any_case_or_with_a_typo(library: Library, typed: str, meant: str) -> None:
    steps = [s for s in library["checkin"].steps.values() if any(c.label == meant for c in s.choices)]
    choices = steps[0].choices
    found = closest(typed, [names(c) for c in choices])
    assert found is not None and choices[found].label == meant


SCALES = [
    ("7", 7), ("7/10", 7), ("7 / 10", 7), ("7 out of 10", 7), ("7 of 10", 7), ("seven", 7), ("Seven.", 7),
    ("like a 7", 7), ("about a 7", 7), ("a solid 8", 8), ("7.5", 8), ("6,5", 7), ("10!!", 10), ("TEN", 10),
    ("zero", 0), ("0", 0), ("its a 9 honestly", 9), ("prob a 4 right now", 4), ("8/10 tbh", 8), ("3 😅", 3),
    ("1", 1), ("a 2 maybe", 2), ("around five", 5),
]  # fmt: skip
NOT_A_SCALE = ["7 or 8", "between 6 and 7", "a lot", "", "dunno", "very strong", "7-8", "idk like 5 or 6"]
OFF_THE_SCALE = [("11", 11), ("12/10", 12), ("eleven", 11), ("100", 100), ("-1", -1), ("20 out of 10", 20)]


@pytest.mark.parametrize(("typed", "value"), SCALES)
def test_a_scale_reads_numbers_as_people_type_them(typed: str, value: int) -> None:
    assert scale_value(typed) == value


@pytest.mark.parametrize("typed", NOT_A_SCALE)
def test_a_scale_asks_again_when_the_number_is_not_one(typed: str) -> None:
    assert scale_value(typed) is None


@pytest.mark.parametrize(("typed", "value"), OFF_THE_SCALE)
def test_numbers_off_the_scale_come_back_for_the_caller_to_refuse(typed: str, value: int) -> None:
    assert scale_value(typed) == value


@pytest.mark.parametrize(
    "typed",
    ["skip", "Skip", "SKIP!", "pass", "Pass.", "rather not say", "I'd rather not say", "id rather not say", "next"],
)
def test_skipping_in_words(typed: str) -> None:
    assert wants_skip(typed)


@pytest.mark.parametrize("typed", ["I skipped dinner", "passing thoughts", "no", "say what", "not telling him"])
def test_words_that_only_contain_skip_are_an_answer(typed: str) -> None:
    assert not wants_skip(typed)


def test_a_re_ask_repeats_the_question_not_the_screen_before_it() -> None:
    intro = "What I keep, and why:\n" + "• your answers to my questions, and when you gave them;\n" * 4
    screen = f"{intro}I don't keep your name.\n\n/export gives you everything, and /delete erases it. Is that OK?"
    assert question_of(screen) == "/export gives you everything, and /delete erases it. Is that OK?"
    crisis = (
        "I'd like to ask you something plainly, because it matters. " * 4
        + "Are you safe right now?\nWhatever the answer is, you can tell me."
    )
    assert question_of(crisis).endswith("Are you safe right now?\nWhatever the answer is, you can tell me.")
    example = "Some words first. " * 25 + '\nWhat will you say? Write it, or use this one:\n<i>"Tell me again?"</i>'
    assert question_of(example) == 'What will you say? Write it, or use this one:\n<i>"Tell me again?"</i>'
    assert question_of("How strong is it, 0 to 10?") == "How strong is it, 0 to 10?"
    no_question = "Here is a long explanation. " * 20 + "\n\nTap Done when you've had a few breaths."
    assert question_of(no_question) == no_question  # nothing to pick out: the step's words, whole


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("brake", "break"),
        ("chekin", "checkin"),
        ("checkn", "checkin"),
        ("reminder", "reminders"),
        ("remiders", "reminders"),
        ("progres", "progress"),
        ("prog", "progress"),
        ("hlep", "help"),
        ("exprot", "export"),
        ("soss", "sos"),
        ("restrat", "restart"),
    ],
)
def test_a_mistyped_command_has_a_likely_name(typed: str, meant: str) -> None:
    assert likely_command(typed) == meant


@pytest.mark.parametrize("typed", ["dance", "x", "pizza", "checkin", "weather"])
def test_no_likely_name_when_nothing_is_near_or_it_is_right(typed: str) -> None:
    assert likely_command(typed) is None


# ------------------------------------------------------------------ a yes or a no, then why


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("nah not like that, I just meant I'm exhausted", "no"),
        ("nah i just meant im tired", "no"),
        ("no, he's at work", "no"),
        ("No. I meant the relationship", "no"),
        ("yes, mostly", "yes"),
        ("yeah I did, it went ok", "yes"),
        ("yeah - he left again", "yes"),
        ("sure, he said he'd call", "yes"),
    ],
)
def test_a_yes_or_no_with_its_reason_after_it_is_read(typed: str, said: str) -> None:
    assert polarity(typed) is None  # not a bare yes or no ...
    assert lead_polarity(typed) == said  # ... but it opens with one


@pytest.mark.parametrize(
    "typed", ["no but maybe later", "yes, but not tonight", "no, yes", "nothing really", "okay so he left", "yes"]
)
def test_a_reason_that_turns_the_answer_round_leaves_it_unread(typed: str) -> None:
    assert lead_polarity(typed) is None


# ------------------------------------------------------------------ own words naming a button


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("half an hour", 30), ("Half an hour please", 30), ("30 mins", 30), ("30min", 30), ("an hour", 60),
        ("1hr", 60), ("1 hour", 60), ("one hour", 60), ("an hour and a half", 90), ("1.5 hours", 90),
        ("twenty minutes", 20), ("about 20 min", 20), ("quarter of an hour", 15), ("45 minutes ish", 45),
    ],
)  # fmt: skip
def test_a_length_of_time_in_words_or_figures(typed: str, value: int) -> None:
    assert minutes(typed) == value


@pytest.mark.parametrize("typed", ["20", "half", "an hour ago i texted him", "hours and hours", "tomorrow"])
def test_what_is_no_length_of_time_is_none(typed: str) -> None:
    assert minutes(typed) is None


@pytest.mark.parametrize(
    ("flow", "step", "typed", "meant"),
    [
        ("break", "how-long", "half an hour", "m30"),
        ("break", "how-long", "an hour", "h1"),
        ("break", "how-long", "20 mins pls", "m20"),
        ("break", "tell", "i cant talk to him rn", "cannot"),
        ("break", "tell", "they know", "told"),
        ("country", "pick", "im in australia", "au"),
        ("country", "pick", "I live in the UK", "gb"),
        ("country", "pick", "usa", "us"),
        ("crisis", "safe-now", "I'm safe for now I think.", "safe"),
        ("crisis", "safe-now", "not safe", "not-safe"),
        ("violence-support", "why", "some ideas please", "plan"),
        ("clarify", "ask-thoughts", "idk", "unsure"),
        ("clarify", "ask-suicide", "i dunno tbh", "unsure"),
    ],
)
def test_own_words_that_name_one_button_take_it(library: Library, flow: str, step: str, typed: str, meant: str) -> None:
    found = by_words(typed, step_choices(library, flow, step))
    assert found is not None and found.id == meant


@pytest.mark.parametrize(
    ("flow", "step", "typed"),
    [
        ("break", "how-long", "2"),  # the second button where buttons are numbered, not "2 hours"
        ("break", "how-long", "45 minutes"),  # no button of that length
        ("crisis", "safe-now", "safe but he is still here and not safe for the kids"),
        ("break", "tell", "i will tell him later maybe, or not, i dont know"),
    ],
)
def test_words_that_name_no_button_or_several_are_not_guessed(
    library: Library, flow: str, step: str, typed: str
) -> None:
    assert by_words(typed, step_choices(library, flow, step)) is None
