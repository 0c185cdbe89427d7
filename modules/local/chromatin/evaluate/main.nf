process CHROMATIN_EVALUATE {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(model), path(metrics), path(dataset, stageAs: 'dataset/*')

    output:
    tuple val(meta), path("${prefix}/evaluation.tsv"), emit: tsv
    tuple val(meta), path("${prefix}/evaluation.json"), emit: json
    tuple val(meta), path("${prefix}/*.png"), emit: plots
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def device = task.accelerator ? 'cuda' : 'cpu'
    """
    plantreg chromatin evaluate \\
        --checkpoint ${model} \\
        --dataset dataset \\
        --metrics ${metrics} \\
        --device ${device} \\
        --threads ${task.cpus} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/evaluation.tsv ${prefix}/evaluation.json ${prefix}/roc_curves.png ${prefix}/pr_curves.png ${prefix}/loss_curve.png
    """
}
