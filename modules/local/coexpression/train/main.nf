process COEXPRESSION_TRAIN {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(vocabulary, stageAs: 'vocabulary/*'), path(pairs), path(split), path(norm_params)
    path config

    output:
    tuple val(meta), path("${prefix}/model.pt"), emit: checkpoint
    tuple val(meta), path("${prefix}/training/metrics.tsv"), path("${prefix}/training.json"), path("${prefix}/hyperparams.yaml"), emit: log
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def config_arg = config ? "--config ${config}" : ''
    def device = task.accelerator ? 'cuda' : 'cpu'
    """
    plantreg coexpression train \\
        --vocabulary vocabulary \\
        --pairs ${pairs} \\
        --split ${split} \\
        --normalisation ${norm_params} \\
        ${config_arg} \\
        --threads ${task.cpus} \\
        --device ${device} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}/training
    touch ${prefix}/training/metrics.tsv ${prefix}/model.pt ${prefix}/training.json ${prefix}/hyperparams.yaml
    """
}
