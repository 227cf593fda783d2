"""Pure study logic (no SQLAlchemy, no Qt): anchoring passages, progress rules, the learning
path, quiz grading and scheduling. Functions of records and a clock passed in."""
