"""The one place that speaks SQL: tables, engine, schema check, edits, the Project facade."""
