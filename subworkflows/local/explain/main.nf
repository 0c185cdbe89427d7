//
// EXPLAIN: what the expression model reads in each gene's window. Scatter: the explained genes
// (test split or all, sorted by species and gene id, capped by explain_max_genes) are cut into
// n_chunks chunks, one EXPR_EXPLAIN task (per-base ISM / occlusion / gradient × input scores) and
// one EXPR_SCAN_CRE task (signed cis-regulatory elements, in window coordinates) per chunk;
// gather: one EXPR_GATHER task (CREs in genome coordinates, one importance bigWig per species,
// CREs scored against known sites when given).
//
// The one-machine runner (`plantreg run`, src/plantreg/run/expression.py) runs the same steps in
// the same order, one chunk after the other: EXPR_EXPLAIN, EXPR_SCAN_CRE (per chunk), EXPR_GATHER
//
include { EXPR_EXPLAIN  } from '../../../modules/local/expr/explain/main'
include { EXPR_SCAN_CRE } from '../../../modules/local/expr/scan_cre/main'
include { EXPR_GATHER   } from '../../../modules/local/expr/gather/main'

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
    EXPR_SCAN_CRE(EXPR_EXPLAIN.out.scores)

    // Gather: every chunk's scores and CRE BED, in chunk order (as the runner passes them)
    ch_scores = EXPR_EXPLAIN.out.scores
        .toSortedList { a, b -> a[0].chunk <=> b[0].chunk }
        .filter { rows -> rows }
        .map { rows -> [rows.collect { row -> row[1] }] }
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
    cre        = EXPR_SCAN_CRE.out.bed         // channel: [ val(meta), path(cre.bed) ]  one per chunk (window coordinates)
    merged     = EXPR_GATHER.out.bed           // channel: [ val(meta), path(cre.bed) ]  genome coordinates
    bigwig     = EXPR_GATHER.out.bigwig        // channel: [ val(meta), [ path(<species>.importance.bw) ] ]
    evaluation = EXPR_GATHER.out.evaluation    // channel: [ val(meta), path(cre_evaluation.tsv) ]
}
