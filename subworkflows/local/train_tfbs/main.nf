//
// TRAIN_TFBS: one task per TF (dataset → CNN and language model → evaluate → motifs), gathered
// into one summary. The language model is pretrained once for all TFs (masked LM on the genome,
// then NyxBind's contrastive step on every TF's bound training windows) unless a base model is
// given. A TF's datasets come from its DAP-seq peaks, or ready-made in NyxBind's CSV layout.
//
include { TFBS_DATASET   } from '../../../modules/local/tfbs/dataset/main'
include { TFBS_PRETRAIN  } from '../../../modules/local/tfbs/pretrain/main'
include { TFBS_TRAIN_CNN } from '../../../modules/local/tfbs/train_cnn/main'
include { TFBS_TRAIN_LM  } from '../../../modules/local/tfbs/train_lm/main'
include { TFBS_EVALUATE  } from '../../../modules/local/tfbs/evaluate/main'
include { TFBS_MOTIFS    } from '../../../modules/local/tfbs/motifs/main'
include { TFBS_SUMMARY   } from '../../../modules/local/tfbs/summary/main'

workflow TRAIN_TFBS {

    take:
    ch_tfpeaks   // channel: [ val(meta), path(<TF>.narrowPeak) ]  meta: [ id:TF ]  (empty with CSVs)
    ch_csv       // channel: [ val(meta), path(<TF>/) ]  NyxBind folders (empty with peaks)
    ch_genome    // channel: [ val(meta), path(fasta), path(fai) ]  (value channel)
    ch_split     // channel: path(split.json)                      (value channel)
    ch_known     // channel: path(known motifs .meme) or [ ]       (value channel)
    base_model   // string: folder of a base model (tfbs_base_model), or null: pretrain one

    main:
    TFBS_DATASET(ch_tfpeaks, ch_genome, ch_split)
    ch_dataset = TFBS_DATASET.out.dataset.mix(ch_csv)

    // one base model for all TFs: the given one, or pretrained on the genome and every dataset
    ch_folders = ch_dataset
        .map { _meta, folder -> folder }
        .toSortedList { a, b -> a.name <=> b.name }
        .filter { folders -> folders }
    if( base_model ) {
        ch_base_model = channel.value(file(base_model, checkIfExists: true))
    } else {
        TFBS_PRETRAIN(
            ch_genome.map { _meta, fasta, fai -> [[id: 'base_model'], fasta, fai] },
            ch_split,
            ch_folders
        )
        ch_base_model = TFBS_PRETRAIN.out.model.map { _meta, folder -> folder }.first()
    }

    TFBS_TRAIN_CNN(ch_dataset)
    TFBS_TRAIN_LM(ch_dataset, ch_base_model)

    TFBS_EVALUATE(
        ch_dataset.join(TFBS_TRAIN_CNN.out.model).join(TFBS_TRAIN_LM.out.model),
        ch_known
    )
    TFBS_MOTIFS(ch_dataset.join(TFBS_TRAIN_LM.out.model), ch_known)

    // every TF's table and motif summary, in TF order (as the runner passes them)
    ch_evaluations = TFBS_EVALUATE.out.evaluation
        .toSortedList { a, b -> a[0].id <=> b[0].id }
        .filter { rows -> rows }
        .map { rows -> [[id: 'tfbs'], rows.collect { row -> row[1] }] }
    ch_motifs = TFBS_MOTIFS.out.summary
        .toSortedList { a, b -> a[0].id <=> b[0].id }
        .filter { rows -> rows }
        .map { rows -> [rows.collect { row -> row[1] }] }
    TFBS_SUMMARY(ch_evaluations.combine(ch_motifs))

    emit:
    dataset    = ch_dataset                   // channel: [ val(meta), path(<TF>/) ]
    base_model = ch_base_model                // channel: path(base model folder)
    evaluation = TFBS_EVALUATE.out.evaluation // channel: [ val(meta), path(evaluation.tsv) ]
    motifs     = TFBS_MOTIFS.out.motifs       // channel: [ val(meta), path(motifs.meme), path(motifs.jaspar) ]
    summary    = TFBS_SUMMARY.out.table       // channel: [ val(meta), path(tfbs_summary.tsv) ]
}
