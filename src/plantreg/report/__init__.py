"""The run report: each stage's outputs turned into MultiQC custom content, then one report.

One module per stage reads that stage's files (found by their place in the results layout,
:mod:`plantreg.report.results`) and writes its sections (:mod:`plantreg.report.content`); a stage
whose files are absent writes none. :mod:`plantreg.report.multiqc` runs them all and MultiQC.
"""
