process TFBS_DATASET {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(peaks)
    tuple val(genome), path(fasta), path(fai)
    path split

    output:
    tuple val(meta), path("${prefix}"), emit: dataset
    tuple val(meta), path("${prefix}/report.tsv"), emit: report
    tuple val(meta), path("${prefix}/gc.png"), emit: gc_plot
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg tfbs dataset \\
        --tf ${meta.id} \\
        --peaks ${peaks} \\
        --fasta ${fasta} \\
        --split ${split} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/train.csv ${prefix}/dev.csv ${prefix}/test.csv
    touch ${prefix}/windows.tsv ${prefix}/report.tsv ${prefix}/gc.png
    """
}
