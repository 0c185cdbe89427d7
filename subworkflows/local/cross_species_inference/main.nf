/*
 * CROSS_SPECIES_INFERENCE: paint a (new) genome with the chromatin model's predictions.
 * Scatter: one CHROMATIN_PREDICT task per chromosome of the target; gather: one
 * CHROMATIN_MERGE_TRACKS task per mark (groupKey + groupTuple releases a mark as soon as all of
 * its chromosome shards exist); then scoring against the target's truth intervals (or its peaks)
 * when given.
 *
 * The one-machine runner (`plantreg run`) runs the same steps in the same order (predicting all
 * chromosomes in one call):
 *   PREP_INDEX (target), CHROMATIN_PREDICT, CHROMATIN_MERGE_TRACKS, CHROMATIN_SCORE
 */

include { PREP_INDEX as PREP_INDEX_TARGET } from '../../../modules/local/prep/index'
include { CHROMATIN_PREDICT                } from '../../../modules/local/chromatin/predict'
include { CHROMATIN_MERGE_TRACKS           } from '../../../modules/local/chromatin/merge_tracks'
include { CHROMATIN_SCORE                  } from '../../../modules/local/chromatin/score'

workflow CROSS_SPECIES_INFERENCE {

    take:
    ch_target  // channel: [ val(meta), path(fasta) ]  meta: [ id:'target' ]
    ch_model   // channel: path(model.pt)  (value channel)
    ch_dataset // channel: [ path(train.seq.npy), path(train.labels.npy), path(tags.txt), ... ] (value channel; k-mer baseline)
    ch_labels  // channel: [ path(marks.tsv) or [], [ path(<MARK>*.bed) ] or [] ]  the target's truth
               //          or its peaks, for scoring; an empty channel: no CHROMATIN_SCORE

    main:
    PREP_INDEX_TARGET(ch_target)

    ch_genome = ch_target.join(PREP_INDEX_TARGET.out.fai)
    ch_sizes  = PREP_INDEX_TARGET.out.sizes.map { _meta, sizes -> sizes }.first()

    // Scatter: one task per chromosome (name and length from the .fai), n shards per genome.
    ch_chroms = ch_genome.flatMap { meta, fasta, fai ->
        def names = fai.readLines().findAll { line -> line }.collect { line -> line.tokenize('\t')[0] }
        names.collect { chrom -> [meta + [id: "${meta.id}_${chrom}", chroms: [chrom], n_chroms: names.size()], fasta, fai] }
    }
    CHROMATIN_PREDICT(ch_chroms, ch_model)

    // Gather per mark: [ mark_key, [ shard bedGraphs of every chromosome ] ]
    ch_by_mark = CHROMATIN_PREDICT.out.bedgraph
        .flatMap { meta, beds ->
            [beds].flatten().collect { bed ->
                def mark = bed.name.tokenize('.')[0]
                [groupKey([id: mark, mark: mark], meta.n_chroms), bed]
            }
        }
        .groupTuple()
        .map { key, beds -> [key.getGroupTarget(), beds] }
    CHROMATIN_MERGE_TRACKS(ch_by_mark, ch_sizes)

    ch_tracks = CHROMATIN_MERGE_TRACKS.out.bigwig
        .map { _meta, bw -> bw }
        .toSortedList { a, b -> a.name <=> b.name }
        .map { bws -> [[id: 'target'], bws] }
    CHROMATIN_SCORE(
        ch_tracks.join(ch_genome),
        ch_model,
        ch_dataset,
        ch_labels
    )

    emit:
    sizes       = PREP_INDEX_TARGET.out.sizes          // channel: [ val(meta), path(target.size) ]
    predictions = CHROMATIN_PREDICT.out.bedgraph       // channel: [ val(meta), [ path(<MARK>.bedGraph) ] ]  one per chromosome
    report      = CHROMATIN_PREDICT.out.report         // channel: [ val(meta), path(predict.report.tsv) ]  one per chromosome
    bigwig      = CHROMATIN_MERGE_TRACKS.out.bigwig    // channel: [ val(meta), path(<MARK>.bw) ]  meta: [ id:mark, mark ]
    bedgraph    = CHROMATIN_MERGE_TRACKS.out.bedgraph  // channel: [ val(meta), path(<MARK>.bedGraph) ]
    evaluation  = CHROMATIN_SCORE.out.tsv              // channel: [ val(meta), path(evaluation.tsv) ]
}
