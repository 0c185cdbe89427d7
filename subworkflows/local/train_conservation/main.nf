/*
 * TRAIN_CONSERVATION: LECIF-style functional conservation between species A (reference) and B.
 * Region pairs (one pass over the axt) → features per species → mirror-half partition
 * → shuffled-B negatives → random search (scatter per half × trial, gathered per half) → ensemble
 * (scatter per half × member) → predictions on the other half → mean per pair → genome-wide track
 * → test metrics of single networks and of the ensemble.
 *
 * The one-machine runner (`plantreg run`, src/plantreg/run/conservation.py) runs the same steps in
 * the same order:
 *   PREP_INDEX (species B), CONSERVATION_REGIONS, CONSERVATION_FEATURES, CONSERVATION_PARTITION,
 *   CONSERVATION_NEGATIVES, CONSERVATION_SEARCH, CONSERVATION_SELECT, CONSERVATION_TRAIN,
 *   CONSERVATION_PREDICT, CONSERVATION_AVERAGE, CONSERVATION_TRACK, CONSERVATION_EVALUATE
 */

include { PREP_INDEX as PREP_INDEX_B        } from '../../../modules/local/prep/index'
include { CONSERVATION_REGIONS              } from '../../../modules/local/conservation/regions'
include { CONSERVATION_FEATURES             } from '../../../modules/local/conservation/features'
include { CONSERVATION_PARTITION            } from '../../../modules/local/conservation/partition'
include { CONSERVATION_NEGATIVES            } from '../../../modules/local/conservation/negatives'
include { CONSERVATION_SEARCH               } from '../../../modules/local/conservation/search'
include { CONSERVATION_SELECT               } from '../../../modules/local/conservation/select'
include { CONSERVATION_TRAIN                } from '../../../modules/local/conservation/train'
include { CONSERVATION_PREDICT              } from '../../../modules/local/conservation/predict'
include { CONSERVATION_AVERAGE              } from '../../../modules/local/conservation/average'
include { CONSERVATION_TRACK                } from '../../../modules/local/conservation/track'
include { CONSERVATION_EVALUATE             } from '../../../modules/local/conservation/evaluate'

workflow TRAIN_CONSERVATION {

    take:
    ch_sizes_a     // channel: [ val(meta), path(genome.size) ]  A sizes from PREPARE_DATA (value)
    ch_fasta_b     // channel: [ val(meta), path(fasta) ]        meta: [ id:'speciesB' ]
    ch_axt         // channel: [ val(meta), path(net.axt.gz) ]   meta: [ id:'alignment' ]
    ch_inputs_a    // channel: [ peaks, signal, states, cage ]   lists of paths of A ([] when none)
    ch_inputs_b    // channel: [ peaks, signal, states, cage ]   same for B
    ch_split_file  // channel: path(splitData_args.txt) or [] (value channel)
    n_trials       // val: search trials per half (N)
    n_members      // val: ensemble members per half (M)

    main:
    PREP_INDEX_B(ch_fasta_b)
    ch_sizes_b = PREP_INDEX_B.out.sizes.map { _meta, sizes -> sizes }.first()
    ch_sizes   = ch_sizes_a.map { _meta, sizes -> sizes }.first()

    // Region pairs of every A chromosome in one task: the axt is streamed once (not once per
    // chromosome) into the indexed pair table, in the order of A's sizes file.
    CONSERVATION_REGIONS(ch_axt, ch_sizes, ch_sizes_b)
    ch_pairs = CONSERVATION_REGIONS.out.pairs.map { _meta, pairs -> pairs }.first()

    // Features per species: A on A's sizes, B on B's sizes.
    ch_feature_a = ch_inputs_a.combine(ch_sizes)
        .map { peaks, signal, states, cage, sizes -> [[id: 'A', species: 'A'], peaks, signal, states, cage, sizes] }
    ch_feature_b = ch_inputs_b.combine(ch_sizes_b)
        .map { peaks, signal, states, cage, sizes -> [[id: 'B', species: 'B'], peaks, signal, states, cage, sizes] }
    CONSERVATION_FEATURES(ch_feature_a.mix(ch_feature_b), ch_pairs)
    ch_store_a = CONSERVATION_FEATURES.out.store.filter { meta, _dir -> meta.species == 'A' }.map { _meta, dir -> dir }.first()
    ch_store_b = CONSERVATION_FEATURES.out.store.filter { meta, _dir -> meta.species == 'B' }.map { _meta, dir -> dir }.first()

    CONSERVATION_PARTITION(CONSERVATION_REGIONS.out.pairs, ch_sizes, ch_sizes_b, ch_split_file)
    CONSERVATION_NEGATIVES(CONSERVATION_REGIONS.out.pairs.join(CONSERVATION_PARTITION.out.json))
    // [ half, set ] -> examples file, e.g. [ 'odd', 'training', odd.training.examples.npy ]
    ch_examples = CONSERVATION_NEGATIVES.out.examples
        .flatMap { _meta, files -> files }
        .map { file -> def parts = file.name.tokenize('.'); [parts[0], parts[1], file] }
    ch_train_valid = ch_examples.filter { _half, set, _file -> set == 'training' }.map { half, _s, file -> [half, file] }
        .join(ch_examples.filter { _half, set, _file -> set == 'validation' }.map { half, _s, file -> [half, file] })

    // Random search: scatter per half × trial; gather per half as soon as its trials finish.
    ch_trials = ch_train_valid.flatMap { half, train, valid ->
        (0..<n_trials).collect { k -> [[id: "${half}_trial${k}", half: half, trial: k], train, valid] }
    }
    CONSERVATION_SEARCH(ch_trials, ch_store_a, ch_store_b)
    ch_summaries = CONSERVATION_SEARCH.out.summary
        .map { meta, summary -> [groupKey([id: meta.half, half: meta.half], n_trials), summary] }
        .groupTuple()
    CONSERVATION_SELECT(ch_summaries)

    // Ensemble: scatter per half × member with the half's best settings.
    ch_members = ch_train_valid
        .join(CONSERVATION_SELECT.out.best.map { meta, best -> [meta.half, best] })
        .flatMap { half, train, valid, best ->
            (0..<n_members).collect { m -> [[id: "${half}_member${m}", half: half, member: m], train, valid, best] }
        }
    CONSERVATION_TRAIN(ch_members, ch_store_a, ch_store_b)

    // Each member scores the other half's prediction pairs and test examples.
    ch_scored_sets = ch_examples.filter { _half, set, _file -> set == 'prediction' }.map { half, _s, file -> [half, file] }
        .join(ch_examples.filter { _half, set, _file -> set == 'test' }.map { half, _s, file -> [half, file] })
    ch_predict = CONSERVATION_TRAIN.out.model
        .map { meta, model -> [meta.half == 'odd' ? 'even' : 'odd', meta, model] }
        .combine(ch_scored_sets, by: 0)
        .map { scored, meta, model, pred, test -> [meta + [scored: scored], model, pred, test] }
    CONSERVATION_PREDICT(ch_predict, ch_store_a, ch_store_b)

    ch_pred_scores = CONSERVATION_PREDICT.out.prediction
        .map { meta, scores -> [groupKey(meta.scored, n_members), scores] }
        .groupTuple()
        .map { scored, scores -> [scored.toString(), scores] }
    ch_average = ch_scored_sets
        .map { half, pred, _test -> [half, pred] }
        .join(ch_pred_scores)
        .map { half, pred, scores -> [[id: half, half: half], pred, scores] }
    CONSERVATION_AVERAGE(ch_average, ch_pairs)

    ch_tables = CONSERVATION_AVERAGE.out.scores
        .map { _meta, table -> [groupKey([id: 'conservation'], 2), table] }
        .groupTuple(sort: { a, b -> a.name <=> b.name })
    CONSERVATION_TRACK(ch_tables, ch_sizes)

    ch_test_scores = CONSERVATION_PREDICT.out.test
        .map { meta, scores -> [groupKey(meta.scored, n_members), scores] }
        .groupTuple()
        .map { scored, scores -> [scored.toString(), scores] }
    ch_test_sets = ch_scored_sets
        .map { half, _pred, test -> [half, test] }
        .join(ch_test_scores)
    ch_evaluate = ch_test_sets.filter { half, _ex, _scores -> half == 'odd' }
        .combine(ch_test_sets.filter { half, _ex, _scores -> half == 'even' })
        .map { _odd, odd_ex, odd_scores, _even, even_ex, even_scores -> [[id: 'conservation'], odd_ex, odd_scores, even_ex, even_scores] }
    CONSERVATION_EVALUATE(ch_evaluate)

    emit:
    pairs        = CONSERVATION_REGIONS.out.pairs        // channel: [ val(meta), path(pairs.tsv) ]
    features     = CONSERVATION_FEATURES.out.store       // channel: [ val(meta), path(store dir) ]  meta: [ id, species ]
    partition    = CONSERVATION_PARTITION.out.json       // channel: [ val(meta), path(partition.json) ]
    examples     = CONSERVATION_NEGATIVES.out.examples   // channel: [ val(meta), [ path(<half>.<set>.examples.npy) ] ]
    search_table = CONSERVATION_SELECT.out.table         // channel: [ val(meta), path(<half>.trials.tsv) ]  meta: [ id:half, half ]
    best         = CONSERVATION_SELECT.out.best          // channel: [ val(meta), path(<half>.best.json) ]
    models       = CONSERVATION_TRAIN.out.model          // channel: [ val(meta), path(model.pt) ]  meta: [ id, half, member ]
    scores       = CONSERVATION_TRACK.out.scores         // channel: [ val(meta), path(conservation.scores.tsv) ]
    bigwig       = CONSERVATION_TRACK.out.bigwig         // channel: [ val(meta), path(conservation.bw) ]
    bedgraph     = CONSERVATION_TRACK.out.bedgraph       // channel: [ val(meta), path(conservation.bedGraph) ]
    metrics      = CONSERVATION_EVALUATE.out.metrics     // channel: [ val(meta), path(test_metrics.tsv) ]
}
