process TFBS_EVALUATE {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(dataset), path(cnn, stageAs: 'cnn'), path(lm, stageAs: 'lm')
    path known

    output:
    tuple val(meta), path("${prefix}/evaluation.tsv"), emit: evaluation
    tuple val(meta), path("${prefix}/evaluation.json"), emit: json
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def known_args = known ? "--motifs ${known}" : ''
    """
    plantreg tfbs evaluate \\
        --tf ${meta.id} \\
        --data ${dataset} \\
        --cnn ${cnn}/model.pt \\
        --lm ${lm}/model.pt \\
        ${known_args} \\
        --outdir ${prefix} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/evaluation.tsv ${prefix}/evaluation.json
    """
}
