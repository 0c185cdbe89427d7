/*
 * PREPARE_DATA: genome index and name check, merged peaks per mark, chromosome split, training
 * windows, labels, encoded sequences, SeiPlant export and the promoter table.
 *
 * The one-machine runner (`plantreg run`) runs the same steps in the same order; the order is the
 * order of the process calls below (tests/nextflow/graph.py reads it from this file):
 *   PREP_INDEX, PREP_CHECK_NAMES, PREP_MERGE_PEAKS, PREP_SPLIT, PREP_WINDOWS, PREP_LABELS,
 *   PREP_ENCODE, PREP_SEIPLANT_EXPORT, PREP_PROMOTERS
 */

include { PREP_INDEX           } from '../../../modules/local/prep/index'
include { PREP_CHECK_NAMES     } from '../../../modules/local/prep/check_names'
include { PREP_MERGE_PEAKS     } from '../../../modules/local/prep/merge_peaks'
include { PREP_SPLIT           } from '../../../modules/local/prep/split'
include { PREP_WINDOWS         } from '../../../modules/local/prep/windows'
include { PREP_LABELS          } from '../../../modules/local/prep/labels'
include { PREP_ENCODE          } from '../../../modules/local/prep/encode'
include { PREP_SEIPLANT_EXPORT } from '../../../modules/local/prep/seiplant_export'
include { PREP_PROMOTERS       } from '../../../modules/local/prep/promoters'

workflow PREPARE_DATA {

    take:
    ch_samplesheet // channel: [ val(meta), path(file) ]   meta: [ id:sample, mark, type ]
    ch_fasta       // channel: [ val(meta), path(fasta) ]  meta: [ id:'genome' ]
    ch_gff         // channel: [ val(meta), path(gff) ]
    ch_name_map    // channel: path(name_map), or [] when there is none (value channel)

    main:
    ch_peaks   = ch_samplesheet.filter { meta, _file -> meta.type == 'peaks' }
    ch_signal  = ch_samplesheet.filter { meta, _file -> meta.type == 'signal' }
    // Every file is name-checked now, even those used by later stages: the intervals (chromatin
    // peaks, TF peaks) and the bigWigs (signal, DAP-seq, control).
    ch_intervals = ch_samplesheet.filter { meta, _file -> meta.type in ['peaks', 'tfpeaks'] }
    ch_bigwigs = ch_samplesheet.filter { meta, _file -> !(meta.type in ['peaks', 'tfpeaks']) }

    PREP_INDEX(ch_fasta)

    PREP_CHECK_NAMES(
        ch_fasta.join(PREP_INDEX.out.fai),
        ch_intervals.map { _meta, file -> file }.toSortedList { a, b -> a.name <=> b.name },
        ch_bigwigs.map { _meta, file -> file }.toSortedList { a, b -> a.name <=> b.name },
        ch_gff.map { _meta, gff -> gff },
        ch_name_map
    )

    // Everything below waits for the name check: joining its report gates the genome channels.
    ch_checked  = PREP_CHECK_NAMES.out.report
    ch_genome_q = ch_fasta
        .join(PREP_INDEX.out.fai)
        .join(ch_checked)
        .map { meta, fasta, fai, _report -> [meta, fasta, fai] }
    ch_sizes_q  = PREP_INDEX.out.sizes
        .join(ch_checked)
        .map { meta, sizes, _report -> [meta, sizes] }
    // Value channels: one genome, read by every per-mark and per-split task.
    ch_genome   = ch_genome_q.first()
    ch_sizes    = ch_sizes_q.first()

    ch_peaks_by_mark = ch_peaks
        .map { meta, file -> [[id: meta.mark, mark: meta.mark], file] }
        .groupTuple(sort: { a, b -> a.name <=> b.name })
    PREP_MERGE_PEAKS(ch_peaks_by_mark, ch_sizes, ch_name_map)
    ch_merged = PREP_MERGE_PEAKS.out.bed
        .map { _meta, bed -> bed }
        .toSortedList { a, b -> a.name <=> b.name }

    PREP_SPLIT(ch_sizes_q)

    PREP_WINDOWS(
        ch_genome_q.join(ch_sizes_q).join(PREP_SPLIT.out.json),
        ch_merged
    )
    // One item per split: [ [id:'train', split:'train'], train.bed ], ...
    ch_windows = PREP_WINDOWS.out.bed
        .flatMap { _meta, beds -> [beds].flatten() }
        .map { bed -> [[id: bed.baseName, split: bed.baseName], bed] }

    PREP_LABELS(
        ch_windows,
        ch_merged,
        ch_signal.map { _meta, file -> file }.toSortedList { a, b -> a.name <=> b.name },
        ch_name_map
    )

    PREP_ENCODE(ch_windows, ch_genome)

    PREP_SEIPLANT_EXPORT(
        ch_windows.join(PREP_LABELS.out.labels).join(PREP_LABELS.out.tags),
        ch_genome
    )

    PREP_PROMOTERS(ch_gff, ch_genome, ch_name_map)

    emit:
    fai              = PREP_INDEX.out.fai                // channel: [ val(meta), path(fai) ]
    sizes            = PREP_INDEX.out.sizes              // channel: [ val(meta), path(genome.size) ]
    names_report     = PREP_CHECK_NAMES.out.report       // channel: [ val(meta), path(names.report.tsv) ]
    merged_peaks     = PREP_MERGE_PEAKS.out.bed          // channel: [ val(meta), path(<MARK>.merged.bed) ]  meta: [ id:mark, mark ]
    split            = PREP_SPLIT.out.json               // channel: [ val(meta), path(split.json) ]
    windows          = ch_windows                        // channel: [ val(meta), path(<split>.bed) ]  meta: [ id:split, split ]
    windows_index    = PREP_WINDOWS.out.index            // channel: [ val(meta), [ path(<split>.index.tsv) ] ]
    windows_report   = PREP_WINDOWS.out.report           // channel: [ val(meta), path(windows.report.tsv) ]
    labels           = PREP_LABELS.out.labels            // channel: [ val(meta), path(<split>.labels.npy) ]
    signal           = PREP_LABELS.out.signal            // channel: [ val(meta), path(<split>.signal.npy) ]  (only with signal rows)
    tags             = PREP_LABELS.out.tags              // channel: [ val(meta), path(tags.txt) ]
    signal_tags      = PREP_LABELS.out.signal_tags       // channel: [ val(meta), path(signal_tags.txt) ]
    seq              = PREP_ENCODE.out.seq               // channel: [ val(meta), path(<split>.seq.npy) ]
    seiplant_fasta   = PREP_SEIPLANT_EXPORT.out.fasta    // channel: [ val(meta), path(<split>.fa) ]
    seiplant_tags    = PREP_SEIPLANT_EXPORT.out.tags     // channel: [ val(meta), path(tag.txt) ]
    promoters_bed    = PREP_PROMOTERS.out.bed            // channel: [ val(meta), path(promoters.bed) ]
    promoters_tsv    = PREP_PROMOTERS.out.tsv            // channel: [ val(meta), path(promoters.tsv) ]
    promoters_fasta  = PREP_PROMOTERS.out.fasta          // channel: [ val(meta), path(promoters.fa) ]
    promoters_report = PREP_PROMOTERS.out.report         // channel: [ val(meta), path(promoters.report.tsv) ]
}
