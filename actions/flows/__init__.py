"""The dialogue's flows as plain functions of a Turn, below the actions: walk (materials), topics, choosing
(which service), handoff, routing (what a turn is before the chosen action). Actions call these, never each other."""
