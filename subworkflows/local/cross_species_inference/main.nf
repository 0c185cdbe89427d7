/*
 * CROSS_SPECIES_INFERENCE: paint a (new) genome with the chromatin model's predictions.
 * Scatter: one CHROMATIN_PREDICT task per chunk of the target (PREP_CHUNKS groups its records, in
 * FASTA order and never split, into chunks of about params.chunk_size bp, so thousands of small
 * scaffolds make a few tasks; records shorter than the window are skipped and counted); gather:
 * one CHROMATIN_MERGE_TRACKS task per mark (groupKey + groupTuple releases a mark as soon as all of
 * its chunk shards exist); then scoring against the target's truth intervals (or its peaks) when
 * given.
 *
 * The one-machine runner (`plantreg run`) runs the same steps in the same order:
 *   PREP_INDEX (target), PREP_CHUNKS, CHROMATIN_PREDICT, CHROMATIN_MERGE_TRACKS, CHROMATIN_SCORE
 */

include { PREP_INDEX as PREP_INDEX_TARGET } from '../../../modules/local/prep/index'
include { PREP_CHUNKS                      } from '../../../modules/local/prep/chunks'
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

    // The chunk list: one row per record (chunk chrom start end status), in FASTA order.
    PREP_CHUNKS(PREP_INDEX_TARGET.out.sizes)

    // Scatter: one task per chunk (the ids of the chunk list's first column), n shards per genome.
    ch_chunks = ch_genome.join(PREP_CHUNKS.out.chunks).flatMap { meta, fasta, fai, chunks ->
        def ids = chunks.readLines().drop(1).findAll { line -> line }.collect { line -> line.tokenize('\t')[0] }.unique()
        ids.collect { chunk -> [meta + [id: "${meta.id}_${chunk}", chunk: chunk, n_chunks: ids.size()], fasta, fai] }
    }
    CHROMATIN_PREDICT(ch_chunks, ch_model)

    // Gather per mark: [ mark_key, [ shard bedGraphs of every chunk ] ]
    ch_by_mark = CHROMATIN_PREDICT.out.bedgraph
        .flatMap { meta, beds ->
            [beds].flatten().collect { bed ->
                def mark = bed.name.replaceFirst(/\.bedGraph$/, '')  // marks may hold dots
                [groupKey([id: mark, mark: mark], meta.n_chunks), bed]
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
    chunks      = PREP_CHUNKS.out.chunks               // channel: [ val(meta), path(target.chunks.tsv) ]
    predictions = CHROMATIN_PREDICT.out.bedgraph       // channel: [ val(meta), [ path(<MARK>.bedGraph) ] ]  one per chunk
    report      = CHROMATIN_PREDICT.out.report         // channel: [ val(meta), path(predict.report.tsv) ]  one per chunk
    bigwig      = CHROMATIN_MERGE_TRACKS.out.bigwig    // channel: [ val(meta), path(<MARK>.bw) ]  meta: [ id:mark, mark ]
    bedgraph    = CHROMATIN_MERGE_TRACKS.out.bedgraph  // channel: [ val(meta), path(<MARK>.bedGraph) ]
    evaluation  = CHROMATIN_SCORE.out.tsv              // channel: [ val(meta), path(evaluation.tsv) ]
}
