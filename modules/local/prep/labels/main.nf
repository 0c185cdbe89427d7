process PREP_LABELS {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(windows)
    path peaks, stageAs: 'peaks/*'
    path signal, stageAs: 'signal/*'
    path name_map

    output:
    tuple val(meta), path("${prefix}.labels.npy"), emit: labels
    tuple val(meta), path("${prefix}.signal.npy"), emit: signal, optional: true
    tuple val(meta), path("tags.txt"), emit: tags
    tuple val(meta), path("signal_tags.txt"), emit: signal_tags, optional: true
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def peak_args = [peaks].flatten().collect { peak -> "--peaks ${peak}" }.join(' ')
    def signal_args = [signal].flatten().collect { bigwig -> "--signal ${bigwig}" }.join(' ')
    def name_map_arg = name_map ? "--name-map ${name_map}" : ''
    """
    plantreg prep labels \\
        --windows ${windows} \\
        ${peak_args} \\
        ${signal_args} \\
        ${name_map_arg} \\
        --out-prefix ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.labels.npy ${prefix}.signal.npy
    touch tags.txt signal_tags.txt
    """
}
