"""Bar Raiser: practice and grading for AI product system design interviews.

The library is the product; the CLI and the web app only call it. The pipeline:
input file -> reader -> Transcript -> detect -> score -> Report -> render.
"""

__version__ = "0.1.0"
