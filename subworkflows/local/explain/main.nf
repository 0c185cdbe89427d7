//
// EXPLAIN: what the expression model reads in each gene's window. Scatter: the explained genes
// (test split or all, sorted by species and gene id, capped by explain_max_genes) are cut into
// n_chunks chunks, one EXPR_EXPLAIN task (per-base ISM / occlusion / gradient × input scores) per
// chunk; one EXPR_CRE_THRESHOLD task (the |score| quantile over every chunk, so that the calls do
// not depend on the chunking); one EXPR_SCAN_CRE task (signed cis-regulatory elements, in window
// coordinates) per chunk; gather: one EXPR_GATHER task (CREs in genome coordinates, one importance
// bigWig per species,
// CREs scored against known sites when given).
//
// The one-machine runner (`plantreg run`, src/plantreg/run/expression.py) runs the same steps in
// the same order, one chunk after the other: EXPR_EXPLAIN (per chunk), EXPR_CRE_THRESHOLD,
// EXPR_SCAN_CRE (per chunk), EXPR_GATHER
//
include { EXPR_EXPLAIN        } from '../../../modules/local/expr/explain/main'
include { EXPR_CRE_THRESHOLD } from '../../../modules/local/expr/cre_threshold/main'
include { EXPR_SCAN_CRE      } from '../../../modules/local/expr/scan_cre/main'
include { EXPR_GATHER        } from '../../../modules/local/expr/gather/main'

workflow EXPLAIN {

    take:
    ch_dataset    // channel: [ val(meta), path(dataset/) ]  TRAIN_EXPRESSION's dataset (one item)
    ch_checkpoint // channel: [ val(meta), path(model.pt) ]  TRAIN_EXPRESSION's model (one item)
    ch_truth      // channel: path(sites.tsv) or [ ]  known sites to score the CREs (value channel)
    n_chunks      // val: number of gene chunks (explain_chunks)

    main:
    ch_model = ch_checkpoint.map { _meta, checkpoint -> checkpoint }.first()

    // Scatter: chunk i of n_chunks (0-based), each task reading the whole dataset
    ch_chunks = ch_dataset.flatMap { _meta, dataset ->
        (0..<n_chunks).collect { i -> [[id: "chunk${i}", chunk: i, n_chunks: n_chunks], dataset] }
    }
    EXPR_EXPLAIN(ch_chunks, ch_model)

    // Every chunk's scores, in chunk order (as the runner passes them): one CRE threshold over
    // all of them, which every chunk's scan then uses
    ch_sorted = EXPR_EXPLAIN.out.scores
        .toSortedList { a, b -> a[0].chunk <=> b[0].chunk }
        .filter { rows -> rows }
    ch_scores = ch_sorted.map { rows -> [rows.collect { row -> row[1] }] }
    EXPR_CRE_THRESHOLD(ch_sorted.map { rows -> [[id: 'explain'], rows.collect { row -> row[1] }] })
    ch_threshold = EXPR_CRE_THRESHOLD.out.threshold.map { _meta, threshold -> threshold }.first()
    EXPR_SCAN_CRE(EXPR_EXPLAIN.out.scores, ch_threshold)

    // Gather: every chunk's scores and CRE BED, in chunk order
    ch_beds = EXPR_SCAN_CRE.out.bed
        .toSortedList { a, b -> a[0].chunk <=> b[0].chunk }
        .filter { rows -> rows }
        .map { rows -> [rows.collect { row -> row[1] }] }
    ch_gather = ch_dataset
        .map { _meta, dataset -> [[id: 'explain'], dataset] }
        .combine(ch_scores)
        .combine(ch_beds)
    EXPR_GATHER(ch_gather, ch_truth)

    emit:
    scores     = EXPR_EXPLAIN.out.scores       // channel: [ val(meta), path(scores.npz) ]  meta: [ id, chunk, n_chunks ]  one per chunk
    threshold  = EXPR_CRE_THRESHOLD.out.threshold // channel: [ val(meta), path(threshold.json) ]  the run's CRE threshold
    cre        = EXPR_SCAN_CRE.out.bed         // channel: [ val(meta), path(cre.bed) ]  one per chunk (window coordinates)
    merged     = EXPR_GATHER.out.bed           // channel: [ val(meta), path(cre.bed) ]  genome coordinates
    bigwig     = EXPR_GATHER.out.bigwig        // channel: [ val(meta), [ path(<species>.importance.bw) ] ]
    evaluation = EXPR_GATHER.out.evaluation    // channel: [ val(meta), path(cre_evaluation.tsv) ]
}
