process CHROMATIN_MERGE_TRACKS {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(shards, stageAs: 'shards/*/*')
    path sizes

    output:
    tuple val(meta), path("${prefix}.bw"), emit: bigwig
    tuple val(meta), path("${prefix}.bedGraph"), emit: bedgraph
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg chromatin merge-tracks \\
        --sizes ${sizes} \\
        --out-prefix ${prefix} \\
        ${args} \\
        ${shards}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.bw ${prefix}.bedGraph
    """
}
