process CONSERVATION_AVERAGE {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(examples), path(scores, stageAs: 'scores/*/*')
    path pairs

    output:
    tuple val(meta), path("${prefix}.scores.tsv"), emit: scores
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation average \\
        --pairs ${pairs} \\
        --examples ${examples} \\
        --out ${prefix}.scores.tsv \\
        ${args} \\
        ${scores}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.scores.tsv
    """
}
