"""Full-text search over content packs with Whoosh (the maintained ``whoosh-reloaded`` fork).

``search.analysis``: the analyzer for technical text; ``search.index``: one index per pack,
built and updated incrementally; ``search.query``: parsing, ranking, snippets, suggestions.
"""
