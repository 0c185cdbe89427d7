process CONSERVATION_FEATURES {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(peaks, stageAs: 'peaks/*/*'), path(signal, stageAs: 'signal/*/*'), path(states, stageAs: 'states/*/*'), path(cage, stageAs: 'cage/*'), path(sizes)
    path pairs

    output:
    tuple val(meta), path("${prefix}/*"), emit: store
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def peak_args = [peaks].flatten().findAll { f -> f }.collect { f -> "--peaks ${f}" }.join(' ')
    def signal_args = [signal].flatten().findAll { f -> f }.collect { f -> "--signal ${f}" }.join(' ')
    def state_args = [states].flatten().findAll { f -> f }.collect { f -> "--states ${f}" }.join(' ')
    def cage_arg = cage ? "--cage ${cage}" : ''
    """
    plantreg conservation features \\
        --pairs ${pairs} \\
        --species ${meta.species} \\
        --sizes ${sizes} \\
        --outdir ${prefix} \\
        ${peak_args} \\
        ${signal_args} \\
        ${state_args} \\
        ${cage_arg} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}
    touch ${prefix}/binary.npy ${prefix}/signal.npy ${prefix}/features.tsv ${prefix}/meta.json
    """
}
