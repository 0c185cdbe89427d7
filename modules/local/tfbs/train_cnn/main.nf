process TFBS_TRAIN_CNN {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(dataset)

    output:
    tuple val(meta), path("${prefix}"), emit: model
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def device = task.accelerator ? 'cuda' : 'cpu'
    """
    plantreg tfbs train \\
        --tf ${meta.id} \\
        --data ${dataset} \\
        --model cnn \\
        --outdir ${prefix} \\
        --device ${device} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/model.pt
    """
}
