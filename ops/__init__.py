"""Running the project: training, the process stack, make run."""
