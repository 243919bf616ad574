"""Triage one intake from Python and print the level, causes and the rules that fired."""

from cramp_triage import Intake, triage

result = triage(Intake(duration_minutes=3, locations=["calf"], during_sleep=True, pregnant=True))
print(result.level.value)
print([cause.category for cause in result.causes])
print([step.rule for step in result.trace])
