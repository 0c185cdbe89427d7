process EXPR_SCAN_CRE {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(scores)
    path threshold

    output:
    tuple val(meta), path("${prefix}"), emit: cre
    tuple val(meta), path("${prefix}/cre.bed"), emit: bed
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg expression scan-cre \\
        --scores ${scores} \\
        --threshold ${threshold} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix} ${prefix}/plots
    touch ${prefix}/cre.bed
    """
}
