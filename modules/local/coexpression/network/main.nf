process COEXPRESSION_NETWORK {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(checkpoint), path(vocabulary, stageAs: 'vocabulary/*')

    output:
    tuple val(meta), path("${prefix}/network.tsv"), path("${prefix}/network.graphml"), emit: network
    tuple val(meta), path("${prefix}/network.json"), emit: stats
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg coexpression network \\
        --checkpoint ${checkpoint} \\
        --vocabulary vocabulary \\
        --threads ${task.cpus} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/network.tsv ${prefix}/network.graphml ${prefix}/network.json
    """
}
