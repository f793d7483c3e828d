"""Deciding: the questionnaire, rule conditions, rules, answers and the engine (scores, trace, flips)."""
