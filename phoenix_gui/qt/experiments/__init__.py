"""The window's experiments: Simulation ▸ Experiment… and the sweep charts.

``dialog`` (ExperimentDialog: choose 1–2 parameters, values, replicates, duration and metric;
runs in background processes with progress and Cancel), ``figure`` (ExperimentFigure: line with
a 95 % band, or heatmaps of mean and spread; click a run to open it), ``sweep_job`` (the
background sweep as Qt signals) and ``figure_png`` (the same chart to a PNG, for
`phoenix-flight sweep --plot`). The sweeps themselves are :mod:`phoenix_gui.experiments`.
"""
