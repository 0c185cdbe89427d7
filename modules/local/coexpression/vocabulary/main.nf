process COEXPRESSION_VOCABULARY {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(signal), path(genes), path(tfs), path(split)

    output:
    tuple val(meta), path("${prefix}/*"), emit: vocabulary
    tuple val(meta), path("${prefix}/tokens.report.tsv"), path("${prefix}/vocabulary.png"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def norm_prefix = genes.name.replace('.genes.tsv', '')
    """
    plantreg coexpression vocabulary \\
        --norm-prefix ${norm_prefix} \\
        --split ${split} \\
        --threads ${task.cpus} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/windows.npy ${prefix}/tokens.npy ${prefix}/centroids.npy ${prefix}/tfs.txt
    touch ${prefix}/genes.tsv ${prefix}/vocabulary.json ${prefix}/tokens.report.tsv ${prefix}/vocabulary.png
    """
}
