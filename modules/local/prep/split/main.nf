process PREP_SPLIT {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(sizes)

    output:
    tuple val(meta), path("${prefix}.json"), emit: json
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg prep split \\
        --sizes ${sizes} \\
        --out ${prefix}.json \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.json
    """
}
