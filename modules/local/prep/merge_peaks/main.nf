process PREP_MERGE_PEAKS {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(peaks, stageAs: 'peaks/*/*')
    tuple val(meta2), path(sizes)
    path name_map

    output:
    tuple val(meta), path("${prefix}.merged.bed"), emit: bed
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def name_map_arg = name_map ? "--name-map ${name_map}" : ''
    """
    plantreg prep merge-peaks \\
        --mark ${meta.mark} \\
        --sizes ${sizes} \\
        ${name_map_arg} \\
        --out ${prefix}.merged.bed \\
        ${args} \\
        ${peaks}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.merged.bed
    """
}
