process CHROMATIN_SCORE {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(tracks, stageAs: 'tracks/*'), path(fasta), path(fai)
    path model
    path dataset, stageAs: 'dataset/*'
    tuple path(truth), path(peaks, stageAs: 'peaks/*')

    output:
    tuple val(meta), path("${prefix}/evaluation.tsv"), emit: tsv
    tuple val(meta), path("${prefix}/evaluation.json"), emit: json
    tuple val(meta), path("${prefix}/score.report.tsv"), emit: report
    tuple val(meta), path("${prefix}/*.png"), emit: plots
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    // The target's truth intervals when given, else its peak files (as the runner chooses).
    def label_args = truth ? "--truth ${truth}" : [peaks].flatten().collect { bed -> "--peaks ${bed}" }.join(' ')
    """
    plantreg chromatin score \\
        --tracks tracks \\
        --fasta ${fasta} \\
        --checkpoint ${model} \\
        --dataset dataset \\
        ${label_args} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/evaluation.tsv ${prefix}/evaluation.json ${prefix}/score.report.tsv ${prefix}/roc_curves.png ${prefix}/pr_curves.png
    """
}
