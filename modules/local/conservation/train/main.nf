process CONSERVATION_TRAIN {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(train), path(valid), path(best)
    path features_a, stageAs: 'features_a/*'
    path features_b, stageAs: 'features_b/*'

    output:
    tuple val(meta), path("${prefix}/model.pt"), emit: model
    tuple val(meta), path("${prefix}/summary.json"), emit: summary
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def device = task.accelerator ? 'cuda' : 'cpu'
    """
    plantreg conservation train \\
        --features-a features_a \\
        --features-b features_b \\
        --train ${train} \\
        --valid ${valid} \\
        --best ${best} \\
        --member ${meta.member} \\
        --outdir ${prefix} \\
        --threads ${task.cpus} \\
        --device ${device} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/model.pt ${prefix}/summary.json
    """
}
