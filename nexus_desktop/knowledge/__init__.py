"""Content packs: folders of Markdown turned into areas, articles, quizzes and problems.

Import the submodules directly (``knowledge.loader``, ``knowledge.model``...); this package
imports nothing heavy so that start-up stays fast.
"""
