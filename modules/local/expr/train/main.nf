process EXPR_TRAIN {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(dataset)

    output:
    tuple val(meta), path("${prefix}"), emit: model
    tuple val(meta), path("${prefix}/model.pt"), emit: checkpoint
    tuple val(meta), path("${prefix}/metrics.tsv"), emit: metrics
    tuple val(meta), path("${prefix}/learning_curve.png"), emit: curve
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def device = task.accelerator ? 'cuda' : 'cpu'
    """
    plantreg expression train \\
        --dataset ${dataset} \\
        --outdir ${prefix} \\
        --device ${device} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/model.pt ${prefix}/metrics.tsv ${prefix}/learning_curve.png
    """
}
