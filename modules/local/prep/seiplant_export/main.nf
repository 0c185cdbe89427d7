process PREP_SEIPLANT_EXPORT {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(windows), path(labels), path(tags)
    tuple val(meta2), path(fasta), path(fai)

    output:
    tuple val(meta), path("${prefix}.fa"), emit: fasta
    tuple val(meta), path("tag.txt"), emit: tags
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg prep seiplant-export \\
        --fasta ${fasta} \\
        --windows ${windows} \\
        --labels ${labels} \\
        --tags ${tags} \\
        --out ${prefix}.fa \\
        --out-tags tag.txt \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.fa tag.txt
    """
}
