"""The "where will it look?" quiz: questions on fresh examples, scored against the model.

from attention_viz.quiz import make_round, score, summarize
"""

from attention_viz.quiz.questions import Question, Score, Summary, score, summarize
from attention_viz.quiz.rounds import MAX_QUESTIONS, MAX_SEED, TASKS, make_round

__all__ = [
    "MAX_QUESTIONS",
    "MAX_SEED",
    "TASKS",
    "Question",
    "Score",
    "Summary",
    "make_round",
    "score",
    "summarize",
]
