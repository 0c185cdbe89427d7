process EXPR_EVALUATE {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(dataset), path(checkpoint)

    output:
    tuple val(meta), path("${prefix}"), emit: results
    tuple val(meta), path("${prefix}/evaluation.tsv"), emit: evaluation
    tuple val(meta), path("${prefix}/expression_means.json"), emit: means
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg expression evaluate \\
        --dataset ${dataset} \\
        --checkpoint ${checkpoint} \\
        --outdir ${prefix} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/evaluation.tsv ${prefix}/confusion.tsv ${prefix}/scatter.png ${prefix}/confusion.png
    touch ${prefix}/expression_means.json
    """
}
