process CONSERVATION_PARTITION {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(pairs)
    path sizes_a, stageAs: 'sizes/a.size'
    path sizes_b, stageAs: 'sizes/b.size'
    path split_file

    output:
    tuple val(meta), path("${prefix}/partition.json"), emit: json
    tuple val(meta), path("${prefix}/splitData_args.txt"), emit: split_args
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def split_arg = split_file ? "--split-file ${split_file}" : ''
    """
    plantreg conservation partition \\
        --pairs ${pairs} \\
        --sizes-a ${sizes_a} \\
        --sizes-b ${sizes_b} \\
        ${split_arg} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/partition.json ${prefix}/splitData_args.txt
    """
}
