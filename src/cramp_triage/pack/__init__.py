"""The rule pack as data: the file schema, the condition language, the medicine vocabulary,
loading with every cross-check, and the answers worth trying for each question."""

from .rulepack import INTAKE_FIELD_KINDS, FactKey, RulePack, default_rules_path
from .schema import CONCLUSION_KINDS, LAYERS, Conclusion, Manifest, Rule, Terms
from .vocabulary import Vocabulary

__all__ = ["CONCLUSION_KINDS", "INTAKE_FIELD_KINDS", "LAYERS", "Conclusion", "FactKey", "Manifest", "Rule",
           "RulePack", "Terms", "Vocabulary", "default_rules_path"]
