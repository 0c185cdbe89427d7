process CONSERVATION_SELECT {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(summaries, stageAs: 'trials/*/*')

    output:
    tuple val(meta), path("${prefix}/best.json"), emit: best
    tuple val(meta), path("${prefix}/trials.tsv"), emit: table
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation select \\
        --out-table ${prefix}/trials.tsv \\
        --out-best ${prefix}/best.json \\
        ${args} \\
        ${summaries}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/best.json ${prefix}/trials.tsv
    """
}
