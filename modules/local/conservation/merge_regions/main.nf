process CONSERVATION_MERGE_REGIONS {
    tag "${meta.id}"
    label 'process_single'

    container "plantreg:${workflow.manifest.version}"

    input:
    tuple val(meta), path(parts, stageAs: 'parts/*')
    path sizes_a

    output:
    tuple val(meta), path("${prefix}.tsv"), emit: pairs
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation merge-regions \\
        --sizes-a ${sizes_a} \\
        --out ${prefix}.tsv \\
        ${args} \\
        ${parts}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.tsv
    """
}
