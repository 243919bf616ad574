"""A commented scenario file to start from (``cramp-triage scenarios new``)."""

from __future__ import annotations

TEMPLATE = """\
# A teaching scenario: one patient vignette and what the rules should conclude.
# Run it with:  cramp-triage scenarios run {file}
# Explore it:   cramp-triage scenarios what-if {file} --change pregnant=true

# A short name, lower-case words joined by hyphens, unique in your library.
id: {id}
title: A short calf cramp that wakes her at night
tags: [typical, idiopathic]

# The answers, with the same field names as the library (`cramp-triage schema intake` lists
# them). Leave a field out when the answer is not known: "don't know" is not the same as "no".
# The tool reassures only when every warning-sign question is answered, so they all are here.
given:
  duration_minutes: 2          # how long one cramp lasts
  locations: [calf]            # any of calf, foot, thigh
  during_sleep: true
  eases_with_movement: true
  cramps_per_week: 1
  age_years: 45
  pregnant: false
  leg_swelling: none           # one_leg, both_legs or none
  red_warm_skin: false
  breathless_or_chest_pain: false
  toxin_or_wound_exposure: false
  bladder_or_bowel_change: false
  muscle_weakness: false
  numbness: false
  nerve_symptoms: false
  pain_when_walking: false
  sleep_disrupted: false
  persistent: false
  # medications: ["Lipitor 20 mg"]

# What the rules should conclude. Only what you list is checked.
expect:
  level: self_care             # or min_level / max_level: self_care, see_professional, urgent, emergency
  causes_include: [idiopathic] # cause categories that must be named (causes_exclude: must not)
  # serious_include: [possible_dvt]        # red flags that must drive the level
  # see_include: [gp]                      # whom the person must be told to see
  rules_fired_include: [OB-TYPICAL, SC-REASSURE, SC-STRETCH]
  rules_not_fired: [RF-DVT]
  # unanswered_include: [leg_swelling]     # warning-sign questions left unanswered
  # text_include: ["usually harmless"]     # words the person must read (text_exclude: must not)

# Shown with the result: what this case teaches, in plain words.
teaching_note: >-
  A short cramp in the calf at night that eases when she moves is the ordinary picture of
  night cramps. Nothing points to a cause, so the cramps are called idiopathic, and
  self-care is enough.

# Several variants of one vignette: replace `expect` above with `cases`, each with a name,
# the answers it changes and its own expectations, for example:
# cases:
#   - name: as-written
#     expect: {{level: self_care}}
#   - name: with-a-swollen-calf
#     given: {{leg_swelling: one_leg}}
#     expect: {{level: urgent, serious_include: [possible_dvt]}}
"""


def template(scenario_id: str = "my-first-scenario", file: str = "my-first-scenario.scenario.yaml") -> str:
    """A commented scenario file to start from; it is valid and passes on the shipped pack."""
    return TEMPLATE.format(id=scenario_id, file=file)
