process EXPR_GATHER {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(dataset), path(scores, stageAs: 'scores/*/*'), path(beds, stageAs: 'cre/*/*')
    path truth

    output:
    tuple val(meta), path("${prefix}"), emit: merged
    tuple val(meta), path("${prefix}/cre.bed"), emit: bed
    tuple val(meta), path("${prefix}/cre_evaluation.tsv"), emit: evaluation
    tuple val(meta), path("${prefix}/*.importance.bw"), emit: bigwig
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def truth_args = truth ? "--truth-sites ${truth}" : ''
    // every chunk's scores, then every chunk's CRE BED, in chunk order
    """
    plantreg expression gather \\
        --dataset ${dataset} \\
        --outdir ${prefix} \\
        ${truth_args} \\
        ${scores} \\
        ${beds} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/cre.bed ${prefix}/cre_evaluation.tsv ${prefix}/cre_example.png ${prefix}/stub.importance.bw
    """
}
