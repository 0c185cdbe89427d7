process PREP_INDEX {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(fasta)

    output:
    tuple val(meta), path("${fasta}.fai"), emit: fai
    tuple val(meta), path("${prefix}.size"), emit: sizes
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg prep index \\
        --fasta ${fasta} \\
        --out-sizes ${prefix}.size \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${fasta}.fai
    touch ${prefix}.size
    """
}
