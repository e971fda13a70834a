"""ODI: the Oswestry Disability Index, version 2.1a, for how back pain affects daily life.

Each of the ten sections has six statements scored 0 (no difficulty) to 5 (most
difficulty). The index is the points scored as a share of the points possible for the
sections the person answered, as a whole-number percentage (half up), so a skipped section
does not count against them; with more than two sections skipped the index is not reliable
and is not scored (Fairbank and Pynsent's scoring guidance). The wording below is our own
paraphrase of each section's meaning, not the licensed text.

The patient portal scored the ODI itself before this engine existed, with these same
sections, statements, bands and scoring; its stored results carried over as they were.
"""

from __future__ import annotations

from .base import PAIN_MANAGEMENT, Band, ChoiceItem, Instrument, Loinc, Method, Option


def _section(key: str, title: str, statements: tuple[str, ...]) -> ChoiceItem:
    """A section whose statements score 0, 1, 2... in the order given."""
    return ChoiceItem(
        key, title, tuple(Option(score, text) for score, text in enumerate(statements))
    )


ODI = Instrument(
    code="odi",
    short_title="ODI",
    title="How back pain affects daily life (ODI)",
    purpose="Ten short sections about how your back pain affects everyday things like "
    "sitting, walking and sleep. It helps you and your team see changes over time.",
    licence="Oswestry Disability Index 2.1a © Jeremy Fairbank, licensed through Mapi Research "
    "Trust (eprovide.mapi-trust.org). We show our own paraphrase of each section's meaning, "
    "not the licensed text; the clinic may put in the official wording where its licence "
    "with Mapi Research Trust allows.",
    discipline=PAIN_MANAGEMENT,
    instructions="For each section, choose the one sentence that fits you best today. You "
    "can skip a section that does not apply.",
    items=(
        _section(
            "pain_intensity",
            "How strong your pain is right now",
            (
                "I have no pain at the moment.",
                "My pain is very mild at the moment.",
                "My pain is moderate at the moment.",
                "My pain is fairly severe at the moment.",
                "My pain is very severe at the moment.",
                "My pain is the worst I can imagine at the moment.",
            ),
        ),
        _section(
            "personal_care",
            "Looking after yourself (washing, dressing)",
            (
                "I can look after myself as usual without extra pain.",
                "I can look after myself as usual, but it hurts a lot.",
                "Looking after myself hurts, so I go slowly and carefully.",
                "I need some help, but I manage most of my own care.",
                "I need help every day with most of my own care.",
                "I cannot get dressed, I wash with difficulty and I stay in bed.",
            ),
        ),
        _section(
            "lifting",
            "Lifting",
            (
                "I can lift heavy things without extra pain.",
                "I can lift heavy things, but it gives me extra pain.",
                "Pain stops me lifting heavy things off the floor, but I can manage them "
                "if they are placed well, for example on a table.",
                "Pain stops me lifting heavy things, but I can manage light to medium things "
                "if they are placed well.",
                "I can lift only very light things.",
                "I cannot lift or carry anything.",
            ),
        ),
        _section(
            "walking",
            "Walking",
            (
                "Pain does not stop me walking any distance.",
                "Pain stops me walking more than about 1.5 kilometres (1 mile).",
                "Pain stops me walking more than about 800 metres (half a mile).",
                "Pain stops me walking more than about 400 metres (a quarter of a mile).",
                "I can only walk with a stick or crutches.",
                "I am in bed most of the time.",
            ),
        ),
        _section(
            "sitting",
            "Sitting",
            (
                "I can sit in any chair for as long as I like.",
                "I can sit in my favourite chair for as long as I like.",
                "Pain stops me sitting for more than an hour.",
                "Pain stops me sitting for more than half an hour.",
                "Pain stops me sitting for more than ten minutes.",
                "Pain stops me sitting at all.",
            ),
        ),
        _section(
            "standing",
            "Standing",
            (
                "I can stand for as long as I like without extra pain.",
                "I can stand for as long as I like, but it gives me extra pain.",
                "Pain stops me standing for more than an hour.",
                "Pain stops me standing for more than half an hour.",
                "Pain stops me standing for more than ten minutes.",
                "Pain stops me standing at all.",
            ),
        ),
        _section(
            "sleeping",
            "Sleeping",
            (
                "Pain never disturbs my sleep.",
                "Pain sometimes disturbs my sleep.",
                "Because of pain I sleep less than 6 hours.",
                "Because of pain I sleep less than 4 hours.",
                "Because of pain I sleep less than 2 hours.",
                "Pain stops me sleeping at all.",
            ),
        ),
        _section(
            "sex_life",
            "Sex life (if this applies to you)",
            (
                "My sex life is normal and gives me no extra pain.",
                "My sex life is normal, but it gives me some extra pain.",
                "My sex life is nearly normal, but it is very painful.",
                "Pain limits my sex life a great deal.",
                "Because of pain I have nearly no sex life.",
                "Pain stops me having any sex life.",
            ),
        ),
        _section(
            "social_life",
            "Social life",
            (
                "My social life is normal and gives me no extra pain.",
                "My social life is normal, but it makes my pain worse.",
                "Pain only affects my more energetic interests, such as sport.",
                "Pain has cut down my social life and I go out less often.",
                "Pain has limited my social life to my home.",
                "Because of pain I have no social life.",
            ),
        ),
        _section(
            "travelling",
            "Travelling",
            (
                "I can travel anywhere without pain.",
                "I can travel anywhere, but it gives me extra pain.",
                "Pain is bad, but I manage journeys of over two hours.",
                "Pain limits me to journeys of less than an hour.",
                "Pain limits me to short, necessary journeys of under half an hour.",
                "Pain stops me travelling except to get medical treatment.",
            ),
        ),
    ),
    method=Method.PERCENT_OF_POSSIBLE,
    # Scoring guidance: with more than two sections left blank the index is not reliable.
    min_answered=8,
    interval_days=28,
    # Read on loinc.org/97909-6; the FHIR export codes the total's Observation with it.
    panel_code=Loinc("97908-8", "Oswestry Disability Index"),
    total_code=Loinc("97909-6", "Oswestry disability index score ODI"),
    # The traditional labels for the two highest bands ("crippled", "bed-bound") are kept for
    # the care team; patients read gentler words that describe the same level.
    bands=(
        Band(
            0,
            20,
            "Minimal disability",
            "Your back pain has a small effect on daily life.",
        ),
        Band(
            21,
            40,
            "Moderate disability",
            "Your back pain makes some everyday tasks, like sitting, lifting or travelling, "
            "harder.",
        ),
        Band(
            41,
            60,
            "Severe disability",
            "Your back pain makes many everyday tasks hard. Your care team will look at this "
            "with you.",
        ),
        Band(
            61,
            80,
            "Crippled",
            "Your back pain is affecting most parts of your daily life. "
            "Your care team will talk with you about more support.",
        ),
        Band(
            81,
            100,
            "Bed-bound or symptoms overstated",
            "Your back pain is affecting almost everything you do. "
            "Please talk with your care team soon about how you are coping.",
        ),
    ),
    too_few_message="Please answer at least {minimum} of the {count} sections so the score "
    "means something.",
)
