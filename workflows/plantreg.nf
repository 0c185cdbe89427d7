/*
 * PLANTREG: the pipeline graph. Stages are subworkflows; this file only builds their input
 * channels from the parameters and wires them together.
 */

include { samplesheetToList } from 'plugin/nf-schema'
include { PREPARE_DATA            } from '../subworkflows/local/prepare_data'
include { TRAIN_CHROMATIN         } from '../subworkflows/local/train_chromatin'
include { CROSS_SPECIES_INFERENCE } from '../subworkflows/local/cross_species_inference'
include { TRAIN_COEXPRESSION      } from '../subworkflows/local/train_coexpression'
include { TRAIN_CONSERVATION      } from '../subworkflows/local/train_conservation'
include { TRAIN_TFBS              } from '../subworkflows/local/train_tfbs'
include { TRAIN_EXPRESSION        } from '../subworkflows/local/train_expression'
include { EXPLAIN                 } from '../subworkflows/local/explain'
include { REPORT                  } from '../subworkflows/local/report'

workflow PLANTREG {

    take:
    samplesheet // string: path of the samplesheet (header sample,mark,type,file)
    fasta       // string: path of the genome FASTA
    gff         // string: path of the GFF3 annotation
    name_map    // string: path of the chromosome name map, or null
    outdir      // string: results folder

    main:
    // Samplesheet rows: [ [id:sample, mark, type], file ]; `file` is relative to the samplesheet's
    // folder unless absolute (contract), so it is resolved here rather than by nf-schema.
    def sheet_dir = file(samplesheet, checkIfExists: true).parent
    ch_samplesheet = channel
        .fromList(samplesheetToList(samplesheet, "${projectDir}/assets/schema_input.json"))
        .map { meta, path -> [meta, resolveRow(meta, path, sheet_dir)] }

    ch_fasta    = channel.of([[id: 'genome'], file(fasta, checkIfExists: true)])
    ch_gff      = channel.of([[id: 'genome'], file(gff, checkIfExists: true)])
    ch_name_map = name_map ? channel.value(file(name_map, checkIfExists: true)) : channel.value([])

    PREPARE_DATA(ch_samplesheet, ch_fasta, ch_gff, ch_name_map)

    // TRAIN_CHROMATIN always runs: one dataset of every split's arrays and one tag file.
    ch_chromatin_dataset = PREPARE_DATA.out.seq
        .mix(PREPARE_DATA.out.labels)
        .mix(PREPARE_DATA.out.tags.filter { meta, _f -> meta.split == 'train' })
        .map { _meta, f -> f }
        .toSortedList { a, b -> a.name <=> b.name }
        .map { files -> [[id: 'chromatin'], files] }
    ch_chromatin_split = PREPARE_DATA.out.split.map { _meta, json -> [[id: 'chromatin'], json] }
    TRAIN_CHROMATIN(ch_chromatin_dataset, ch_chromatin_split)

    // REPORT's inputs from the optional stages: [] unless the stage runs (set in its block).
    ch_report_cross_species       = channel.value([])
    ch_report_coexpression        = channel.value([])
    ch_report_conservation        = channel.value([])
    ch_report_conservation_search = channel.value([])
    ch_report_expression          = channel.value([])
    ch_report_explain             = channel.value([])

    // CROSS_SPECIES_INFERENCE runs when a target genome is given; it is scored against the
    // target's truth intervals (target_truth) or else its peaks (target_peaks) when either is set.
    if( params.target_fasta ) {
        ch_target  = channel.of([[id: 'target'], file(params.target_fasta, checkIfExists: true)])
        ch_model   = TRAIN_CHROMATIN.out.model.map { _meta, model -> model }.first()
        ch_dataset = ch_chromatin_dataset.map { _meta, files -> files }.first()
        // [ truth, peaks ]: the truth file when given (it wins, as in the runner), else the peaks
        def truth  = params.target_truth ? file(params.target_truth, checkIfExists: true) : []
        def peaks  = params.target_peaks && !params.target_truth
            ? params.target_peaks.tokenize(',').collect { bed -> file(bed.trim(), checkIfExists: true) }
            : []
        ch_labels  = truth || peaks ? channel.of([truth, peaks]) : channel.empty()
        CROSS_SPECIES_INFERENCE(ch_target, ch_model, ch_dataset, ch_labels)
        ch_report_cross_species = CROSS_SPECIES_INFERENCE.out.evaluation.map { _meta, tsv -> tsv.parent }.toList()
    }

    // TRAIN_COEXPRESSION runs when a list of co-expressed pairs is given.
    if( params.coexpression_pairs ) {
        ch_dapseq  = ch_samplesheet.filter { meta, _f -> meta.type == 'dapseq' }.map { _m, f -> f }.collect()
        ch_control = ch_samplesheet.filter { meta, _f -> meta.type == 'control' }.map { _m, f -> f }.collect().ifEmpty([])
        ch_pairs   = channel.of([[id: 'genome'], file(params.coexpression_pairs, checkIfExists: true)])
        ch_config  = params.coexpression_config ? channel.value(file(params.coexpression_config, checkIfExists: true)) : channel.value([])
        ch_hidden  = params.coexpression_hidden_pairs
            ? channel.value([file(params.coexpression_pairs), file(params.coexpression_hidden_pairs, checkIfExists: true)])
            : channel.value([[], []])
        TRAIN_COEXPRESSION(
            PREPARE_DATA.out.promoters_tsv,
            PREPARE_DATA.out.sizes,
            ch_dapseq,
            ch_control,
            ch_pairs,
            ch_config,
            ch_hidden,
            ch_name_map
        )
        ch_report_coexpression = TRAIN_COEXPRESSION.out.metrics.map { _meta, json, _tsv -> json.parent }.toList()
    }

    // TRAIN_CONSERVATION runs when an axtNet alignment (A = reference) of species B is given.
    if( params.conservation_axt ) {
        if( !params.conservation_fasta_b || !params.conservation_input_b ) {
            error("conservation_axt needs conservation_fasta_b and conservation_input_b (species B)")
        }
        def sheet_b_dir = file(params.conservation_input_b, checkIfExists: true).parent
        ch_samplesheet_b = channel
            .fromList(samplesheetToList(params.conservation_input_b, "${projectDir}/assets/schema_input.json"))
            .map { meta, path -> [meta, resolveRow(meta, path, sheet_b_dir)] }
        // One item each: [ peaks, signal, states, cage ], lists of paths ([] when none).
        ch_inputs_a = ch_samplesheet.toList()
            .map { rows -> conservationInputs(rows, params.conservation_states_a, params.conservation_cage_a) }
        ch_inputs_b = ch_samplesheet_b.toList()
            .map { rows -> conservationInputs(rows, params.conservation_states_b, params.conservation_cage_b) }
        ch_fasta_b    = channel.of([[id: 'speciesB'], file(params.conservation_fasta_b, checkIfExists: true)])
        ch_axt        = channel.of([[id: 'alignment'], file(params.conservation_axt, checkIfExists: true)])
        ch_split_file = params.conservation_split ? channel.value(file(params.conservation_split, checkIfExists: true)) : channel.value([])
        TRAIN_CONSERVATION(
            PREPARE_DATA.out.sizes,
            ch_fasta_b,
            ch_axt,
            ch_inputs_a,
            ch_inputs_b,
            ch_split_file,
            params.conservation_trials,
            params.conservation_ensemble
        )
        ch_report_conservation        = TRAIN_CONSERVATION.out.metrics.map { _meta, tsv -> tsv.parent }.toList()
        ch_report_conservation_search = TRAIN_CONSERVATION.out.search_table.map { _meta, tsv -> tsv.parent }.toList()
    }

    // TRAIN_TFBS runs for the samplesheet's tfpeaks rows (one TF per mark), or for the TF folders
    // of tfbs_csv_dir (NyxBind's layout), which then replace them; with neither, no task runs.
    ch_tfpeaks = params.tfbs_csv_dir
        ? channel.empty()
        : ch_samplesheet.filter { meta, _f -> meta.type == 'tfpeaks' }.map { meta, f -> [[id: meta.mark], f] }
    ch_tfbs_csv = params.tfbs_csv_dir
        ? channel.fromPath("${params.tfbs_csv_dir}/*", type: 'dir')
            .filter { folder -> folder.resolve('train.csv').exists() }
            .map { folder -> [[id: folder.name], folder] }
        : channel.empty()
    ch_tfbs_genome = ch_fasta.join(PREPARE_DATA.out.fai).first()
    ch_tfbs_split  = PREPARE_DATA.out.split.map { _meta, json -> json }.first()
    ch_tfbs_known  = params.tfbs_known_motifs ? channel.value(file(params.tfbs_known_motifs, checkIfExists: true)) : channel.value([])
    TRAIN_TFBS(
        ch_tfpeaks,
        ch_tfbs_csv,
        ch_tfbs_genome,
        ch_tfbs_split,
        ch_tfbs_known,
        params.tfbs_base_model
    )

    // TRAIN_EXPRESSION, then EXPLAIN, run when a species sheet (species,fasta,gff,expression) is
    // given; its paths are relative to the sheet's folder unless absolute, as in the samplesheet.
    if( params.expression_input ) {
        def species_dir = file(params.expression_input, checkIfExists: true).parent
        ch_species = channel
            .fromList(samplesheetToList(params.expression_input, "${projectDir}/assets/schema_species.json"))
            .map { meta, genome, genes, table ->
                [
                    meta,
                    resolveSpeciesFile(meta, 'fasta', genome, species_dir),
                    resolveSpeciesFile(meta, 'gff', genes, species_dir),
                    resolveSpeciesFile(meta, 'expression', table, species_dir)
                ]
            }
        ch_families = params.expr_families ? channel.value(file(params.expr_families, checkIfExists: true)) : channel.value([])
        TRAIN_EXPRESSION(ch_species, ch_families)
        ch_report_expression = TRAIN_EXPRESSION.out.evaluation.map { _meta, tsv -> tsv.parent }.toList()

        ch_truth_sites = params.expr_truth_sites ? channel.value(file(params.expr_truth_sites, checkIfExists: true)) : channel.value([])
        EXPLAIN(
            TRAIN_EXPRESSION.out.dataset,
            TRAIN_EXPRESSION.out.checkpoint,
            ch_truth_sites,
            params.explain_chunks
        )
        ch_report_explain = EXPLAIN.out.evaluation.map { _meta, tsv -> tsv.parent }.toList()
    }

    // pipeline_info/ files are named by the run's start time: a second run into the same folder
    // adds its own and leaves the first run's (as nextflow.config names Nextflow's reports).
    def run_time = new java.util.Date().format('yyyy-MM-dd_HH-mm-ss')

    // The run's params as JSON, kept as pipeline_info/params_<start time>.json, as plantreg run
    // keeps its parameters file.
    ch_params = channel.of(groovy.json.JsonOutput.prettyPrint(groovy.json.JsonOutput.toJson(params)))
        .collectFile(
            name: "params_${run_time}.json",
            storeDir: "${outdir}/pipeline_info",
            newLine: true
        )
        .map { json -> [[id: 'multiqc'], json] }

    // REPORT runs last, on what it reads of every stage that ran: PREPARE_DATA's files, and for
    // each later stage the folder of one output (the task's ext.prefix folder, which is published
    // whole as <stage>/<folder>/, e.g. train_chromatin/evaluate/), and the params.
    REPORT(
        ch_params,
        PREPARE_DATA.out.split.map { _meta, json -> json },
        PREPARE_DATA.out.windows_report.map { _meta, tsv -> tsv },
        PREPARE_DATA.out.promoters_tsv.join(PREPARE_DATA.out.promoters_report).map { _meta, tsv, report -> [tsv, report] },
        TRAIN_CHROMATIN.out.evaluation.map { _meta, tsv -> tsv.parent }.toList(),
        ch_report_cross_species,
        ch_report_coexpression,
        ch_report_conservation,
        ch_report_conservation_search,
        TRAIN_TFBS.out.summary.map { _meta, tsv -> tsv.parent }.toList(),
        ch_report_expression,
        ch_report_explain
    )

    // One table of tool versions for the whole run, from every module's `versions` topic.
    channel.topic('versions')
        .unique()
        .map { process, tool, version -> "${process}\t${tool}\t${version}" }
        .collectFile(
            name: "plantreg_software_versions_${run_time}.tsv",
            storeDir: "${outdir}/pipeline_info",
            newLine: true,
            sort: true,
            seed: "process\ttool\tversion"
        )

    emit:
    windows              = PREPARE_DATA.out.windows          // channel: [ val(meta), path(<split>.bed) ]
    labels               = PREPARE_DATA.out.labels           // channel: [ val(meta), path(<split>.labels.npy) ]
    seq                  = PREPARE_DATA.out.seq              // channel: [ val(meta), path(<split>.seq.npy) ]
    tags                 = PREPARE_DATA.out.tags             // channel: [ val(meta), path(tags.txt) ]
    chromatin_model      = TRAIN_CHROMATIN.out.model         // channel: [ val(meta), path(model.pt) ]
    chromatin_evaluation = TRAIN_CHROMATIN.out.evaluation    // channel: [ val(meta), path(evaluation.tsv) ]
    multiqc_report       = REPORT.out.report                 // channel: [ val(meta), path(multiqc_report.html) ]
}

/*
 * A samplesheet file relative to the samplesheet's folder (or absolute), which must exist. The
 * label arrays name signal and DAP-seq channels after the file (its name without the bigWig
 * extension; marks may hold dots, e.g. PK02532.1), so such files must be named after their mark.
 */
def resolveRow(meta, path, sheet_dir) {
    def resolved = path.startsWith('/') || path.contains('://') ? file(path) : sheet_dir.resolve(path)
    if( !resolved.exists() ) {
        error("samplesheet: ${meta.id}: file not found: ${resolved}")
    }
    if( meta.type in ['signal', 'dapseq'] && resolved.name.replaceFirst(/\.(bw|bigWig|bigwig)$/, '') != meta.mark ) {
        error("samplesheet: ${meta.id}: a ${meta.type} bigWig must be named after its mark (${meta.mark}.bw), got ${resolved.name}")
    }
    return resolved
}

/*
 * A file of the species sheet (fasta, gff or expression column), relative to the sheet's folder (or
 * absolute), which must exist.
 */
def resolveSpeciesFile(meta, column, path, sheet_dir) {
    def resolved = path.startsWith('/') || path.contains('://') ? file(path) : sheet_dir.resolve(path)
    if( !resolved.exists() ) {
        error("species sheet: ${meta.id}: ${column} file not found: ${resolved}")
    }
    return resolved
}

/*
 * TRAIN_CONSERVATION's feature inputs of one species: [ peaks, signal, states, cage ] from the
 * samplesheet rows (peaks and signal bigWigs, as the runner takes them), the comma list of state
 * BEDs and the optional CAGE-like matrix; [] where there is none.
 */
def conservationInputs(rows, states, cage) {
    def peaks  = rows.findAll { row -> row[0].type == 'peaks' }.collect { row -> row[1] }
    def signal = rows.findAll { row -> row[0].type == 'signal' }.collect { row -> row[1] }
    def beds   = states ? states.tokenize(',').collect { bed -> file(bed.trim(), checkIfExists: true) } : []
    return [peaks, signal, beds, cage ? file(cage, checkIfExists: true) : []]
}
