process EXPR_CRE_THRESHOLD {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(scores, stageAs: 'scores/*/*')

    output:
    tuple val(meta), path("${prefix}/threshold.json"), emit: threshold
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    // every chunk's scores, in chunk order: one quantile over all of them
    """
    plantreg expression cre-threshold \\
        --out ${prefix}/threshold.json \\
        ${scores} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/threshold.json
    """
}
