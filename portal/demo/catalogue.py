"""Fictional people and the taxonomy terms the demo site uses."""

PEOPLE = [
    {
        "name": "Hannah Lee",
        "slug": "hannah-lee",
        "credentials": "MD",
        "role": "physician",
        "job_title": "Consultant in pain medicine",
        "bio": "Hannah leads the clinic's hypermobility service. She treats spine pain with a mix "
        "of exercise, pacing and, when they help, targeted injections.",
    },
    {
        "name": "Jordan Morgan",
        "slug": "jordan-morgan",
        "credentials": "DPT",
        "role": "physical_therapist",
        "job_title": "Lead physical therapist",
        "bio": "Jordan runs the stability programme and teaches patients to build strength "
        "slowly, without flaring their pain.",
    },
    {
        "name": "Priya Rivera",
        "slug": "priya-rivera",
        "credentials": "PsyD",
        "role": "psychologist",
        "job_title": "Clinical psychologist",
        "bio": "Priya helps people live well with long-term pain, with a focus on sleep, worry "
        "and getting back to the things that matter.",
    },
    {
        "name": "Samuel Okafor",
        "slug": "samuel-okafor",
        "credentials": "MD",
        "role": "physician",
        "job_title": "Consultant in pain medicine and medical reviewer",
        "bio": "Samuel checks every patient page for clinical accuracy before it is published.",
    },
]

TOPICS = {
    "Hypermobility": "Bendy joints, loose ligaments and what they mean for your back.",
    "Lower back pain": "Why the lower back hurts and what helps.",
    "Exercise and movement": "Building strength and control safely.",
    "Everyday life": "Work, sleep, lifting and pacing your day.",
    "Mental health and coping": "Stress, mood and living well with pain.",
    "Safety": "Warning signs and when to get urgent help.",
    "Tests and treatments": "Scans, injections and other treatments explained.",
}

CONDITIONS = {
    "Hypermobility spectrum disorder": "Joint hypermobility with symptoms (HSD).",
    "Hypermobile Ehlers-Danlos syndrome": "An inherited connective tissue condition (hEDS).",
    "Lower back pain": "Pain between the bottom of the ribs and the buttocks.",
    "Sciatica": "Pain that spreads down the leg from an irritated spinal nerve.",
    "Facet joint pain": "Pain from the small joints at the back of the spine.",
}

CONTRAINDICATIONS = {
    "Deep stretching": "Stretching joints to or past the end of their range.",
    "High-impact exercise": "Running, jumping and other jarring activity.",
    "Heavy lifting": "Lifting loads heavier than your care team has agreed.",
    "Unsupported balance training": "Balance work without something steady to hold.",
    "Blood-thinning medicine": "Anticoagulant medicine that needs planning before injections.",
}
