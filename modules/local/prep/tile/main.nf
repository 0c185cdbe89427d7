process PREP_TILE {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(fasta), path(fai)

    output:
    tuple val(meta), path("${prefix}.bed"), emit: bed
    tuple val(meta), path("${prefix}.seq.npy"), emit: seq
    tuple val(meta), path("${prefix}.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def chrom_args = meta.chroms ? meta.chroms.collect { chrom -> "--chrom ${chrom}" }.join(' ') : ''
    """
    plantreg prep tile \\
        --fasta ${fasta} \\
        ${chrom_args} \\
        --out-prefix ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.bed ${prefix}.seq.npy ${prefix}.report.tsv
    """
}
