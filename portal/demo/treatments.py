"""The four demo treatment pages, written for this project in plain language.

Sections are lists of blocks: a string is a paragraph, ("h3", text) a subheading,
("list", [items]) a bulleted list and (kind, title, text) a callout.
"""

URGENT_AFTER_PROCEDURE = (
    "urgent",
    "Get help straight away",
    "Call 999 or go to the emergency department if you have new weakness or numbness in "
    "your legs, lose control of your bladder or bowels, get a fever with a severe headache "
    "or a stiff neck, or your pain becomes severe and does not settle.",
)

TREATMENTS = [
    {
        "title": "Epidural steroid injections",
        "slug": "epidural-steroid-injections",
        "summary": "An injection of steroid medicine near an irritated spinal nerve. It can "
        "calm leg pain from a trapped nerve for weeks or months, so you can get moving again.",
        "author": "hannah-lee",
        "reviewer": "samuel-okafor",
        "conditions": ["Sciatica", "Lower back pain"],
        "contraindications": ["Blood-thinning medicine"],
        "sections": {
            "what_it_is": [
                "Spinal nerves leave the spine through small gaps. If a disc bulges or the gap "
                "narrows, a nerve can become swollen and sore. The pain often spreads down the "
                "leg. This is called sciatica or radicular pain.",
                "An epidural steroid injection puts a small dose of anti-inflammatory steroid "
                "and usually a numbing medicine into the space around the nerve. The aim is to "
                "calm the swelling so the pain settles.",
                "It does not fix a bulging disc or make the spine stronger. It gives you a "
                "window of less pain so you can keep active and build strength.",
            ],
            "who_it_helps": [
                "It works best for pain that spreads down one leg from a nerve, rather than "
                "back pain on its own. Your doctor will look at your symptoms, examine you and "
                "check any scans before suggesting it.",
                (
                    "list",
                    [
                        "Leg pain from a trapped or irritated nerve, lasting more than a few weeks",
                        "Pain that stops you doing your exercises or sleeping",
                        "People who want to avoid or delay surgery",
                    ],
                ),
                (
                    "info",
                    "If you have hypermobility",
                    "Loose joints do not stop you having this injection. It is used alongside "
                    "stability training, not instead of it.",
                ),
            ],
            "what_to_expect": [
                ("h3", "Before"),
                "Tell us if you take medicine that thins your blood, have diabetes, have an "
                "infection, or could be pregnant. You may need to pause some medicines for a "
                "few days. We will tell you exactly what to do.",
                ("h3", "On the day"),
                "You lie on your front on a special table. The doctor cleans your skin and "
                "numbs it. Using a live X-ray to guide the needle, they inject the medicine. "
                "It takes about 15 to 20 minutes. Most people say it feels like pressure and a "
                "short ache.",
                ("h3", "Afterwards"),
                "You rest for about 30 minutes before going home. Someone should drive you. "
                "Your leg may feel numb or heavy for a few hours from the numbing medicine.",
            ],
            "risks": [
                "Most people have no serious problems. Common, short-lived effects include:",
                (
                    "list",
                    [
                        "Soreness where the needle went in for a day or two",
                        "A flare of pain for a few days before it improves",
                        "Flushed face, poor sleep or raised blood sugar for a few days",
                    ],
                ),
                "Rare but serious problems include infection, bleeding near the spine, a "
                "headache from a leak of spinal fluid, and nerve damage.",
                URGENT_AFTER_PROCEDURE,
            ],
            "recovery": [
                "Go back to gentle walking the same day. Return to work and your normal "
                "exercises the next day unless we tell you otherwise.",
                "The steroid starts to work after 2 to 7 days. Relief can last weeks or "
                "months. Use this time to keep up your stability exercises, because that is "
                "what keeps the benefit going.",
                (
                    "tip",
                    "Keep a pain diary",
                    "Write down your pain and what you managed each day for two weeks. It helps "
                    "us decide whether a repeat injection makes sense.",
                ),
            ],
        },
        "faqs": [
            (
                "How many injections can I have?",
                "Most people have no more than three or four a year. Steroids can affect bones "
                "and blood sugar, so we space them out.",
            ),
            (
                "Will I be asleep?",
                "No. You stay awake and the skin is numbed. Some clinics offer light sedation if "
                "you are very anxious. Ask us before the day.",
            ),
            (
                "What if it does not work?",
                "About half of people get good relief. If yours does not help, we will talk "
                "about other options, such as a different injection, more therapy, or seeing a "
                "surgeon.",
            ),
        ],
    },
    {
        "title": "Radiofrequency ablation",
        "slug": "radiofrequency-ablation",
        "summary": "Heat from a fine needle switches off the small nerves that carry pain from "
        "the joints at the back of the spine. Relief often lasts six months to a year.",
        "author": "hannah-lee",
        "reviewer": "samuel-okafor",
        "conditions": ["Facet joint pain", "Lower back pain"],
        "contraindications": ["Blood-thinning medicine"],
        "sections": {
            "what_it_is": [
                "The facet joints are small joints at the back of the spine. When they are "
                "sore, the pain is usually in the lower back and may spread into the buttocks. "
                "Tiny nerves called medial branch nerves carry that pain.",
                "Radiofrequency ablation (also called RFA or denervation) uses a needle with a "
                "heated tip to stop these small nerves sending pain signals. It does not "
                "affect the nerves that move your legs or give them feeling.",
                "The nerves slowly grow back, so the pain may return after some months. The "
                "treatment can be repeated.",
            ],
            "who_it_helps": [
                "It is for back pain that comes from the facet joints. To check this, you "
                "first have one or two test injections of numbing medicine near the nerves. If "
                "your usual pain drops a lot for a few hours, the joints are likely the cause.",
                (
                    "list",
                    [
                        "Long-lasting low back pain, worse when bending backwards or twisting",
                        "A good but short response to the test injections",
                        "Pain that makes it hard to keep up your exercise programme",
                    ],
                ),
            ],
            "what_to_expect": [
                ("h3", "Before"),
                "As with other spinal injections, tell us about blood thinners, diabetes, "
                "infections, pacemakers or other implants, and pregnancy.",
                ("h3", "On the day"),
                "You lie on your front. The doctor numbs the skin and uses X-ray to guide each "
                "needle. They check the needle position with a small electrical test. You may "
                "feel tingling or a deep ache. Then the tip is heated for about 90 seconds at "
                "each spot. The whole procedure takes 30 to 60 minutes.",
                ("h3", "Afterwards"),
                "You rest for a short time and then go home with someone else driving.",
            ],
            "risks": [
                "Common effects are soreness for one to two weeks, a burning or sunburn-like "
                "feeling over the back, and bruising.",
                "Rare problems include infection, bleeding, and damage to a nearby nerve.",
                (
                    "warning",
                    "A flare is normal",
                    "Pain can get worse for up to two weeks before it gets better. This does not "
                    "mean the treatment has failed.",
                ),
                URGENT_AFTER_PROCEDURE,
            ],
            "recovery": [
                "Rest on the day, then walk a little more each day. Avoid heavy lifting for a "
                "week.",
                "Most people notice the benefit after two to four weeks. Use it to build core "
                "and hip strength with your physical therapist, so your back is steadier when "
                "the nerves grow back.",
            ],
        },
        "faqs": [
            (
                "Will my back feel numb?",
                "No. Only the small nerves to the facet joints are treated. Your skin and legs "
                "should feel normal once the numbing medicine wears off.",
            ),
            (
                "How long does it last?",
                "Often six to twelve months, sometimes longer. It can be repeated if it helped "
                "before.",
            ),
            (
                "Is it safe with hypermobility?",
                "Yes, it can be. Loose joints can strain the facet joints, so this treatment is "
                "sometimes useful. It works best alongside a stability programme.",
            ),
        ],
    },
    {
        "title": "Prolotherapy",
        "slug": "prolotherapy",
        "summary": "A course of injections into loose or strained ligaments, meant to trigger "
        "healing and tighten them. The evidence is mixed, so we only offer it after talking "
        "it through.",
        "author": "hannah-lee",
        "reviewer": "samuel-okafor",
        "conditions": [
            "Hypermobility spectrum disorder",
            "Hypermobile Ehlers-Danlos syndrome",
            "Lower back pain",
        ],
        "contraindications": ["Blood-thinning medicine"],
        "sections": {
            "what_it_is": [
                "Ligaments are strong bands that hold joints together. In hypermobility they "
                "can be loose, which lets joints move too far and strain.",
                "Prolotherapy means injecting a mild irritant, usually a sugar (dextrose) "
                "solution, where ligaments attach to bone. The idea is that a small, "
                "controlled irritation prompts the body to lay down new tissue.",
                (
                    "info",
                    "What the research says",
                    "Some studies show less pain after a course of prolotherapy, and others show "
                    "little difference. We will tell you honestly what is and is not known before "
                    "you decide.",
                ),
            ],
            "who_it_helps": [
                "It may help people whose pain seems to come from loose, strained ligaments, "
                "such as around the pelvis (sacroiliac joints) or the lower spine, when "
                "exercise alone has not been enough.",
                "It is not a first treatment. You will usually have tried a stability "
                "programme for at least three months first.",
            ],
            "what_to_expect": [
                "A course is usually three to six sessions, a few weeks apart. Each visit takes "
                "about 30 minutes.",
                "The skin is cleaned and numbed. The doctor may use ultrasound to guide a thin "
                "needle to several points. You may feel pressure and a deep ache.",
                "Avoid anti-inflammatory painkillers such as ibuprofen for a few days before "
                "and after, because they may dampen the healing response. Paracetamol is fine.",
            ],
            "risks": [
                "Expect soreness and stiffness for two to five days after each session.",
                "Less common are bruising, a short rise in pain, and infection. Very rarely, "
                "a needle can reach a nerve or, near the chest, the lining of the lung.",
                URGENT_AFTER_PROCEDURE,
            ],
            "recovery": [
                "Take it easy for a day or two, then return to your usual activity and "
                "exercises. Heat and gentle walking help with soreness.",
                "Keep up your stability exercises throughout the course. New tissue needs "
                "steady, gentle load to become strong.",
                (
                    "tip",
                    "Pace yourself",
                    "Plan a lighter day after each session rather than pushing through the ache.",
                ),
            ],
        },
        "faqs": [
            (
                "How soon will I notice a difference?",
                "Changes are slow. Most people judge the result a few months after the last "
                "session.",
            ),
            (
                "Is prolotherapy the same as a steroid injection?",
                "No. Steroids calm inflammation. Prolotherapy aims to cause a small, useful "
                "inflammation that prompts healing.",
            ),
            (
                "Will it make my joints stiff?",
                "No. The aim is a little more support from the ligaments, not stiff joints.",
            ),
        ],
    },
    {
        "title": "Stabilisation physical therapy",
        "slug": "stabilisation-physical-therapy",
        "summary": "A guided exercise programme that builds the deep muscles that hold your "
        "spine steady. For hypermobile backs, it is the main treatment, and it helps other "
        "treatments last.",
        "author": "jordan-morgan",
        "reviewer": "samuel-okafor",
        "conditions": [
            "Hypermobility spectrum disorder",
            "Hypermobile Ehlers-Danlos syndrome",
            "Lower back pain",
        ],
        "contraindications": ["Deep stretching", "High-impact exercise", "Heavy lifting"],
        "sections": {
            "what_it_is": [
                "When ligaments are loose, muscles have to do more of the work of holding the "
                "spine steady. Stabilisation therapy trains those muscles, especially the deep "
                "ones around the trunk and hips.",
                "It also trains your sense of where your joints are (proprioception), so your "
                "body can catch a wobble before it turns into a strain.",
                "The goal is control and stability, not more flexibility.",
                (
                    "warning",
                    "Avoid deep stretching",
                    "If your joints are already very flexible, stretching them further can make "
                    "them less stable and more painful. Your therapist will show you gentle "
                    "movement that keeps you supple without overstretching.",
                ),
            ],
            "who_it_helps": [
                "Almost everyone with a hypermobile, painful back. It is also useful before and "
                "after injections, so the benefit lasts longer.",
                "It suits people who are ready to practise a little every day. Progress comes "
                "from small, regular sessions rather than hard workouts.",
            ],
            "what_to_expect": [
                ("h3", "Your first visit"),
                "Your physical therapist asks about your pain, daily life and goals. They look "
                "at how you move, stand and lift, and check which joints move too far.",
                ("h3", "The programme"),
                "You usually have sessions every one to two weeks for about three months. You "
                "learn a short home programme of 15 to 20 minutes a day.",
                (
                    "list",
                    [
                        "Gentle activation of deep trunk muscles, lying down at first",
                        "Slow, controlled movements for the hips and shoulders",
                        "Balance work with something steady to hold",
                        "Safe ways to bend, lift and carry in daily life",
                        "Low-impact fitness such as walking, swimming or a static bike",
                    ],
                ),
            ],
            "risks": [
                "Exercise is very safe. Muscles may ache for a day or two when you start or "
                "step up. That is normal.",
                "Sharp pain, a joint that slips out of place, or pain that is worse the next "
                "morning means you did too much. Drop back to the last level that felt fine "
                "and tell your therapist.",
                (
                    "red_flag",
                    "Stop and get help",
                    "New numbness or weakness in your legs, loss of bladder or bowel control, or "
                    "severe pain after a fall need urgent care. Call 999 or go to the emergency "
                    "department.",
                ),
            ],
            "recovery": [
                "There is no recovery time as such: the programme becomes part of your week. "
                "Most people feel steadier after six to eight weeks.",
                "Flares can still happen. Keep moving gently, go back a step in your programme "
                "and pace your day. Your therapist will help you plan for flares.",
                (
                    "tip",
                    "Little and often",
                    "Two short sessions a day beat one long one. Pair your exercises with "
                    "something you already do, like boiling the kettle.",
                ),
            ],
        },
        "faqs": [
            (
                "Should I do yoga or Pilates?",
                "Pilates-style control work can help. Some yoga poses push joints to the end of "
                "their range, which is not good for hypermobile joints. Ask your therapist which "
                "moves to skip.",
            ),
            (
                "Can I keep going to the gym?",
                "Yes, with lighter weights, slow control and no locking out your joints. Your "
                "therapist can adapt your plan.",
            ),
            (
                "How long until it helps?",
                "Many people notice less pain and more confidence in six to eight weeks. Keep "
                "going: strength keeps building for months.",
            ),
        ],
    },
]
