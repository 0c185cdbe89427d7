//
// TRAIN_EXPRESSION: one sequence-to-expression model of several species. One dataset of every
// species' genes (a window around each gene's anchor, its scaled expression, its species and split)
// → the model (an expression head and a species head) → its test metrics beside a k-mer baseline.
//
// The one-machine runner (`plantreg run`, src/plantreg/run/expression.py) runs the same steps in
// the same order: EXPR_DATASET, EXPR_TRAIN, EXPR_EVALUATE
//
include { EXPR_DATASET  } from '../../../modules/local/expr/dataset/main'
include { EXPR_TRAIN    } from '../../../modules/local/expr/train/main'
include { EXPR_EVALUATE } from '../../../modules/local/expr/evaluate/main'

workflow TRAIN_EXPRESSION {

    take:
    ch_species  // channel: [ val(meta), path(fasta), path(gff), path(expression.tsv) ]  meta: [ id:species ]  in sheet order
    ch_families // channel: path(families.tsv) or [ ]  (value channel)

    main:
    // one dataset of every species, in the sheet's order (the order of the --species options)
    ch_inputs = ch_species
        .toList()
        .filter { rows -> rows }
        .map { rows ->
            [
                [
                    id: 'expression',
                    species: rows.collect { row -> row[0].id },
                    // a species' held-out chromosomes from the sheet ('' = automatic)
                    valid_chroms: rows.collect { row -> row[0].valid_chroms ?: '' },
                    test_chroms: rows.collect { row -> row[0].test_chroms ?: '' }
                ],
                rows.collect { row -> row[1] },
                rows.collect { row -> row[2] },
                rows.collect { row -> row[3] }
            ]
        }
    EXPR_DATASET(ch_inputs, ch_families)

    EXPR_TRAIN(EXPR_DATASET.out.dataset)

    EXPR_EVALUATE(EXPR_DATASET.out.dataset.join(EXPR_TRAIN.out.checkpoint))

    emit:
    dataset    = EXPR_DATASET.out.dataset      // channel: [ val(meta), path(dataset/) ]  meta: [ id:'expression', species ]
    model      = EXPR_TRAIN.out.model          // channel: [ val(meta), path(model/) ]
    checkpoint = EXPR_TRAIN.out.checkpoint     // channel: [ val(meta), path(model.pt) ]
    evaluation = EXPR_EVALUATE.out.evaluation  // channel: [ val(meta), path(evaluation.tsv) ]
}
