process CONSERVATION_PREDICT {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(model), path(prediction_examples), path(test_examples)
    path features_a, stageAs: 'features_a/*'
    path features_b, stageAs: 'features_b/*'

    output:
    tuple val(meta), path("${prefix}.prediction.scores.npy"), emit: prediction
    tuple val(meta), path("${prefix}.test.scores.npy"), emit: test
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation predict \\
        --checkpoint ${model} \\
        --features-a features_a \\
        --features-b features_b \\
        --examples ${prediction_examples} \\
        --out ${prefix}.prediction.scores.npy \\
        --examples ${test_examples} \\
        --out ${prefix}.test.scores.npy \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.prediction.scores.npy ${prefix}.test.scores.npy
    """
}
