process CONSERVATION_NEGATIVES {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(pairs), path(partition)

    output:
    tuple val(meta), path("examples/*.examples.npy"), emit: examples
    tuple val(meta), path("examples/examples.report.tsv"), emit: report
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    plantreg conservation negatives \\
        --pairs ${pairs} \\
        --partition ${partition} \\
        --outdir examples \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p examples
    touch examples/odd.training.examples.npy examples/odd.validation.examples.npy examples/odd.test.examples.npy examples/odd.prediction.examples.npy
    touch examples/even.training.examples.npy examples/even.validation.examples.npy examples/even.test.examples.npy examples/even.prediction.examples.npy
    touch examples/examples.report.tsv
    """
}
