process CONSERVATION_REGIONS {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(axt) // the whole alignment, read once for every A chromosome
    path sizes_a, stageAs: 'sizes/a.size'
    path sizes_b, stageAs: 'sizes/b.size'

    output:
    tuple val(meta), path("${prefix}.tsv"), emit: pairs
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation regions \\
        --axt ${axt} \\
        --sizes-a ${sizes_a} \\
        --sizes-b ${sizes_b} \\
        --out ${prefix}.tsv \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.tsv
    """
}
