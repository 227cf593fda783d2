"""The study record in SQLite: the only package that imports SQLAlchemy and Alembic.

``records`` holds the frozen records handed to the layers above (importing it costs nothing);
``database`` opens, migrates, backs up and checks the file; ``repositories`` reads and writes
records inside a session; ``writer`` runs every database job on one thread.
"""
