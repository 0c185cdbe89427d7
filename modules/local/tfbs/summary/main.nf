process TFBS_SUMMARY {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(evaluations, stageAs: 'evaluate/*/*'), path(motifs, stageAs: 'motifs/*/*')

    output:
    tuple val(meta), path("${prefix}/tfbs_summary.tsv"), emit: table
    tuple val(meta), path("${prefix}/tfbs_summary.png"), emit: plot
    tuple val(meta), path("${prefix}/tfbs_means.json"), emit: means
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg tfbs summary \\
        --outdir ${prefix} \\
        ${evaluations} \\
        ${motifs} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/tfbs_summary.tsv ${prefix}/tfbs_summary.png ${prefix}/tfbs_means.json
    """
}
