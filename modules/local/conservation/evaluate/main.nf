process CONSERVATION_EVALUATE {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(odd_examples), path(odd_scores, stageAs: 'odd/*/*'), path(even_examples), path(even_scores, stageAs: 'even/*/*')

    output:
    tuple val(meta), path("${prefix}/test_metrics.tsv"), emit: metrics
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def odd_list = [odd_scores].flatten().collect { f -> f.toString() }.join(',')
    def even_list = [even_scores].flatten().collect { f -> f.toString() }.join(',')
    """
    plantreg conservation evaluate \\
        --halves odd,even \\
        --examples ${odd_examples} \\
        --scores ${odd_list} \\
        --examples ${even_examples} \\
        --scores ${even_list} \\
        --out ${prefix}/test_metrics.tsv \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/test_metrics.tsv
    """
}
