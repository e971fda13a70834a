"""The demo's exercise library: stability work suited to loose joints, in our own words
(fictional clinic material, not medical advice)."""

from __future__ import annotations

from .models import Difficulty

# slug: (name, purpose, steps, cautions, difficulty, contraindication tag names, colour)
LIBRARY: dict[str, tuple[str, str, list[str], str, int, tuple[str, ...], str]] = {
    "dead-bug": (
        "Dead bug",
        "Teaches the deep tummy muscles to hold your lower back steady while your arms and "
        "legs move.",
        [
            "Lie on your back, knees bent over your hips, arms pointing at the ceiling.",
            "Gently draw your belly button towards your spine; keep your back still on the floor.",
            "Slowly lower one heel towards the floor, only as far as your back stays still.",
            "Bring it back and swap sides. Breathe out as the leg goes down.",
        ],
        "Keep the movement small. If your back arches or clicks, bring the leg back sooner.",
        Difficulty.GENTLE,
        (),
        "#dbeafe",
    ),
    "bird-dog": (
        "Bird dog",
        "Builds control of the spine and hips on all fours, without bending into the end of "
        "any joint.",
        [
            "Kneel on all fours, hands under shoulders, knees under hips.",
            "Set your back level, like a table top, and keep it there.",
            "Slide one leg back along the floor, then lift it only to hip height.",
            "Hold, return, and swap sides. Add the opposite arm when this feels easy.",
        ],
        "Do not lock your elbows; keep a soft bend if they tend to overextend.",
        Difficulty.MODERATE,
        (),
        "#dcfce7",
    ),
    "side-plank-on-knees": (
        "Side plank on knees",
        "Strengthens the muscles along the side of the trunk that keep the pelvis level.",
        [
            "Lie on your side, propped on your forearm, elbow under your shoulder, knees bent.",
            "Lift your hips so your body is straight from knees to head.",
            "Hold without letting the top hip roll forwards or back.",
            "Lower gently and rest before the next one.",
        ],
        "Stop if your shoulder aches or feels loose; push the floor away rather than sagging.",
        Difficulty.MODERATE,
        (),
        "#fef3c7",
    ),
    "glute-bridge": (
        "Glute bridge",
        "Wakes up the buttock muscles, which support the lower back and the pelvis.",
        [
            "Lie on your back, knees bent, feet flat and hip-width apart.",
            "Squeeze your buttocks and lift your hips until your body is in a line.",
            "Hold, keeping your ribs down; do not push your back into an arch.",
            "Lower slowly, one part of the spine at a time.",
        ],
        "If you feel it mostly in your hamstrings, bring your heels a little closer.",
        Difficulty.GENTLE,
        (),
        "#fce7f3",
    ),
    "wall-sit": (
        "Wall sit",
        "Builds steady strength in the thighs and around the knees without any impact.",
        [
            "Stand with your back against a wall, feet a stride away from it.",
            "Slide down until your knees are bent about halfway, never past 90 degrees.",
            "Keep your knees over your feet, not falling inwards.",
            "Hold, then slide back up using your legs.",
        ],
        "Choose a shallow bend at first; knees that bend backwards should stay soft, not locked.",
        Difficulty.MODERATE,
        (),
        "#e0e7ff",
    ),
    "single-leg-balance": (
        "Single-leg balance",
        "Trains the small muscles and the sense of position that keep ankles and knees steady.",
        [
            "Stand next to a kitchen counter, one hand resting on it.",
            "Shift your weight onto one foot and lift the other a little off the floor.",
            "Keep a soft knee and a level pelvis; look at a point ahead of you.",
            "Hold, then swap legs. Lighten your hand on the counter as you improve.",
        ],
        "Always have something steady within reach. Stop if you feel dizzy.",
        Difficulty.GENTLE,
        ("Unsupported balance training",),
        "#ccfbf1",
    ),
    "clamshell": (
        "Clamshell",
        "Strengthens the muscles on the outside of the hip that keep the knee in line.",
        [
            "Lie on your side with hips and knees bent, feet together.",
            "Keep your feet touching and lift the top knee a little way.",
            "Do not let your top hip roll backwards.",
            "Lower slowly and repeat.",
        ],
        "A small, controlled lift is the goal; lifting higher only rolls the pelvis.",
        Difficulty.GENTLE,
        (),
        "#ede9fe",
    ),
}

# Alex's programme: version 1 (3.5 weeks ago), then version 2 (10 days ago).
FIRST = {
    "dead-bug": {"sets": 2, "repetitions": 6, "hold_seconds": 3, "days_per_week": 5},
    "glute-bridge": {"sets": 2, "repetitions": 8, "hold_seconds": 5, "days_per_week": 5},
    "bird-dog": {"sets": 2, "repetitions": 6, "hold_seconds": 5, "days_per_week": 5},
}
SECOND_ADD = (
    "side-plank-on-knees",
    {
        "sets": 2,
        "repetitions": 3,
        "hold_seconds": 15,
        "days_per_week": 3,
        "note": "Rest a day between.",
    },
)
SECOND_CHANGE = (
    "glute-bridge",
    {"sets": 3, "repetitions": 8, "hold_seconds": 5, "days_per_week": 5},
)
FIRST_DAYS_AGO = 24
SECOND_DAYS_AGO = 10
# (days ago, done/partly/not for each exercise in the version then, effort, pain during)
SESSIONS = [
    (22, "done", "right", 3),
    (20, "partly", "too-hard", 5),
    (17, "done", "right", 3),
    (15, "done", "too-easy", 2),
    (13, "not", "", None),
    (9, "done", "right", 3),
    (7, "partly", "right", 4),
    (5, "done", "right", 3),
    (2, "done", "too-easy", 2),
]
