process COEXPRESSION_NORMALISE {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(signal_files, stageAs: 'signal/*'), path(split)

    output:
    tuple val(meta), path("${prefix}.signal.npy"), path("${prefix}.genes.tsv"), path("${prefix}.tfs.tsv"), emit: signal
    tuple val(meta), path("${prefix}.json"), emit: params
    tuple val(meta), path("${prefix}.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def genes = [signal_files].flatten().find { f -> f.name.endsWith('.genes.tsv') }
    def input_prefix = 'signal/' + genes.name.replace('.genes.tsv', '')
    """
    plantreg coexpression normalise \\
        --signal-prefix ${input_prefix} \\
        --split ${split} \\
        --out-prefix ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.signal.npy ${prefix}.genes.tsv ${prefix}.tfs.tsv ${prefix}.json ${prefix}.report.tsv
    """
}
