process CONSERVATION_TRACK {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(tables, stageAs: 'tables/*/*')
    path sizes_a

    output:
    tuple val(meta), path("${prefix}.bw"), emit: bigwig
    tuple val(meta), path("${prefix}.bedGraph"), emit: bedgraph
    tuple val(meta), path("${prefix}.scores.tsv"), emit: scores
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation track \\
        --sizes-a ${sizes_a} \\
        --out-prefix ${prefix} \\
        ${args} \\
        ${tables}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.bw ${prefix}.bedGraph ${prefix}.scores.tsv
    """
}
