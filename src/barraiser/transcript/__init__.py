"""The Transcript type every input becomes, and the readers that build it."""

from barraiser.transcript.model import Transcript, Turn, WORDS_PER_MINUTE

__all__ = ["Transcript", "Turn", "WORDS_PER_MINUTE"]
