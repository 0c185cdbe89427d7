process COEXPRESSION_EVALUATE {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(checkpoint), path(vocabulary, stageAs: 'vocabulary/*'), path(pairs)
    tuple path(listed, stageAs: 'listed/*'), path(hidden, stageAs: 'hidden/*')

    output:
    tuple val(meta), path("${prefix}/metrics.json"), path("${prefix}/metrics.tsv"), emit: metrics
    tuple val(meta), path("${prefix}/curves_*.png"), emit: curves
    tuple val(meta), path("${prefix}/scores_test.tsv"), emit: scores
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def hidden_args = hidden ? "--listed ${listed} --hidden ${hidden}" : ''
    """
    plantreg coexpression evaluate \\
        --checkpoint ${checkpoint} \\
        --vocabulary vocabulary \\
        --pairs ${pairs} \\
        ${hidden_args} \\
        --threads ${task.cpus} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/metrics.json ${prefix}/metrics.tsv ${prefix}/curves_test.png ${prefix}/scores_test.tsv
    """
}
