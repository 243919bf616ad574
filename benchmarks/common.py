"""Shared by the benchmarks: the fixed, seeded set of varied intakes, and timing helpers."""

from __future__ import annotations

import os
import platform
import random
import statistics
from collections.abc import Iterator
from typing import Any

SEED = 20261125
N_INTAKES = 20_000

YES_NO = [
    "eases_with_movement", "during_sleep", "sleep_disrupted", "persistent", "pregnant", "liver_disease",
    "kidney_disease", "underactive_thyroid", "diabetes", "low_fluid_intake", "intense_exercise", "poor_diet",
    "nerve_symptoms", "numbness", "muscle_weakness", "leg_swelling", "red_warm_skin",
    "breathless_or_chest_pain", "pain_when_walking", "toxin_or_wound_exposure",
]
# Values either side of every threshold in the pack (10 minutes, 4 a week) and a few others.
DURATIONS = [0.5, 1, 2, 3, 5, 9.5, 10, 10.5, 11, 15, 30, 60]
MEDICINE_TEXTS = [
    "Lipitor 20 mg", "simvastatin", "Crestor", "ezetimibe", "Lasix", "furosemide 40mg", "bendroflumethiazide",
    "spironolactone", "Ventolin inhaler", "salmeterol", "nifedipine", "naproxen", "paracetamol", "omeprazole",
    "levothyroxine", "metformin 500mg",
]


def intakes(n: int = N_INTAKES, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` varied intakes, the same for every run: 0-8 yes/no answers (mostly "no"), and
    duration, locations, frequency and medicines each present in some. Most are distinct."""
    return list(iter_intakes(n, seed))


def iter_intakes(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """The same intakes as ``intakes``, one at a time (a million need not be held at once)."""
    rng = random.Random(seed)
    for _ in range(n):
        answers: dict[str, Any] = {}
        for name in rng.sample(YES_NO, rng.randint(0, 8)):
            answers[name] = rng.random() < 0.35
        if rng.random() < 0.75:
            answers["duration_minutes"] = rng.choice(DURATIONS)
        if rng.random() < 0.6:
            answers["locations"] = rng.sample(["calf", "foot", "thigh"], rng.randint(1, 3))
        if rng.random() < 0.5:
            answers["cramps_per_week"] = rng.randint(0, 14)
        if rng.random() < 0.4:
            answers["medications"] = rng.sample(MEDICINE_TEXTS, rng.randint(1, 3))
        yield answers


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary_us(seconds: list[float]) -> dict[str, float]:
    """Median and p99 of per-call times, in microseconds."""
    return {"median_us": statistics.median(seconds) * 1e6, "p99_us": percentile(seconds, 0.99) * 1e6}


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
