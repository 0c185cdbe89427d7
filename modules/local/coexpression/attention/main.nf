process COEXPRESSION_ATTENTION {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(checkpoint), path(vocabulary, stageAs: 'vocabulary/*'), path(pairs)

    output:
    tuple val(meta), path("${prefix}/attention.tsv"), path("${prefix}/attention.png"), emit: attention
    tuple val(meta), path("${prefix}/token_drivers.tsv"), emit: drivers, optional: true
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg coexpression attention \\
        --checkpoint ${checkpoint} \\
        --vocabulary vocabulary \\
        --pairs ${pairs} \\
        --threads ${task.cpus} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/attention.tsv ${prefix}/attention.png ${prefix}/token_drivers.tsv
    """
}
