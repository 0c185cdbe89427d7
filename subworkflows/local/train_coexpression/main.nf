//
// TRAIN_COEXPRESSION: promoter × DAP-seq signal → TF vocabulary → Siamese transformer →
// metrics next to two baselines, attention, predicted co-expression network.
// Signal extraction is scattered per chromosome (one task per chromosome holding promoters) and
// gathered with groupKey + groupTuple, so a sample is released as soon as its shards finish.
//
include { COEXPRESSION_EXTRACT    } from '../../../modules/local/coexpression/extract/main'
include { COEXPRESSION_GATHER     } from '../../../modules/local/coexpression/gather/main'
include { COEXPRESSION_PAIRS      } from '../../../modules/local/coexpression/pairs/main'
include { COEXPRESSION_NORMALISE  } from '../../../modules/local/coexpression/normalise/main'
include { COEXPRESSION_VOCABULARY } from '../../../modules/local/coexpression/vocabulary/main'
include { COEXPRESSION_TRAIN      } from '../../../modules/local/coexpression/train/main'
include { COEXPRESSION_EVALUATE   } from '../../../modules/local/coexpression/evaluate/main'
include { COEXPRESSION_NETWORK    } from '../../../modules/local/coexpression/network/main'
include { COEXPRESSION_ATTENTION  } from '../../../modules/local/coexpression/attention/main'

workflow TRAIN_COEXPRESSION {

    take:
    ch_promoters // channel: [ val(meta), path(promoters.tsv) ]   (PREPARE_DATA)
    ch_sizes     // channel: [ val(meta), path(genome.size) ]     (PREPARE_DATA)
    ch_dapseq    // channel: [ path(<TF>.bw), ... ]                (value channel, collected)
    ch_control   // channel: [ path(input.bw), ... ] or [ ]        (value channel; all control rows)
    ch_pairs     // channel: [ val(meta), path(pairs.tsv) ]        (co-expressed pairs)
    ch_config    // channel: path(hyper-parameters.yaml) or [ ]    (value channel)
    ch_hidden    // channel: [ path(listed.tsv), path(hidden.tsv) ] or [ [], [] ] (value channel)
    ch_name_map  // channel: path(name_map.tsv) or [ ]             (value channel)

    main:
    // one extraction task per chromosome that holds promoters; the shard's meta keeps the
    // sample's meta and the shard count for groupKey
    ch_extract_in = ch_promoters
        .flatMap { meta, tsv ->
            def chroms = tsv.splitCsv(header: true, sep: '\t').collect { row -> row.chrom }.unique()
            chroms.collect { chrom ->
                [[id: "${meta.id}.${chrom}", chrom: chrom, sample: meta, n_shards: chroms.size()], tsv]
            }
        }
        .combine(ch_sizes.map { _meta, sizes -> sizes })
    COEXPRESSION_EXTRACT(ch_extract_in, ch_dapseq, ch_control, ch_name_map)

    ch_gather_in = COEXPRESSION_EXTRACT.out.shard
        .map { shard, files -> [groupKey(shard.sample, shard.n_shards), files] }
        .groupTuple()
        .map { key, files -> [key.getGroupTarget(), files.flatten()] }
        .join(ch_promoters)
    COEXPRESSION_GATHER(ch_gather_in)
    ch_signal = COEXPRESSION_GATHER.out.signal

    ch_genes = ch_signal.map { meta, files -> [meta, files.find { f -> f.name.endsWith('.genes.tsv') }] }
    COEXPRESSION_PAIRS(ch_pairs.join(ch_genes))

    COEXPRESSION_NORMALISE(ch_signal.join(COEXPRESSION_PAIRS.out.split))

    COEXPRESSION_VOCABULARY(
        COEXPRESSION_NORMALISE.out.signal.join(COEXPRESSION_PAIRS.out.split)
    )

    ch_train_in = COEXPRESSION_VOCABULARY.out.vocabulary
        .join(COEXPRESSION_PAIRS.out.pairs)
        .join(COEXPRESSION_PAIRS.out.split)
        .join(COEXPRESSION_NORMALISE.out.params)
    COEXPRESSION_TRAIN(ch_train_in, ch_config)

    ch_model = COEXPRESSION_TRAIN.out.checkpoint.join(COEXPRESSION_VOCABULARY.out.vocabulary)
    COEXPRESSION_EVALUATE(ch_model.join(COEXPRESSION_PAIRS.out.pairs), ch_hidden)
    COEXPRESSION_NETWORK(ch_model)
    COEXPRESSION_ATTENTION(ch_model.join(COEXPRESSION_PAIRS.out.pairs))

    emit:
    signal     = ch_signal                              // channel: [ val(meta), [ signal files ] ]
    vocabulary = COEXPRESSION_VOCABULARY.out.vocabulary // channel: [ val(meta), path(vocabulary/) ]
    checkpoint = COEXPRESSION_TRAIN.out.checkpoint      // channel: [ val(meta), path(model.pt) ]
    metrics    = COEXPRESSION_EVALUATE.out.metrics      // channel: [ val(meta), path(metrics.json), path(metrics.tsv) ]
    network    = COEXPRESSION_NETWORK.out.network       // channel: [ val(meta), path(network.tsv), path(network.graphml) ]
    attention  = COEXPRESSION_ATTENTION.out.attention   // channel: [ val(meta), path(attention.tsv), path(attention.png) ]
}
