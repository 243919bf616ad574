"""The guided interview: the questions (data), which one to ask next (decided by the rules), and
how to read what a person types. No I/O here: the CLI asks and prints."""

from .answers import UNKNOWN, parse_answer
from .flow import Interview, interview_for, next_question
from .questionnaire import questionnaire
from .questions import QUESTIONS_FILE, Question, load_questions, questions_path
from .relevance import Relevance

__all__ = ["QUESTIONS_FILE", "UNKNOWN", "Interview", "Question", "Relevance", "interview_for", "load_questions",
           "next_question", "parse_answer", "questionnaire", "questions_path"]
