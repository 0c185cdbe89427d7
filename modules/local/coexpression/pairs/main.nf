process COEXPRESSION_PAIRS {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(pairs), path(genes)

    output:
    tuple val(meta), path("${prefix}/pairs.tsv"), emit: pairs
    tuple val(meta), path("${prefix}/split.json"), emit: split
    tuple val(meta), path("${prefix}/pairs.report.tsv"), path("${prefix}/pairs.summary.json"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg coexpression pairs \\
        --pairs ${pairs} \\
        --genes ${genes} \\
        --outdir ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/pairs.tsv ${prefix}/split.json ${prefix}/pairs.report.tsv ${prefix}/pairs.summary.json
    """
}
