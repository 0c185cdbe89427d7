process TFBS_MOTIFS {
    tag "${meta.id}"
    label 'process_medium'

    input:
    tuple val(meta), path(dataset), path(lm, stageAs: 'lm')
    path known

    output:
    tuple val(meta), path("${prefix}/summary.json"), emit: summary
    tuple val(meta), path("${prefix}/motifs.meme"), path("${prefix}/motifs.jaspar"), emit: motifs
    tuple val(meta), path("${prefix}/tomtom.tsv"), emit: tomtom
    tuple val(meta), path("${prefix}/logos/*.png"), emit: logos, optional: true
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def known_args = known ? "--known ${known}" : ''
    """
    plantreg tfbs motifs \\
        --tf ${meta.id} \\
        --data ${dataset} \\
        --checkpoint ${lm}/model.pt \\
        --model lm \\
        ${known_args} \\
        --outdir ${prefix} \\
        --threads ${task.cpus} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir -p ${prefix}/logos
    touch ${prefix}/summary.json ${prefix}/motifs.meme ${prefix}/motifs.jaspar ${prefix}/tomtom.tsv ${prefix}/logos/pos_pattern_0.png
    """
}
