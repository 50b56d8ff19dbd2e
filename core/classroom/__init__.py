"""The classroom loop: exercises, student workspaces, collecting, grading, feedback."""
