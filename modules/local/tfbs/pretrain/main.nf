process TFBS_PRETRAIN {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(fasta), path(fai)
    path split
    path datasets, stageAs: 'datasets/*'

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
    plantreg tfbs pretrain \\
        --fasta ${fasta} \\
        --split ${split} \\
        --bound datasets \\
        --outdir ${prefix} \\
        --device ${device} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/config.json ${prefix}/model.safetensors ${prefix}/tokenizer.json
    """
}
