"""Deterministic synthetic loan applicants, call records and planted fraud structures.

The generator writes carrier bills, an edge list, the loan system's records and a truth
file that names every planted ring, for evaluation, tests and benchmarks. Start with
:func:`generate_population`; ``docs/generator.md`` describes the files.
"""

from generator.parameters import GenerationParameters, GeneratorError, PlantedCounts
from generator.population import GenerationSummary, generate_population

__all__ = [
    "GenerationParameters",
    "GenerationSummary",
    "GeneratorError",
    "PlantedCounts",
    "generate_population",
]
