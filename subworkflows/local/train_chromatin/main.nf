/*
 * TRAIN_CHROMATIN: train the Sei-style model on the PREPARE_DATA arrays, then evaluate it on the
 * held-out (test) chromosomes next to the k-mer baseline.
 *
 * The one-machine runner (`plantreg run`) runs the same steps in the same order:
 *   CHROMATIN_TRAIN, CHROMATIN_EVALUATE
 */

include { CHROMATIN_TRAIN    } from '../../../modules/local/chromatin/train'
include { CHROMATIN_EVALUATE } from '../../../modules/local/chromatin/evaluate'

workflow TRAIN_CHROMATIN {

    take:
    ch_dataset // channel: [ val(meta), [ path(<split>.seq.npy), path(<split>.labels.npy), path(tags.txt) ] ]  meta: [ id:'chromatin' ]
    ch_split   // channel: [ val(meta), path(split.json) ]

    main:
    CHROMATIN_TRAIN(
        ch_dataset.join(ch_split)
    )

    CHROMATIN_EVALUATE(
        CHROMATIN_TRAIN.out.model
            .join(CHROMATIN_TRAIN.out.metrics)
            .join(ch_dataset)
    )

    emit:
    model      = CHROMATIN_TRAIN.out.model      // channel: [ val(meta), path(model.pt) ]
    metrics    = CHROMATIN_TRAIN.out.metrics    // channel: [ val(meta), path(metrics.tsv) ]
    evaluation = CHROMATIN_EVALUATE.out.tsv     // channel: [ val(meta), path(evaluation.tsv) ]
    plots      = CHROMATIN_EVALUATE.out.plots   // channel: [ val(meta), [ path(*.png) ] ]
}
