process PREP_WINDOWS {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(fasta), path(fai), path(sizes), path(split)
    path peaks, stageAs: 'peaks/*'

    output:
    tuple val(meta), path("${prefix}/*.bed"), emit: bed
    tuple val(meta), path("${prefix}/*.index.tsv"), emit: index
    tuple val(meta), path("${prefix}/windows.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def peak_args = [peaks].flatten().collect { peak -> "--peaks ${peak}" }.join(' ')
    """
    plantreg prep windows \\
        --fasta ${fasta} \\
        --sizes ${sizes} \\
        --split ${split} \\
        ${peak_args} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/train.bed ${prefix}/valid.bed ${prefix}/test.bed
    touch ${prefix}/train.index.tsv ${prefix}/valid.index.tsv ${prefix}/test.index.tsv
    touch ${prefix}/windows.report.tsv
    """
}
