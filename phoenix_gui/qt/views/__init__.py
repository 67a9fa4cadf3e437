"""What sits in the middle of the window: one view per paradigm (``ring/`` for the Phoenix token
ring, ``cluster/`` for Kubernetes nodes and pods, ``agents/`` for LLM agent cards) and what
views share: ``palette`` (member colours), ``flights`` (migrating tasks in the air), ``board``
(the cached picture the cluster and agent views draw on), ``narration`` (a step in words), and
``stack`` (the view of the run's paradigm over the narration line).

Views draw immutable snapshots handed to them by a binding that listens to the adapter; a view
never imports the engine's simulation, the shell, the panels or the document.
"""
