/*
 * REPORT: one MultiQC report of the run (multiqc/multiqc_report.html): each stage's metrics
 * tables and figures, the split, windows dropped, promoters clipped, software versions and the
 * parameters. It runs last: it takes the outputs it reads from every stage that ran.
 *
 * The one-machine runner (`plantreg run`) runs the same step:
 *   MULTIQC
 */

include { MULTIQC } from '../../../modules/local/multiqc'

workflow REPORT {

    take:
    ch_params              // channel: [ val(meta), path(params.json) ]  the run's params
    ch_split               // channel: path(split.json)
    ch_windows             // channel: path(windows.report.tsv)
    ch_promoters           // channel: [ path(promoters.tsv), path(promoters.report.tsv) ]
    ch_chromatin           // channel: [ path(evaluate/) ]  TRAIN_CHROMATIN's evaluation folder
    ch_cross_species       // channel: [ path(score/) ], or [] when the target is not scored
    ch_coexpression        // channel: [ path(evaluate/) ], or [] without TRAIN_COEXPRESSION
    ch_conservation        // channel: [ path(evaluate/) ], or [] without TRAIN_CONSERVATION
    ch_conservation_search // channel: [ path(odd/), path(even/) ]  each half's search, or []
    ch_tfbs                // channel: [ path(summary/) ], or [] without TRAIN_TFBS
    ch_expression          // channel: [ path(evaluate/) ], or [] without TRAIN_EXPRESSION
    ch_explain             // channel: [ path(merged/) ], or [] without EXPLAIN

    main:
    MULTIQC(
        ch_params,
        ch_split,
        ch_windows,
        ch_promoters,
        ch_chromatin,
        ch_cross_species,
        ch_coexpression,
        ch_conservation,
        ch_conservation_search,
        ch_tfbs,
        ch_expression,
        ch_explain
    )

    emit:
    report = MULTIQC.out.report // channel: [ val(meta), path(multiqc_report.html) ]
    data   = MULTIQC.out.data   // channel: [ val(meta), path(multiqc_data/) ]
}
