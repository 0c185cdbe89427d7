process EXPR_EXPLAIN {
    tag "${meta.id}"
    label 'process_gpu'

    input:
    tuple val(meta), path(dataset)
    path checkpoint

    output:
    tuple val(meta), path("${prefix}"), emit: chunk
    tuple val(meta), path("${prefix}/scores.npz"), emit: scores
    tuple val(meta), path("${prefix}/scores.tsv"), emit: table
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def device = task.accelerator ? 'cuda' : 'cpu'
    // chunk meta.chunk (0-based) of meta.n_chunks of the selected genes
    """
    plantreg expression explain \\
        --dataset ${dataset} \\
        --checkpoint ${checkpoint} \\
        --chunk ${meta.chunk} \\
        --n-chunks ${meta.n_chunks} \\
        --outdir ${prefix} \\
        --device ${device} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/scores.npz ${prefix}/scores.tsv
    """
}
