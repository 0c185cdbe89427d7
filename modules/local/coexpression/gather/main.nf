process COEXPRESSION_GATHER {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(shard_files, stageAs: 'shards/*'), path(promoters)

    output:
    tuple val(meta), path("${prefix}.*"), emit: signal
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def shard_args = [shard_files].flatten().findAll { f -> f.name.endsWith('.genes.tsv') }.collect { f -> "--shard shards/" + f.name.replace('.genes.tsv', '') }.sort().join(' ')
    """
    plantreg coexpression gather \\
        --promoters ${promoters} \\
        --out-prefix ${prefix} \\
        ${shard_args} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.signal.npy ${prefix}.genes.tsv ${prefix}.tfs.tsv ${prefix}.report.tsv
    """
}
