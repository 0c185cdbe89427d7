process COEXPRESSION_EXTRACT {
    tag "${meta.id}"
    label 'process_low'

    input:
    tuple val(meta), path(promoters), path(sizes) // meta.id names the shard, meta.chrom its chromosome
    path bigwigs, stageAs: 'dapseq/*'
    path control, stageAs: 'control/*/*' // every control bigWig (their per-base mean), or []
    path name_map, stageAs: 'name_map/*' // chromosome name map (from<TAB>to), or []

    output:
    // signal.npy, genes.tsv, tfs.tsv, report.tsv, and control.npy when a control is given
    tuple val(meta), path("${prefix}.*"), emit: shard
    tuple val("${task.process}"), val('plantreg'), eval("plantreg --version | sed 's/plantreg //'"), emit: versions, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    prefix = task.ext.prefix ?: "${meta.id}"
    def bigwig_args = [bigwigs].flatten().collect { bw -> "--bigwig ${bw}" }.join(' ')
    def control_args = [control].flatten().collect { bw -> "--control ${bw}" }.join(' ')
    def name_map_arg = name_map ? "--name-map ${name_map}" : ''
    """
    plantreg coexpression extract \\
        --promoters ${promoters} \\
        --sizes ${sizes} \\
        ${bigwig_args} \\
        ${control_args} \\
        ${name_map_arg} \\
        --chrom ${meta.chrom} \\
        --out-prefix ${prefix} \\
        ${args}
    """

    stub:
    prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.signal.npy ${prefix}.control.npy ${prefix}.genes.tsv ${prefix}.tfs.tsv ${prefix}.report.tsv
    """
}
