process PREP_ENCODE {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(windows)
    tuple val(meta2), path(fasta), path(fai)

    output:
    tuple val(meta), path("${prefix}.seq.npy"), emit: seq
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg prep encode \\
        --fasta ${fasta} \\
        --windows ${windows} \\
        --out ${prefix}.seq.npy \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.seq.npy
    """
}
